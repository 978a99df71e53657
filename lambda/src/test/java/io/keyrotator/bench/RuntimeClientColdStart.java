package io.keyrotator.bench;

import io.keyrotator.config.Settings;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.LocalAws;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Cold starts of the rotation function as Lambda runs it: the shaded jar under the real AWS Lambda
 * Java runtime interface client ({@code
 * com.amazonaws.services.lambda.runtime.api.client.AWSLambda}), started with the JVM flags Lambda's
 * Java 21 runtime uses, fetching its events from a Runtime API on loopback ({@link
 * LocalRuntimeApi}) and calling moto.
 */
final class RuntimeClientColdStart {
  /**
   * The flags Lambda's java21 runtime starts the JVM with (Serial GC, tiered compilation stopped at
   * C1, class data sharing on; heap at about 85% of a 1024 MB function), per "Customize Java
   * runtime startup behavior for Lambda functions" in the Lambda Developer Guide.
   */
  static final List<String> LAMBDA_JVM_FLAGS =
      List.of(
          "-XX:MaxHeapSize=870m",
          "-XX:+UseSerialGC",
          "-Xshare:auto",
          "-XX:+TieredCompilation",
          "-XX:TieredStopAtLevel=1",
          "-Djava.net.preferIPv4Stack=true");

  /**
   * One cold start, in milliseconds: process spawn to createSecret answered, spawn to all four
   * steps answered, and the first invocation alone (event handed out to answer received).
   */
  record Run(long firstStepMillis, long rotationMillis, long firstInvocationMillis) {}

  private final LocalAws aws;
  private final Path jar;
  private final Path testClasses;
  private final Path runtimeLibraries;

  RuntimeClientColdStart(LocalAws aws, Path jar, Path testClasses, Path runtimeLibraries) {
    this.aws = aws;
    this.jar = jar;
    this.testClasses = testClasses;
    this.runtimeLibraries = runtimeLibraries;
  }

  /**
   * Starts a new function process for one rotation of a fresh user's secret.
   *
   * @param handler the handler string as Lambda's configuration gives it
   * @param user a user name not used before
   */
  Run run(String handler, String user) throws Exception {
    aws.createManagedUser(user);
    String secret = aws.createBootstrapSecret(user + "-key", user);
    String token = aws.startRotation(secret);
    try (LocalRuntimeApi api = new LocalRuntimeApi()) {
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(LAMBDA_JVM_FLAGS);
      command.add("-cp");
      command.add(classpath());
      command.add("com.amazonaws.services.lambda.runtime.api.client.AWSLambda");
      command.add(handler);
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
      Path output = Files.createTempFile("keyrotator-cold-start", ".log");
      builder.redirectOutput(output.toFile());
      builder.environment().clear();
      builder.environment().putAll(ColdStartRotation.lambdaLikeEnvironment(aws.moto.endpoint()));
      builder.environment().put(Settings.PROPAGATION_SUCCESSES, "1");
      builder.environment().put("AWS_LAMBDA_RUNTIME_API", api.address());
      builder.environment().put("_HANDLER", handler);
      builder.environment().put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024");
      builder.environment().put("AWS_LAMBDA_FUNCTION_VERSION", "1");
      builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
      long start = System.nanoTime();
      Process process = builder.start();
      try {
        long first = 0;
        long firstInvocation = 0;
        for (RotationStep step : RotationStep.values()) {
          api.invoke(event(step, secret, token));
          LocalRuntimeApi.Outcome outcome = api.awaitOutcome(120, () -> read(output));
          if (!outcome.succeeded()) {
            throw new IllegalStateException(step.wireName() + " failed: " + outcome.body());
          }
          if (step == RotationStep.CREATE_SECRET) {
            first = (outcome.arrivedNanos() - start) / 1_000_000;
            firstInvocation = (outcome.arrivedNanos() - api.handedOutNanos(outcome)) / 1_000_000;
          }
        }
        return new Run(first, (System.nanoTime() - start) / 1_000_000, firstInvocation);
      } finally {
        process.destroyForcibly().waitFor();
        Files.deleteIfExists(output);
      }
    }
  }

  private static String read(Path output) {
    try {
      return Files.readString(output);
    } catch (java.io.IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }

  private String classpath() throws Exception {
    List<String> entries = new ArrayList<>(List.of(jar.toString(), testClasses.toString()));
    try (Stream<Path> libraries = Files.list(runtimeLibraries)) {
      libraries
          .filter(p -> p.toString().endsWith(".jar"))
          .sorted()
          .forEach(p -> entries.add(p.toString()));
    }
    return entries.stream().collect(Collectors.joining(File.pathSeparator));
  }

  private static String event(RotationStep step, String secret, String token) {
    return "{\"Step\":\""
        + step.wireName()
        + "\",\"SecretId\":\""
        + secret
        + "\",\"ClientRequestToken\":\""
        + token
        + "\"}";
  }

  /** "median 812 ms (all: ...)" */
  static String summary(List<Long> millis) {
    List<Long> sorted = millis.stream().sorted().toList();
    return "median "
        + sorted.get(sorted.size() / 2)
        + " ms (all: "
        + millis.stream().map(String::valueOf).collect(Collectors.joining(", "))
        + ")";
  }
}
