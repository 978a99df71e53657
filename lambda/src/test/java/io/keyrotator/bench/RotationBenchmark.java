package io.keyrotator.bench;

import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionHandlers;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.testing.CallsPerStep;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.LocalAws;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
  private static final String HANDLER = FunctionHandlers.ROTATION;
  private static final String PRIMED_HANDLER =
      "io.keyrotator.lambda.PrimedRotationHandler::handleRequest";

  /** The function as deployed, and as it is after a restore from a primed snapshot. */
  static final List<String> HANDLERS = List.of(HANDLER, PRIMED_HANDLER);

  private RotationBenchmark() {}

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "lambda/target/keyrotator-lambda.jar");
    Path testClasses = Path.of(args.length > 1 ? args[1] : "lambda/target/test-classes");
    Path runtime = Path.of(args.length > 2 ? args[2] : "lambda/target/lambda-runtime");
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
          "AWS API calls per step:%n%s%n",
          CallsPerStep.of(handler, counter, secret, aws.startRotation(secret)));
      System.out.printf(
          "jar: %s, %d bytes (%.2f MiB)%n", jar, Files.size(jar), Files.size(jar) / 1048576.0);
      coldStarts(aws, jar, testClasses, runtime);
    } finally {
      MotoServer.shared().stop();
    }
  }

  private static void coldStarts(LocalAws aws, Path jar, Path testClasses, Path runtime)
      throws Exception {
    RuntimeClientColdStart coldStart = new RuntimeClientColdStart(aws, jar, testClasses, runtime);
    List<Long> firstStep = new ArrayList<>();
    List<Long> whole = new ArrayList<>();
    List<Long> unprimed = new ArrayList<>();
    List<Long> primed = new ArrayList<>();
    for (int i = 0; i < COLD_STARTS; i++) {
      RuntimeClientColdStart.Run run = coldStart.run(HANDLER, "cold-" + i);
      firstStep.add(run.firstStepMillis());
      whole.add(run.rotationMillis());
      unprimed.add(run.firstInvocationMillis());
      primed.add(coldStart.run(PRIMED_HANDLER, "primed-" + i).firstInvocationMillis());
    }
    System.out.printf(
        "cold start under the Lambda runtime interface client (%s), %d runs:%n",
        String.join(" ", RuntimeClientColdStart.LAMBDA_JVM_FLAGS), COLD_STARTS);
    System.out.printf(
        "  spawn to createSecret answered: %s%n", RuntimeClientColdStart.summary(firstStep));
    System.out.printf(
        "  spawn to whole rotation answered: %s%n", RuntimeClientColdStart.summary(whole));
    System.out.printf(
        "  first invocation (createSecret) alone, not primed: %s%n",
        RuntimeClientColdStart.summary(unprimed));
    System.out.printf(
        "  first invocation (createSecret) alone, after SnapStart priming: %s%n",
        RuntimeClientColdStart.summary(primed));
    System.out.printf(
        "JVM: %s %s, %d cores%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
  }
}
