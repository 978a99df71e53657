package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyProbe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * Seeds the enrolled key of a consumer with no other AWS identity ({@link EnrolledKeys}): reads the
 * key an operator hands over (standard input or a file, never the command line, where other users
 * and the shell history would see it), reads the secret with it to prove that it works and may read
 * its own secret, and stores the secret's current key for {@code credentials --self}.
 */
@Command(
    name = "enroll",
    description =
        "Store the managed user's key for `credentials --self`, on a machine with no other AWS"
            + " identity: reads it from standard input or --access-key-file, checks it reads the"
            + " secret, never prints it.")
final class EnrollCommand extends AwsCommand {
  @Mixin SecretIdOption secret;

  @Option(
      names = "--access-key-file",
      paramLabel = "FILE",
      description =
          "The key as `aws iam create-access-key` prints it, or the IAM console's .csv"
              + " (default: standard input). Delete the file afterwards.")
  Path accessKeyFile;

  @Override
  public Integer call() {
    String secretId = secret.id;
    if (aws.profile != null) {
      throw new CliException(
          ExitCodes.USAGE,
          "enroll signs in with the key it is handed, not a profile: leave out --profile.");
    }
    String from = accessKeyFile == null ? "standard input" : accessKeyFile.toString();
    AwsBasicCredentials handedOver = HandedOverKey.parse(readInput(from), from);
    String region = aws.resolvedRegion();
    Settings settings = Settings.from(Map.of(Settings.REGION, region));
    ManagedKeySecret current =
        CurrentKey.readAs(
            aws,
            settings,
            handedOver,
            secretId,
            "the handed-over key",
            "check that both parts were copied whole, that the key is active, and that it is the"
                + " key of the secret's user; nothing was stored.");
    AwsBasicCredentials key = CurrentKey.of(current);
    if (!key.accessKeyId().equals(handedOver.accessKeyId())) {
      requireKeyOfTheSecretsUser(handedOver, current, settings);
    }
    Path file = EnrolledKeys.forThisUser().write(region, secretId, key);
    String note =
        key.accessKeyId().equals(handedOver.accessKeyId())
            ? ""
            : " (the secret's current key; the handed-over "
                + KeyIds.shorten(handedOver.accessKeyId())
                + " is an older one)";
    out()
        .println(
            "Enrolled key "
                + KeyIds.shorten(key.accessKeyId())
                + note
                + " for secret "
                + secretId
                + " in "
                + file
                + ".");
    out()
        .println(
            "Use it with: credential_process = keyrotator credentials --secret-id "
                + secretId
                + " --region "
                + region
                + " --self");
    return ExitCodes.OK;
  }

  private String readInput(String from) {
    if (accessKeyFile == null && System.console() != null) {
      // Typed or pasted at a terminal: say what is awaited, on stderr, so stdout stays the result.
      spec.commandLine()
          .getErr()
          .println(
              "Paste the key (the JSON of `aws iam create-access-key`, or the console's .csv),"
                  + " then press Ctrl-D:");
    }
    try {
      byte[] bytes =
          accessKeyFile == null
              ? KeyrotatorCli.input.readAllBytes()
              : Files.readAllBytes(accessKeyFile);
      if (bytes.length > 64 * 1024) {
        throw new CliException(
            ExitCodes.USAGE, from + " holds more than an access key: hand over the key alone.");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "cannot read "
              + from
              + " ("
              + e.getClass().getSimpleName()
              + "): give a readable --access-key-file, or pipe the key in.");
    }
  }

  /**
   * A key that is not the secret's current one may only be the user's older key: a colleague's or
   * an admin's key that can read the secret must not end up on the consumer's machine.
   */
  private void requireKeyOfTheSecretsUser(
      AwsBasicCredentials handedOver, ManagedKeySecret current, Settings settings) {
    KeyProbe.CallerIdentity identity;
    try (AwsClients clients = aws.clients(settings)) {
      identity =
          clients.keyProbe().callerIdentity(handedOver.accessKeyId(), handedOver.secretAccessKey());
    }
    boolean sameUser =
        current
            .userId()
            .map(identity.userId()::equals)
            .orElse(identity.arn().endsWith("/" + current.userName()));
    if (!sameUser) {
      throw new CliException(
          ExitCodes.PROBLEMS,
          "the handed-over key "
              + KeyIds.shorten(handedOver.accessKeyId())
              + " belongs to "
              + identity.arn()
              + ", not to IAM user "
              + current.userName()
              + " whose key the secret holds: hand over that user's key; nothing was stored.");
    }
  }
}
