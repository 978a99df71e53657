package io.keyrotator.bench;

import io.keyrotator.config.Settings;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.LocalAws;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Prints the rotation function's numbers against a local moto server: a warm rotation's time (four
 * steps, one STS check, no propagation wait), the AWS calls one rotation makes, the jar's size, and
 * cold starts (new JVM on the shaded jar to first step done). Run with {@code bench/rotation}; see
 * docs/performance.md.
 */
public final class RotationBenchmark {
  private static final int WARMUP = 10;
  private static final int MEASURED = 40;
  private static final int COLD_STARTS = 5;

  private RotationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "lambda/target/keyrotator-lambda.jar");
    Path testClasses = Path.of(args.length > 1 ? args[1] : "lambda/target/test-classes");
    System.out.println(
        "keyrotator rotation benchmark (moto server on loopback; times include moto's latency)");
    try (LocalAws aws = LocalAws.fresh()) {
      Map<String, String> steadyState =
          Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate", Settings.PROPAGATION_SUCCESSES, "1");
      FaultInjector counter = new FaultInjector();
      RotationHandler handler = aws.handler(aws.settings(steadyState), counter);
      aws.createManagedUser("bench-user");
      String secret = aws.createBootstrapSecret("bench-key", "bench-user");
      for (int i = 0; i < WARMUP; i++) {
        aws.rotate(handler, secret);
      }
      List<Long> micros = new ArrayList<>();
      Map<String, Integer> calls = new TreeMap<>();
      for (int i = 0; i < MEASURED; i++) {
        String token = aws.startRotation(secret);
        counter.operations.clear();
        long start = System.nanoTime();
        LocalAws.runSteps(handler, secret, token);
        micros.add((System.nanoTime() - start) / 1000);
        if (i == 0) {
          counter.operations.forEach(op -> calls.merge(op, 1, Integer::sum));
        }
      }
      Collections.sort(micros);
      System.out.printf(
          "warm rotation, steady state (%d runs after %d warm-up): median %.1f ms, p90 %.1f ms, min %.1f ms%n",
          MEASURED,
          WARMUP,
          micros.get(MEASURED / 2) / 1000.0,
          micros.get(MEASURED * 9 / 10) / 1000.0,
          micros.get(0) / 1000.0);
      int total = calls.values().stream().mapToInt(Integer::intValue).sum();
      System.out.printf("AWS API calls per steady-state rotation: %d%n", total);
      calls.forEach((op, n) -> System.out.printf("  %-45s %d%n", op, n));
      System.out.printf(
          "jar: %s, %d bytes (%.2f MiB)%n", jar, Files.size(jar), Files.size(jar) / 1048576.0);
      coldStarts(aws, jar, testClasses);
    } finally {
      MotoServer.shared().stop();
    }
  }

  private static void coldStarts(LocalAws aws, Path jar, Path testClasses)
      throws IOException, InterruptedException {
    List<Long> firstStep = new ArrayList<>();
    List<Long> whole = new ArrayList<>();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    for (int i = 0; i < COLD_STARTS; i++) {
      String user = "cold-" + i;
      aws.createManagedUser(user);
      String secret = aws.createBootstrapSecret(user + "-key", user);
      String token = aws.startRotation(secret);
      ProcessBuilder builder =
          new ProcessBuilder(
                  java,
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  "-cp",
                  jar + File.pathSeparator + testClasses,
                  ColdStartRotation.class.getName(),
                  secret,
                  token)
              .redirectErrorStream(true);
      builder.environment().putAll(ColdStartRotation.lambdaLikeEnvironment(aws.moto.endpoint()));
      builder.environment().put(Settings.PROPAGATION_SUCCESSES, "1");
      long start = System.nanoTime();
      Process process = builder.start();
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.equals(ColdStartRotation.FIRST_STEP_DONE)) {
            firstStep.add((System.nanoTime() - start) / 1_000_000);
          } else if (line.equals(ColdStartRotation.ROTATION_DONE)) {
            whole.add((System.nanoTime() - start) / 1_000_000);
          }
        }
      }
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new IllegalStateException("cold-start run " + i + " failed");
      }
    }
    Function<List<Long>, String> summary =
        l -> {
          List<Long> sorted = l.stream().sorted().toList();
          return "median "
              + sorted.get(sorted.size() / 2)
              + " ms (all: "
              + l.stream().map(String::valueOf).collect(Collectors.joining(", "))
              + ")";
        };
    System.out.printf(
        "cold start, new JVM (-XX:+UseSerialGC -XX:TieredStopAtLevel=1) to createSecret done, %d runs: %s%n",
        COLD_STARTS, summary.apply(firstStep));
    System.out.printf("cold start to whole rotation done: %s%n", summary.apply(whole));
    System.out.printf(
        "JVM: %s %s, %d cores%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
  }
}
