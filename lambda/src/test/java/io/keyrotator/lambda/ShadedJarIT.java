package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import io.keyrotator.bench.ColdStartHygiene;
import io.keyrotator.bench.ColdStartRotation;
import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.StatusType;

/** The deployable jar itself: within its size budget, and complete enough to rotate on its own. */
@ExtendWith(LocalAwsExtension.class)
class ShadedJarIT {
  static final Path JAR = Path.of("target", "keyrotator-lambda.jar");

  /**
   * Lambda's limits are in binary megabytes; 8 MiB keeps deploys and cold starts quick (every byte
   * is unzipped and its classes loaded on a cold start).
   */
  static final long SIZE_BUDGET_BYTES = 8L * 1024 * 1024;

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

  /**
   * The jar keeps only the IAM operations keyrotator calls (lambda/pom.xml); a call added to the
   * code without its classes would fail in AWS. Every IamClient method the function's classes call
   * must find its request, response and marshaller classes in the jar.
   */
  /** IamClient's methods that are not IAM API operations. */
  private static final Set<String> NOT_OPERATIONS =
      Set.of("builder", "create", "close", "serviceClientConfiguration", "waiter", "utilities");

  @Test
  void jarKeepsTheClassesOfEveryIamOperationTheFunctionCalls() throws Exception {
    Set<String> operations =
        new ClassFileImporter()
            .importPath(Path.of("target", "classes")).stream()
                .flatMap(c -> c.getMethodCallsFromSelf().stream())
                .filter(call -> call.getTargetOwner().isEquivalentTo(IamClient.class))
                .map(call -> call.getName())
                .filter(name -> !NOT_OPERATIONS.contains(name))
                .map(name -> Character.toUpperCase(name.charAt(0)) + name.substring(1))
                .map(name -> name.replace("Paginator", ""))
                .collect(Collectors.toCollection(TreeSet::new));
    assertThat(operations).contains("CreateAccessKey", "GetCredentialReport");
    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(JAR.toFile())) {
      String iam = "software/amazon/awssdk/services/iam/";
      for (String operation : operations) {
        assertThat(jar.getEntry(iam + "model/" + operation + "Response.class"))
            .as(
                operation
                    + " is called but its response class is not in the jar: add it to the"
                    + " IAM filter in lambda/pom.xml")
            .isNotNull();
        assertThat(jar.getEntry(iam + "transform/" + operation + "RequestMarshaller.class"))
            .as(operation + " marshaller")
            .isNotNull();
      }
    }
  }

  @Test
  void unchangedJarRotatesInAFreshJvmPointedAtTheEmulatorByEnvironmentAlone() throws Exception {
    aws.createManagedUser("app-ci");
    String secret = aws.createBootstrapSecret("app-ci-key", "app-ci");

    String output = rotateInFreshJvm(secret, Map.of());

    assertThat(output.lines().toList())
        .contains(ColdStartRotation.FIRST_STEP_DONE, ColdStartRotation.ROTATION_DONE);
    ManagedKeySecret current = ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "current");
    assertThat(aws.keys("app-ci"))
        .extracting(k -> k.accessKeyId())
        .isEqualTo(List.of(current.accessKeyId().orElseThrow()));
  }

  /**
   * Every IAM, Secrets Manager and STS call the functions make, from the shaded jar alone: the jar
   * keeps only the IAM classes of the operations keyrotator calls, so a call it forgot to keep
   * fails here with NoClassDefFoundError (rotations that keep, deactivate and delete the previous
   * key; a hygiene pass that retires a key, reads last use, the credential report and the password
   * policy, which the emulator does not have, so that error path runs too).
   */
  @Test
  void unchangedJarRunsEveryJobInAFreshJvm() throws Exception {
    aws.createManagedUser("app-ci");
    String secret = aws.createBootstrapSecret("app-ci-key", "app-ci");
    rotateInFreshJvm(secret, Map.of());
    String firstKey = currentKey(secret);
    rotateInFreshJvm(secret, Map.of());

    String report =
        inFreshJvm(
            ColdStartHygiene.class,
            List.of(),
            Map.of(
                FunctionEnvironment.HYGIENE_GRACE_DAYS, "0",
                FunctionEnvironment.HYGIENE_SWITCH_MINUTES, "0"));
    assertThat(aws.keyStatus("app-ci", firstKey)).as(report).isEqualTo(StatusType.INACTIVE);
    assertThat(report).contains("\"PreviousKeysDeactivated\":1").contains("\"AuditFailed\":0");

    rotateInFreshJvm(
        secret,
        Map.of(Settings.KEY_LIMIT_POLICY, "inactive", Settings.PREVIOUS_KEY_POLICY, "delete"));
    assertThat(aws.keys("app-ci"))
        .extracting(k -> k.accessKeyId())
        .containsExactly(currentKey(secret));
  }

  private String currentKey(String secret) {
    return ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "current")
        .accessKeyId()
        .orElseThrow();
  }

  private String rotateInFreshJvm(String secret, Map<String, String> settings) throws Exception {
    String token = aws.startRotation(secret);
    String output = inFreshJvm(ColdStartRotation.class, List.of(secret, token), settings);
    assertThat(output.lines().toList()).contains(ColdStartRotation.ROTATION_DONE);
    return output;
  }

  /** Runs {@code main} of a class on the shaded jar in a new JVM with a Lambda-like environment. */
  private String inFreshJvm(Class<?> main, List<String> args, Map<String, String> settings)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = JAR + File.pathSeparator + Path.of("target", "test-classes");
    List<String> command = new ArrayList<>(List.of(java, "-cp", classpath, main.getName()));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(ColdStartRotation.lambdaLikeEnvironment(aws.moto.endpoint()));
    builder.environment().putAll(settings);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).as("no class left out of the jar").doesNotContain("NoClassDefFoundError");
    return output;
  }
}
