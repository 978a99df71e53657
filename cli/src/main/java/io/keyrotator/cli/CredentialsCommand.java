package io.keyrotator.cli;

import io.keyrotator.config.Settings;
import io.keyrotator.ownership.ManagedKeySecret;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Prints the secret's current key in the format of the AWS {@code credential_process} setting, so
 * that SDKs and the CLI always use the current key and re-read it before it expires.
 *
 * <p>It reads the secret with the caller's AWS identity (a profile, an instance role), or, for a
 * consumer that has none, with the managed user's own key as {@code keyrotator enroll} stored it
 * ({@link EnrolledKeys}): with {@code --self}, or when the SDK finds no other credentials and the
 * secret was enrolled. After a rotation that key reads the new one, which replaces it in the file.
 */
@Command(
    name = "credentials",
    description = "Print the current key as credential_process JSON (for ~/.aws/config).")
final class CredentialsCommand extends AwsCommand {
  @Mixin SecretIdOption secret;

  @Mixin CredentialLifetime lifetime;

  @Option(
      names = "--self",
      description =
          "Read the secret with the managed user's own key, as `enroll` stored it for this user,"
              + " and store the new key after a rotation; for consumers with no other AWS"
              + " identity. Without it, the enrolled key is used only when no other credentials"
              + " exist.")
  boolean self;

  @Override
  public Integer call() {
    String secretId = secret.id;
    Duration lifetime = this.lifetime.lifetime();
    if (self && aws.profile != null) {
      throw new CliException(
          ExitCodes.USAGE,
          "--self reads the secret with the enrolled key, --profile with a profile's: give one"
              + " (see `keyrotator credentials --help`).");
    }
    String region = aws.resolvedRegion();
    Settings settings = Settings.from(Map.of(Settings.REGION, region));
    ManagedKeySecret current;
    if (self) {
      current = readWithEnrolledKey(settings, region, secretId);
    } else {
      try {
        current = CurrentKey.read(aws, settings, aws.clientOptions().credentials(), secretId);
      } catch (SdkClientException noCredentials) {
        Optional<AwsBasicCredentials> enrolled =
            noOtherCredentials(noCredentials)
                ? EnrolledKeys.in(AwsOptions.environment, System.getProperty("os.name", ""))
                    .flatMap(keys -> keys.read(region, secretId))
                : Optional.empty();
        if (enrolled.isEmpty()) {
          throw noCredentials;
        }
        current = readWithEnrolledKey(settings, region, secretId);
      }
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

  /** Whether the SDK's credential chain found nothing (rather than, say, no network). */
  private static boolean noOtherCredentials(SdkClientException e) {
    return e.getMessage() != null && e.getMessage().contains("Unable to load credentials");
  }

  /**
   * Reads AWSCURRENT signed with the enrolled key and, when the secret holds another key (a
   * rotation happened since the last run), stores that one: the old key keeps working until the
   * hygiene job finds it unused, so this run is the consumer moving to the new key.
   */
  private ManagedKeySecret readWithEnrolledKey(Settings settings, String region, String secretId) {
    EnrolledKeys keys = EnrolledKeys.forThisUser();
    AwsBasicCredentials enrolled =
        keys.read(region, secretId)
            .orElseThrow(
                () ->
                    new CliException(
                        ExitCodes.AWS_ERROR,
                        "no key is enrolled for secret "
                            + secretId
                            + " in "
                            + region
                            + " ("
                            + keys.file(region, secretId)
                            + " does not exist): as this user, run `keyrotator enroll --secret-id "
                            + secretId
                            + "` with the key an operator hands over (docs/consumers.md)."));
    ManagedKeySecret current =
        CurrentKey.readAs(
            aws,
            settings,
            enrolled,
            secretId,
            "the enrolled key",
            "it was probably replaced and retired while this machine did not refresh. Ask an"
                + " operator for the secret's current key and enroll it again (`keyrotator enroll"
                + " --secret-id "
                + secretId
                + "`, docs/consumers.md).");
    AwsBasicCredentials now = CurrentKey.of(current);
    if (!now.accessKeyId().equals(enrolled.accessKeyId())
        || !now.secretAccessKey().equals(enrolled.secretAccessKey())) {
      keys.write(region, secretId, now);
    }
    return current;
  }
}
