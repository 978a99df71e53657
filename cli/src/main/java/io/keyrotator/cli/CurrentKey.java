package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretNotFoundException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Reads the key a secret holds under {@code AWSCURRENT} (GetSecretValue, the only call a consumer
 * needs): with the caller's credentials, or signed with the managed user's own key, for consumers
 * that have no other AWS identity.
 */
final class CurrentKey {
  /**
   * What AWS answers when the key signing the request is unknown, deleted or inactive, or its
   * secret is wrong: {@code UnrecognizedClientException} and {@code InvalidSignatureException} from
   * JSON services such as Secrets Manager, {@code InvalidClientTokenId} and {@code
   * SignatureDoesNotMatch} from query services (and from moto, for every service).
   */
  private static final Set<String> KEY_REFUSED =
      Set.of(
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "InvalidClientTokenId",
          "SignatureDoesNotMatch");

  private static final Set<String> ACCESS_DENIED = Set.of("AccessDeniedException", "AccessDenied");

  private static final Pattern XML_CODE = Pattern.compile("<Code>([^<]{1,100})</Code>");

  private CurrentKey() {}

  /**
   * The secret's AWSCURRENT value, read with {@code credentials}.
   *
   * @throws SecretNotFoundException when the secret or its AWSCURRENT version does not exist
   * @throws CliException (problems) for a bootstrap value, which holds no key yet
   */
  static ManagedKeySecret read(
      AwsOptions aws, Settings settings, AwsCredentialsProvider credentials, String secretId) {
    String json;
    try (AwsClients clients =
        AwsClients.create(
            settings, new AwsClients.Options(credentials, aws.endpoint(), List.of()))) {
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
    return current;
  }

  /** The key a secret value holds, as credentials. */
  static AwsBasicCredentials of(ManagedKeySecret value) {
    return AwsBasicCredentials.create(
        value.accessKeyId().orElseThrow(), value.secretAccessKey().orElseThrow());
  }

  /**
   * {@link #read} signed with the managed user's own key (which the secret's resource policy must
   * allow: CDK {@code readers: ["self"]}).
   *
   * @param whose the key in messages, e.g. "the enrolled key"
   * @param whenRefused what to do when AWS does not accept the key
   * @throws CliException (AWS error) when AWS refuses the key or denies it the secret
   */
  static ManagedKeySecret readAs(
      AwsOptions aws,
      Settings settings,
      AwsBasicCredentials key,
      String secretId,
      String whose,
      String whenRefused) {
    try {
      return read(aws, settings, StaticCredentialsProvider.create(key), secretId);
    } catch (AwsServiceException e) {
      throw explain(e, key.accessKeyId(), secretId, whose, whenRefused);
    }
  }

  /**
   * What AWS's refusal of a managed user's own key means to the user: the key does not work, or may
   * not read its secret; any other error unchanged (the {@link ErrorHandler} words it).
   */
  static RuntimeException explain(
      AwsServiceException e,
      String accessKeyId,
      String secretId,
      String whose,
      String whenRefused) {
    String code = errorCode(e).orElse("HTTP " + e.statusCode());
    String keyId = KeyIds.shorten(accessKeyId);
    if (KEY_REFUSED.contains(code)) {
      return new CliException(
          ExitCodes.AWS_ERROR,
          whose
              + " "
              + keyId
              + " for secret "
              + secretId
              + " does not work ("
              + code
              + "): "
              + whenRefused);
    }
    if (ACCESS_DENIED.contains(code)) {
      return new CliException(
          ExitCodes.AWS_ERROR,
          whose
              + " "
              + keyId
              + " may not read secret "
              + secretId
              + " ("
              + code
              + "): the secret must let its own user read it (CDK app: \"readers\": [\"self\"]"
              + " for that user; docs/consumers.md).");
    }
    return e;
  }

  /**
   * The error code AWS sent. The SDK reads it from the protocol's own format; an XML error body
   * from a JSON service (moto's authentication errors) leaves it unset, so the body's {@code
   * <Code>} is read then.
   */
  static Optional<String> errorCode(AwsServiceException e) {
    if (e.awsErrorDetails() == null) {
      return Optional.empty();
    }
    String code = e.awsErrorDetails().errorCode();
    if (code != null && !code.isBlank()) {
      return Optional.of(code);
    }
    if (e.awsErrorDetails().rawResponse() == null) {
      return Optional.empty();
    }
    Matcher xml =
        XML_CODE.matcher(e.awsErrorDetails().rawResponse().asString(StandardCharsets.UTF_8));
    return xml.find() ? Optional.of(xml.group(1)) : Optional.empty();
  }
}
