package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A consumer whose only AWS identity is the rotated key itself (issue 11): enrolled once, then
 * served through {@code credential_process = keyrotator credentials --self} by boto3, the AWS CLI
 * and the Java SDK across three rotations, the hygiene job retiring each old key once unused.
 *
 * <p>The consumers' calls run with moto's request authentication on (docs/consumers.md): unknown
 * and deleted keys and wrong secrets are refused, and the user needs an identity policy that allows
 * GetSecretValue (the one the CDK app gives a created user with {@code readers: ["self"]}). moto
 * does not check resource ARNs, resource policies or KMS key policies, and accepts inactive keys,
 * so the retired key is shown refused once the hygiene job has deleted it. The rotations and the
 * hygiene job run with authentication off: they sign as the test's own administrator.
 */
@ExtendWith(LocalAwsExtension.class)
class SelfServedConsumerIT {
  private static final String USER = "app-ci";
  private static final String SECRET = "app-ci-key";
  private static final String ARN = "arn:aws:iam::123456789012:user/keyrotator/" + USER;
  private static final String READ_ANY_SECRET =
      "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
          + "\"Action\":\"secretsmanager:GetSecretValue\",\"Resource\":\"*\"}]}";

  private LocalAws aws;
  private LocalJobs jobs;
  private MutableClock clock;
  private RotationHandler handler;
  @TempDir Path home;

  @BeforeEach
  void aManagedUserThatMayReadItsOwnSecret() {
    handler = jobs.handler(Map.of());
    aws.createManagedUser(USER);
    aws.rotate(handler, aws.createBootstrapSecret(SECRET, USER));
    // What readers: ["self"] allows, but on any resource: moto matches a Secrets Manager request
    // as the resource "*", so a statement scoped to the secret's ARN would never match here.
    // The ARN scoping is asserted on the CDK template (AccessKeySecretTest).
    aws.iam.putUserPolicy(
        r -> r.userName(USER).policyName("ReadOwnKeySecret").policyDocument(READ_ANY_SECRET));
  }

