package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Prints the secret's current key in the format of the AWS {@code credential_process} setting, so
 * that SDKs and the CLI always use the current key and re-read it before it expires.
 */
@Command(
    name = "credentials",
    description = "Print the current key as credential_process JSON (for ~/.aws/config).")
final class CredentialsCommand extends AwsCommand {
  @Mixin SecretIdOption secret;

  @Option(
      names = "--ttl-minutes",
      paramLabel = "MINUTES",
      description = "When SDKs should read the key again (1-60, default ${DEFAULT-VALUE}).")
  int ttlMinutes = DEFAULT_TTL_MINUTES;

  /**
   * 30 minutes: botocore (boto3, the AWS CLI) refreshes credentials that expire within 15 minutes
   * before every call, so a shorter lifetime makes it run this command (a JVM start) for each API
   * call; with 30 one run serves a quarter of an hour. The Java SDK refreshes shortly before the
   * expiry. Longer would keep a replaced key in use longer under the deactivate and delete
   * previous-key policies.
   */
  static final int DEFAULT_TTL_MINUTES = 30;

  @Override
  public Integer call() {
    String secretId = secret.id;
    CliException.requireInRange("--ttl-minutes", ttlMinutes, 1, 60, "minutes");
    Settings settings = Settings.from(Map.of(Settings.REGION, aws.resolvedRegion()));
    String json;
    try (AwsClients clients = aws.clients(settings)) {
      json =
          clients
              .secretsManager()
              .getSecretValue(r -> r.secretId(secretId).versionStage(SecretDescription.CURRENT))
              .secretString();
    } catch (ResourceNotFoundException e) {
      throw new SecretNotFoundException(
          "secret " + secretId + " does not exist, or has no AWSCURRENT value.");
    }
    ManagedKeySecret current =
        ManagedKeySecret.parse(json == null ? "" : json, "AWSCURRENT of " + secretId);
    if (current.isBootstrap()) {
      throw new CliException(
          ExitCodes.PROBLEMS,
          "secret "
              + secretId
              + " holds no key yet (bootstrap value):"
              + " rotate it first (`keyrotator rotate --secret-id "
              + secretId
              + "`).");
    }
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("Version", 1);
    output.put("AccessKeyId", current.accessKeyId().orElseThrow());
    output.put("SecretAccessKey", current.secretAccessKey().orElseThrow());
    output.put(
        "Expiration",
        Instant.now()
            .plus(Duration.ofMinutes(ttlMinutes))
            .truncatedTo(ChronoUnit.SECONDS)
            .toString());
    OutputOptions.printJson(out(), output);
    return ExitCodes.OK;
  }
}
