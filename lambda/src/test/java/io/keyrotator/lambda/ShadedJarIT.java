package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.bench.ColdStartRotation;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The deployable jar itself: within its size budget, and complete enough to rotate on its own. */
@ExtendWith(LocalAwsExtension.class)
class ShadedJarIT {
  static final Path JAR = Path.of("target", "keyrotator-lambda.jar");

  /** Lambda's limits are in binary megabytes; 10 MiB keeps deploys and cold starts quick. */
  static final long SIZE_BUDGET_BYTES = 10L * 1024 * 1024;

  private LocalAws aws;

  @Test
  void jarStaysWithinItsSizeBudget() throws Exception {
    assertThat(JAR).exists();
    assertThat(Files.size(JAR)).isLessThan(SIZE_BUDGET_BYTES);
  }

  @Test
  void jarCarriesTheCredentialReportParser() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(JAR.toFile())) {
      assertThat(jar.getEntry("org/apache/commons/csv/CSVParser.class")).isNotNull();
      assertThat(jar.getEntry("io/keyrotator/audit/AccountAudit.class")).isNotNull();
    }
  }

  @Test
  void jarHoldsNoCommandLineCodeAndNoPicocli() throws Exception {
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(JAR.toFile())) {
      List<String> names = jar.stream().map(java.util.jar.JarEntry::getName).toList();
      assertThat(names)
          .as("classes of the function")
          .anyMatch(n -> n.startsWith("io/keyrotator/lambda/"));
      assertThat(names)
          .noneMatch(n -> n.startsWith("io/keyrotator/cli/"))
          .noneMatch(n -> n.startsWith("picocli/"))
          .noneMatch(n -> n.startsWith("io/keyrotator/localaws/"));
    }
  }

  @Test
  void unchangedJarRotatesInAFreshJvmPointedAtTheEmulatorByEnvironmentAlone() throws Exception {
    aws.createManagedUser("app-ci");
    String secret = aws.createBootstrapSecret("app-ci-key", "app-ci");
    String token = aws.startRotation(secret);

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = JAR + File.pathSeparator + Path.of("target", "test-classes");
    ProcessBuilder builder =
        new ProcessBuilder(java, "-cp", classpath, ColdStartRotation.class.getName(), secret, token)
            .redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(ColdStartRotation.lambdaLikeEnvironment(aws.moto.endpoint()));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.lines().toList())
        .contains(ColdStartRotation.FIRST_STEP_DONE, ColdStartRotation.ROTATION_DONE);
    ManagedKeySecret current = ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "current");
    assertThat(aws.keys("app-ci"))
        .extracting(k -> k.accessKeyId())
        .isEqualTo(List.of(current.accessKeyId().orElseThrow()));
  }
}