  @Test
  void withoutThePolicyTheEnrolledKeyIsDeniedTheSecretAndToldWhy() throws Exception {
    aws.iam.deleteUserPolicy(r -> r.userName(USER).policyName("ReadOwnKeySecret"));
    Result denied = enrollCurrentKey();
    assertThat(denied.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(denied.stderr())
        .contains("may not read secret " + SECRET + " (AccessDenied)", "\"readers\": [\"self\"]");
    assertThat(enrolledFile()).doesNotExist();
  }

  /** Runs the consumer's side with moto's request authentication on, as AWS always has it. */
  private <T> T authenticated(java.util.concurrent.Callable<T> consumerSide) throws Exception {
    aws.moto.enforceAuthentication(true);
    try {
      return consumerSide.call();
    } finally {
      aws.moto.enforceAuthentication(false);
    }
  }

  private Path cache() {
    return home.resolve("cache");
  }

  /** The credential_process line of the consumer's profile: the helper, with its cache. */
  private String helper() {
    return "/usr/bin/env XDG_CACHE_HOME="
        + cache()
        + " "
        + Path.of(System.getProperty("java.home"), "bin", "java")
        + " -jar "
        + PackagedCliIT.CLI_JAR
        + " credentials --secret-id "
        + SECRET
        + " --self --endpoint "
        + aws.moto.endpoint()
        + " --region "
        + LocalAws.REGION;
  }

  private Path config() throws IOException {
    return PackagedCliIT.consumerProfile(home, helper());
  }

  /** Runs a program as the consumer: only its AWS config file, no keys, no other profile. */
  private Result runConsumer(List<String> command, String stdin, String missing)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("AWS_"));
    env.put("AWS_CONFIG_FILE", config().toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("no-credentials").toString());
    env.put("XDG_CACHE_HOME", cache().toString());
    Process process;
    try {
      process = builder.start();
    } catch (IOException notInstalled) {
      throw new IllegalStateException(missing, notInstalled);
    }
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> readAll(process, true));
    String stdout = readAll(process, false);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
    return new Result(process.exitValue(), stdout, stderr.join());
  }

  private static String readAll(Process process, boolean errors) {
    try {
      return new String(
          (errors ? process.getErrorStream() : process.getInputStream()).readAllBytes(),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  record Result(int exitCode, String stdout, String stderr) {}

  private Result cli(String stdin, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                PackagedCliIT.CLI_JAR.toString()));
    command.addAll(List.of(args));
    command.addAll(
        List.of("--endpoint", aws.moto.endpoint().toString(), "--region", LocalAws.REGION));
    return runConsumer(command, stdin, "java is needed");
  }

  /** Hands the secret's current key to `enroll` as `aws iam create-access-key` prints it. */
  private Result enrollCurrentKey() throws Exception {
    String created =
        createAccessKeyOutput(USER, aws.keyIn(SECRET, "AWSCURRENT"), secretKeyIn("AWSCURRENT"));
    return authenticated(() -> cli(created, "enroll", "--secret-id", SECRET));
  }

  private String secretKeyIn(String stage) {
    return ManagedKeySecret.parse(aws.value(SECRET, stage), stage).secretAccessKey().orElseThrow();
  }

  /** What `aws iam create-access-key` prints for the key. */
  private static String createAccessKeyOutput(String user, String keyId, String secretKey) {
    return "{\"AccessKey\": {\"UserName\": \""
        + user
        + "\", \"AccessKeyId\": \""
        + keyId
        + "\", \"Status\": \"Active\", \"SecretAccessKey\": \""
        + secretKey
        + "\"}}";
  }

  private Path enrolledFile() {
    return cache()
        .resolve("keyrotator")
        .resolve("credentials")
        .resolve(LocalAws.REGION)
        .resolve(SECRET + ".json");
  }

  @Test
  void enrollStoresTheKeyForThisUserAloneAndNeverPrintsIt() throws Exception {
    Result enrolled = enrollCurrentKey();
    String secretKey =
        ManagedKeySecret.parse(aws.value(SECRET, "AWSCURRENT"), "c")
            .secretAccessKey()
            .orElseThrow();

    assertThat(enrolled.exitCode()).as(enrolled.stderr()).isZero();
    assertThat(enrolled.stdout()).contains("Enrolled key", "--self").doesNotContain(secretKey);
    assertThat(enrolled.stderr()).doesNotContain(secretKey);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(enrolledFile())))
        .isEqualTo("rw-------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(enrolledFile().getParent().getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.readString(enrolledFile())).contains(aws.keyIn(SECRET, "AWSCURRENT"));
  }

  @Test
  void enrollRefusesAKeyAwsDoesNotKnowAndStoresNothing() throws Exception {
    Result refused =
        authenticated(
            () ->
                cli(
                    "Access key ID,Secret access key\nAKIAIOSFODNN7EXAMPLE,"
                        + "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
                    "enroll",
                    "--secret-id",
                    SECRET));

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(refused.stderr().lines())
        .singleElement()
        .asString()
        .contains("the handed-over key AKIA...MPLE", "InvalidClientTokenId", "nothing was stored")
        .doesNotContain("wJalrXUtnFEMI");
    assertThat(enrolledFile()).doesNotExist();
  }

  @Test
  void boto3TheAwsCliAndTheJavaSdkAreServedAcrossThreeRotations() throws Exception {
    assertThat(enrollCurrentKey().exitCode()).isZero();
    for (int rotation = 0; rotation <= 3; rotation++) {
      if (rotation > 0) {
        retireUnusedKeysAndRotate();
      }
      String current = aws.keyIn(SECRET, "AWSCURRENT");
      int after = rotation;
      authenticated(
          () -> {
            assertThat(boto3()).as("boto3 after rotation %d", after).isEqualTo(ARN + " " + current);
            assertThat(awsCli()).as("AWS CLI after rotation %d", after).isEqualTo(ARN);
            assertThat(javaSdk()).as("Java SDK after rotation %d", after).isEqualTo(current);
            return null;
          });
      assertThat(Files.readString(enrolledFile()))
          .as("the enrolled key follows the rotation")
          .contains(current);
    }
    assertThat(aws.keys(USER)).hasSizeLessThanOrEqualTo(2);
  }

  /**
   * The hygiene job as it runs daily, 8 days (past the grace period) and then 31 more (past the
   * deletion delay) after the last refresh, then the next rotation.
   */
  private void retireUnusedKeysAndRotate() {
    clock.advance(Duration.ofDays(8));
    jobs.hygiene(Map.of());
    clock.advance(Duration.ofDays(31));
    jobs.hygiene(Map.of());
    aws.rotate(handler, SECRET);
  }

  private String boto3() throws Exception {
    String script =
        "import boto3\n"
            + "session = boto3.Session(profile_name='consumer')\n"
            + "sts = session.client('sts', endpoint_url='"
            + aws.moto.endpoint()
            + "')\n"
            + "print(sts.get_caller_identity()['Arn'], session.get_credentials().access_key)\n";
    Result run =
        runConsumer(
            List.of("python3", "-c", script),
            "",
            "python3 with boto3 is needed: apt install python3, then pip install boto3");
    assertThat(run.exitCode()).as(run.stderr() + "\n(boto3 missing? pip install boto3)").isZero();
    return run.stdout().strip();
  }

  private String awsCli() throws Exception {
    Result run =
        runConsumer(
            PackagedCliIT.awsCliCallerArn("consumer", aws.moto.endpoint()),
            "",
            "the AWS CLI is needed: pip install awscli");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    return run.stdout().strip();
  }

  /** The key a Java SDK client with the consumer's profile signs with, after checking whose. */
  private String javaSdk() throws Exception {
    ProfileFile profiles =
        ProfileFile.builder().content(config()).type(ProfileFile.Type.CONFIGURATION).build();
    try (ProfileCredentialsProvider credentials =
            ProfileCredentialsProvider.builder()
                .profileFile(profiles)
                .profileName("consumer")
                .build();
        StsClient sts =
            StsClient.builder()
                .region(Region.of(LocalAws.REGION))
                .endpointOverride(aws.moto.endpoint())
                .credentialsProvider(credentials)
                .build()) {
      assertThat(sts.getCallerIdentity().arn()).isEqualTo(ARN);
      return credentials.resolveCredentials().accessKeyId();
    }
  }

  @Test
  void aConsumerThatSleptThroughTheRetirementOfItsKeyIsToldToEnrollAgain() throws Exception {
    assertThat(enrollCurrentKey().exitCode()).isZero();
    String enrolled = aws.keyIn(SECRET, "AWSCURRENT");
    aws.rotate(handler, SECRET);
    clock.advance(Duration.ofDays(8));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(USER, enrolled)).isEqualTo(StatusType.INACTIVE);
    clock.advance(Duration.ofDays(31));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(USER, enrolled)).as("deleted").isNull();

    Result refused = authenticated(() -> cli("", "credentials", "--secret-id", SECRET, "--self"));

    assertThat(refused.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(refused.stdout()).isEmpty();
    assertThat(refused.stderr().lines())
        .singleElement()
        .asString()
        .startsWith("keyrotator: the enrolled key " + io.keyrotator.ports.KeyIds.shorten(enrolled))
        .contains("does not work", "keyrotator enroll --secret-id " + SECRET)
        .doesNotContain("Exception", "\tat ");
  }

  @Test
  void withoutOtherCredentialsTheEnrolledKeyIsUsedAndWithoutEitherTheErrorSaysEnroll()
      throws Exception {
    Result notEnrolled =
        authenticated(() -> cli("", "credentials", "--secret-id", SECRET, "--self"));
    assertThat(notEnrolled.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(notEnrolled.stderr()).contains("no key is enrolled", "keyrotator enroll");

    assertThat(enrollCurrentKey().exitCode()).isZero();
    // No --self, no keys in the environment, no profile: the enrolled key is all there is.
    Result served = authenticated(() -> cli("", "credentials", "--secret-id", SECRET));
    assertThat(served.exitCode()).as(served.stderr()).isZero();
    assertThat(served.stdout()).contains(aws.keyIn(SECRET, "AWSCURRENT"));
  }

  // Red-team cases: an attacker and a careless operator against enroll and credentials --self.

  /**
   * Hypothesis: an operator hands over the wrong key, one of another IAM user (here a colleague's
   * that may read every secret). enroll proves only that the key reads the secret, then says the
   * handed-over key "is an older one" of the secret, which it is not: the operator is told their
   * mistake was fine, and a key of another identity was used to sign the read. Expected: enroll
   * refuses a key that is not the secret's user's (or at least says so), and stores nothing.
   */
  @Test
  void enrollWithAnotherUsersKeyIsNotCalledAnOlderKeyOfTheSecret() throws Exception {
    aws.iam.createUser(r -> r.userName("colleague"));
    aws.iam.putUserPolicy(
        r -> r.userName("colleague").policyName("ReadAll").policyDocument(READ_ANY_SECRET));
    AccessKey colleague = aws.iam.createAccessKey(r -> r.userName("colleague")).accessKey();

    Result enrolled =
        authenticated(
            () ->
                cli(
                    createAccessKeyOutput(
                        "colleague", colleague.accessKeyId(), colleague.secretAccessKey()),
                    "enroll",
                    "--secret-id",
                    SECRET));

    assertThat(enrolled.stdout() + enrolled.stderr()).doesNotContain(colleague.secretAccessKey());
    assertThat(enrolled.stdout())
        .as("enroll of another user's key must not call it an older key of the secret")
        .doesNotContain(
            "the handed-over " + KeyIds.shorten(colleague.accessKeyId()) + " is an older one");
    assertThat(enrolled.exitCode())
        .as("a key of user colleague is not the key of the secret's user " + USER)
        .isNotZero();
  }

  /**
   * Hypothesis: the cache file was made readable to others (copied with cp, restored from a backup,
   * chmod by a careless operator). credentials --self keeps reading and serving from it and, since
   * it rewrites the file only after a rotation, leaves the secret key world-readable for up to a
   * rotation period without a word. Expected (cache files private): the run repairs the mode to
   * 0600 or refuses the file and says why.
   */
  @Test
  void aCacheFileMadeReadableToOthersIsNotServedFromSilently() throws Exception {
    assertThat(enrollCurrentKey().exitCode()).isZero();
    Files.setPosixFilePermissions(enrolledFile(), PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(
        enrolledFile().getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));

    Result served = authenticated(() -> cli("", "credentials", "--secret-id", SECRET, "--self"));

    boolean privateAgain =
        PosixFilePermissions.toString(Files.getPosixFilePermissions(enrolledFile()))
            .equals("rw-------");
    boolean refusedOrWarned =
        served.exitCode() != 0 || served.stderr().contains(enrolledFile().toString());
    assertThat(privateAgain || refusedOrWarned)
        .as(
            "after credentials --self the file is %s and stderr is <%s>",
            PosixFilePermissions.toString(Files.getPosixFilePermissions(enrolledFile())),
            served.stderr())
        .isTrue();
  }

  /**
   * Hypothesis: the cache's Region folder is a symbolic link to a folder others may read (a shared
   * or synced folder). Writing the rotated key follows the link. Expected: wherever the key lands,
   * no other user can read it (refuted: the folder modes are set through the link, so the target
   * becomes 0700; the side effect on the linked folder is the operator's own doing).
   */
  @Test
  void aSymlinkedRegionFolderNeverLeavesTheKeyReadableToOthers() throws Exception {
    assertThat(enrollCurrentKey().exitCode()).isZero();
    Path regionFolder = enrolledFile().getParent();
    Path shared = Files.createDirectories(home.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.move(enrolledFile(), shared.resolve(enrolledFile().getFileName()));
    Files.delete(regionFolder);
    Files.createSymbolicLink(regionFolder, shared);
    aws.rotate(handler, SECRET); // the next run writes the new key

    Result served = authenticated(() -> cli("", "credentials", "--secret-id", SECRET, "--self"));

    assertThat(served.exitCode()).as(served.stderr()).isZero();
    Path written = enrolledFile().toRealPath();
    assertThat(Files.readString(written)).contains(aws.keyIn(SECRET, "AWSCURRENT"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(written.getParent())))
        .isEqualTo("rwx------");
  }

  /**
   * Hypothesis: after a rotation and before the hygiene job runs, the consumer's refresh moves it
   * to the new key, and both keys never appear on stdout together or on stderr.
   */
  @Test
  void theRefreshAfterARotationServesTheNewKeyAndNeverPrintsTheOldSecret() throws Exception {
    assertThat(enrollCurrentKey().exitCode()).isZero();
    String oldSecret = secretKeyIn("AWSCURRENT");
    aws.rotate(handler, SECRET);

    Result served = authenticated(() -> cli("", "credentials", "--secret-id", SECRET, "--self"));

    assertThat(served.exitCode()).as(served.stderr()).isZero();
    assertThat(served.stdout()).contains(aws.keyIn(SECRET, "AWSCURRENT")).doesNotContain(oldSecret);
    assertThat(served.stderr()).doesNotContain(oldSecret).doesNotContain(secretKeyIn("AWSCURRENT"));
    assertThat(Files.readString(enrolledFile())).doesNotContain(oldSecret);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(enrolledFile())))
        .isEqualTo("rw-------");
  }
}
