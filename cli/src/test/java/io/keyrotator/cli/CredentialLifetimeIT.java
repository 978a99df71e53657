package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How often the SDKs run {@code keyrotator credentials} through {@code credential_process}: boto3
 * and the AWS CLI (botocore) and the Java SDK, each configured with a profile whose {@code
 * credential_process} is the distribution's {@code bin/keyrotator} behind {@code
 * consumers/counting-credential-process}, which counts the runs.
 *
 * <p>botocore runs the command again before a call whenever the credentials expire within its
 * advisory refresh window (15 minutes; 10 minutes is its mandatory one); the Java SDK's {@code
 * ProcessCredentialsProvider} when they expire within 15 seconds. So the default {@code
 * --ttl-minutes} (30) serves a series of calls with one run in every SDK, and 15 makes botocore run
 * it before every call. Time: a series of calls takes seconds of real time, so a TTL needs no
 * simulated time to be inside or outside a window that long; {@link
 * #inSimulatedTimeBothSdksRunTheHelperAgainBeforeTheCredentialsExpire} moves the consumers' clocks
 * (see {@code boto3_consumer.py} and {@link JavaSdkConsumer}).
 */
@ExtendWith(LocalAwsExtension.class)
class CredentialLifetimeIT {
  private static final int CALLS = 5;
  private static final String PROFILE = "consumer";
  private static final String ARN = "arn:aws:iam::123456789012:user/keyrotator/app-ci";

  private LocalAws aws;
  @TempDir Path home;
  private Path runs;
  private Path clock;

  @BeforeEach
  void rotatedSecret() {
    aws.rotatedOnce("app-ci", "app-ci-key", aws.handler());
    runs = home.resolve("runs");
    clock = home.resolve("clock");
  }

  private static Path consumerFile(String name) {
    try {
      return Path.of(CredentialLifetimeIT.class.getResource("/consumers/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes an AWS config whose profile {@value #PROFILE} gets its credentials from {@code
   * keyrotator credentials --ttl-minutes ttlMinutes}, run through the counting wrapper by the
   * distribution's launcher as installed consumers run it (with its class-data archive, in a cache
   * folder of this test's own); the CLI reads the secret as the reader (any key works on moto).
   */
  private Path config(int ttlMinutes) throws Exception {
    String version = System.getProperty("keyrotator.version");
    Path launcher =
        Path.of("target", "keyrotator-" + version, "keyrotator-" + version, "bin", "keyrotator")
            .toAbsolutePath();
    Path config = home.resolve("config");
    Files.writeString(
        config,
        "[profile "
            + PROFILE
            + "]\nregion = "
            + LocalAws.REGION
            + "\ncredential_process = sh "
            + consumerFile("counting-credential-process")
            + " "
            + runs
            + " "
            + clock
            + " env XDG_CACHE_HOME="
            + home.resolve("cache")
            + " AWS_ACCESS_KEY_ID=reader AWS_SECRET_ACCESS_KEY=reader "
            + launcher
            + " credentials --secret-id app-ci-key --ttl-minutes "
            + ttlMinutes
            + " --endpoint "
            + aws.moto.endpoint()
            + " --region "
            + LocalAws.REGION
            + "\n");
    return config;
  }

  private int helperRuns() throws Exception {
    return Files.readAllLines(runs).size();
  }

  /** Runs a consumer process with only the config's profile; returns its output (all of it). */
  private String consume(Path config, String missing, String... command) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    Process process = PackagedCliIT.startConsumer(builder, config, home, missing);
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output + "\n(" + missing + ")").isZero();
    return output;
  }

  /** {@code calls} STS calls through boto3 over {@code simulatedMinutes}; returns its output. */
  private String boto3(Path config, int calls, int simulatedMinutes) throws Exception {
    String output =
        consume(
            config,
            "boto3 and python3 are needed: pip install boto3",
            "python3",
            consumerFile("boto3_consumer.py").toString(),
            "--profile",
            PROFILE,
            "--endpoint",
            aws.moto.endpoint().toString(),
            "--calls",
            Integer.toString(calls),
            "--simulated-minutes",
            Integer.toString(simulatedMinutes),
            "--clock-file",
            clock.toString());
    assertThat(output).contains("\"calls\": " + calls, "\"arns\": [\"" + ARN + "\"]");
    return output;
  }

  /**
   * Lists the account's secrets with the AWS CLI one per page: one process, one call per secret;
   * returns how many ListSecrets calls it made (counted in its debug log).
   */
  private long awsCliCalls(Path config) throws Exception {
    for (int i = 0; i < CALLS; i++) {
      aws.createForeignSecret("listed-" + i, "{}");
    }
    String output =
        consume(
            config,
            "the AWS CLI is needed: pip install awscli",
            "aws",
            "secretsmanager",
            "list-secrets",
            "--page-size",
            "1",
            "--profile",
            PROFILE,
            "--endpoint-url",
            aws.moto.endpoint().toString(),
            "--debug");
    long calls =
        output
            .lines()
            .filter(l -> l.contains("Making request for OperationModel(name=ListSecrets"))
            .count();
    assertThat(calls).as("ListSecrets calls, one per secret").isGreaterThan(CALLS);
    return calls;
  }

  private JavaSdkConsumer.Calls javaSdk(Path config, int calls, Duration simulated) {
    JavaSdkConsumer.Calls made =
        JavaSdkConsumer.call(config, PROFILE, aws.moto.endpoint(), calls, simulated, clock);
    assertThat(made.arns()).containsExactly(ARN);
    return made;
  }

  @Test
  void boto3RunsTheHelperOnceForASeriesOfCalls() throws Exception {
    boto3(config(CredentialLifetime.DEFAULT_TTL_MINUTES), CALLS, 0);
    assertThat(helperRuns()).as("helper runs for " + CALLS + " calls").isEqualTo(1);
  }

  @Test
  void theAwsCliRunsTheHelperOnceForAllTheCallsOfACommand() throws Exception {
    long calls = awsCliCalls(config(CredentialLifetime.DEFAULT_TTL_MINUTES));
    assertThat(helperRuns()).as("helper runs for " + calls + " calls").isEqualTo(1);
  }

  @Test
  void aJavaSdkClientRunsTheHelperOnceForASeriesOfCalls() throws Exception {
    javaSdk(config(CredentialLifetime.DEFAULT_TTL_MINUTES), CALLS, Duration.ZERO);
    assertThat(helperRuns()).as("helper runs for " + CALLS + " calls").isEqualTo(1);
  }

  /**
   * The failure issue 11 reports, with the old default: credentials that expire within botocore's
   * 15-minute window are refreshed before every call, a JVM start per API call; the Java SDK's
   * window is 15 seconds, so it still runs the helper once.
   */
  @Test
  void atBotocoresRefreshWindowBoto3AndTheAwsCliRunTheHelperBeforeEveryCall() throws Exception {
    Path config = config(15);
    boto3(config, CALLS, 0);
    assertThat(helperRuns()).as("boto3: one run to load, then one per call").isEqualTo(CALLS + 1);

    Files.delete(runs);
    long calls = awsCliCalls(config);
    assertThat(helperRuns()).as("AWS CLI: one run to load, then one per call").isEqualTo(calls + 1);

    Files.delete(runs);
    javaSdk(config, CALLS, Duration.ZERO);
    assertThat(helperRuns()).as("Java SDK").isEqualTo(1);
  }

  /**
   * Six calls, ten simulated minutes apart, with the default 30-minute lifetime: botocore runs the
   * helper to load the credentials and again at minutes 20 and 40 (10 minutes left, inside its
   * window), the Java SDK to load them and at minute 30 (at the expiry). So both pick up a rotated
   * key within one lifetime, and the one-run results above are not a helper that never runs again.
   */
  @Test
  void inSimulatedTimeBothSdksRunTheHelperAgainBeforeTheCredentialsExpire() throws Exception {
    Path config = config(CredentialLifetime.DEFAULT_TTL_MINUTES);
    boto3(config, 6, 60);
    assertThat(helperRuns()).as("boto3: at minutes 0, 20 and 40").isEqualTo(3);

    Files.delete(runs);
    Files.delete(clock);
    javaSdk(config, 6, Duration.ofMinutes(60));
    assertThat(helperRuns()).as("Java SDK: at minutes 0 and 30").isEqualTo(2);
  }
}
