package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.ProcessCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/** The packaged CLI jar as users run it: the demo from a clean state, and credential_process. */
@ExtendWith(LocalAwsExtension.class)
class PackagedCliIT {
  static final Path CLI_JAR = Path.of("target", "keyrotator-cli.jar").toAbsolutePath();
  private LocalAws aws;

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Runs the CLI jar with the given environment added; returns exit code and all output. */
  private static Map.Entry<Integer, String> run(Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(java(), "-jar", CLI_JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return Map.entry(process.exitValue(), output);
  }

  @Test
  void demoRunsFromACleanStateStartingAndStoppingItsOwnEmulator() throws Exception {
    Map.Entry<Integer, String> demo = run(Map.of(), "demo");
    assertThat(demo.getKey()).as(demo.getValue()).isZero();
    assertThat(demo.getValue())
        .contains("Started moto server at", "All 14 checks passed.")
        .doesNotContain("  FAIL  ", "SLF4J");
    String endpoint = demo.getValue().replaceAll("(?s).*Started moto server at (\\S+).*", "$1");
    assertThat(reachable(endpoint)).as("the demo's moto server is stopped").isFalse();
  }

  private static boolean reachable(String endpoint) {
    try {
      java.net.HttpURLConnection c =
          (java.net.HttpURLConnection)
              java.net.URI.create(endpoint + "/moto-api/").toURL().openConnection();
      c.setConnectTimeout(500);
      c.getResponseCode();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A managed user whose tagged secret holds a rotated key. */
  private String rotatedSecret() {
    aws.rotatedOnce("app-ci", "app-ci-key", aws.handler());
    return "app-ci-key";
  }

  private String credentialProcessCommand(String secret) {
    return java()
        + " -jar "
        + CLI_JAR
        + " credentials --secret-id "
        + secret
        + " --endpoint "
        + aws.moto.endpoint()
        + " --region "
        + LocalAws.REGION;
  }

  @Test
  void aJavaSdkClientUsesTheCurrentKeyAndTheNextOneAfterARotation() {
    String secret = rotatedSecret();
    ManagedKeySecret first = ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "c");
    // The reader's own identity (any key works on moto) reaches the credential process through
    // the environment it inherits; here the test JVM passes system properties instead.
    assertThat(callerKey(secret)).isEqualTo(first.accessKeyId().orElseThrow());

    aws.rotate(aws.handler(), secret);
    ManagedKeySecret second = ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "c");
    assertThat(second.accessKeyId()).isNotEqualTo(first.accessKeyId());
    assertThat(callerKey(secret)).isEqualTo(second.accessKeyId().orElseThrow());
  }

  /** Which key a consumer's SDK client signs with when configured with credential_process. */
  private String callerKey(String secret) {
    ProcessCredentialsProvider credentials =
        ProcessCredentialsProvider.builder()
            .command(
                List.of(
                    "/bin/sh",
                    "-c",
                    "AWS_ACCESS_KEY_ID=reader AWS_SECRET_ACCESS_KEY=reader "
                        + credentialProcessCommand(secret)))
            .build();
    try (StsClient sts =
        StsClient.builder()
            .region(Region.of(LocalAws.REGION))
            .endpointOverride(aws.moto.endpoint())
            .credentialsProvider(credentials)
            .build()) {
      assertThat(sts.getCallerIdentity().arn()).endsWith(":user/keyrotator/app-ci");
      return credentials.resolveCredentials().accessKeyId();
    } finally {
      credentials.close();
    }
  }

  /**
   * Starts a consumer process that has only the given AWS config (its credential_process) and no
   * keys of its own.
   *
   * @param missing what to install when the program is not there
   */
  static Process startConsumer(ProcessBuilder builder, Path config, Path home, String missing) {
    builder.environment().put("AWS_CONFIG_FILE", config.toString());
    builder.environment().put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("none").toString());
    builder.environment().remove("AWS_ACCESS_KEY_ID");
    builder.environment().remove("AWS_SECRET_ACCESS_KEY");
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException(missing, e);
    }
  }

  /**
   * Writes {@code home/config}, an AWS config file with one profile, {@code consumer}, whose
   * credentials come from the command; returns its path.
   */
  static Path consumerProfile(Path home, String credentialProcess) throws IOException {
    Path config = home.resolve("config");
    Files.writeString(
        config,
        "[profile consumer]\nregion = "
            + LocalAws.REGION
            + "\ncredential_process = "
            + credentialProcess
            + "\n");
    return config;
  }

  /** The AWS CLI command that prints the ARN the profile's credentials act as. */
  static List<String> awsCliCallerArn(String profile, java.net.URI endpoint) {
    return List.of(
        "aws",
        "sts",
        "get-caller-identity",
        "--profile",
        profile,
        "--endpoint-url",
        endpoint.toString(),
        "--output",
        "text",
        "--query",
        "Arn");
  }

  @Test
  void theAwsCliWithCredentialProcessActsAsTheManagedUser(@TempDir Path home) throws Exception {
    String secret = rotatedSecret();
    Path config =
        consumerProfile(
            home,
            "/usr/bin/env AWS_ACCESS_KEY_ID=reader AWS_SECRET_ACCESS_KEY=reader "
                + credentialProcessCommand(secret));
    ProcessBuilder builder =
        new ProcessBuilder(awsCliCallerArn("consumer", aws.moto.endpoint()))
            .redirectErrorStream(true);
    Process process =
        startConsumer(
            builder,
            config,
            home,
            "the AWS CLI is not installed: `pip install awscli` to run this test");
    String output =
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).isEqualTo("arn:aws:iam::123456789012:user/keyrotator/app-ci");
  }
}
