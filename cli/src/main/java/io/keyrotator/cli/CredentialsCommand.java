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

  @Mixin CredentialLifetime lifetime;

  @Override
  public Integer call() {
    String secretId = secret.id;
    Duration lifetime = this.lifetime.lifetime();
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
        "Expiration", Instant.now().plus(lifetime).truncatedTo(ChronoUnit.SECONDS).toString());
    OutputOptions.printJson(out(), output);
    return ExitCodes.OK;
  }
}
