package io.keyrotator.aws;

import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.RotationFailure;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * {@link SecretVersions} on the AWS SDK's Secrets Manager client. Values are always read by stage
 * or version id, never "the latest", which is not reliable right after a stage move.
 */
public final class SdkSecretVersions implements SecretVersions {
  private final SecretsManagerClient secretsManager;

  SdkSecretVersions(SecretsManagerClient secretsManager) {
    this.secretsManager = secretsManager;
  }

  @Override
  public SecretDescription describe(String secretId) {
    DescribeSecretResponse secret;
    try {
      secret = secretsManager.describeSecret(r -> r.secretId(secretId));
    } catch (ResourceNotFoundException e) {
      throw new RotationFailure(
          "secret "
              + secretId
              + " does not exist in this account and Region (or was deleted). Check the SecretId"
              + " of the rotation; nothing was changed.");
    }
    return new SecretDescription(
        secret.arn(),
        secret.name(),
        Boolean.TRUE.equals(secret.rotationEnabled()),
        secret.versionIdsToStages());
  }

  @Override
  public Optional<String> value(String secretId, Optional<String> versionId, String stage) {
    try {
      GetSecretValueResponse response =
          secretsManager.getSecretValue(
              r -> r.secretId(secretId).versionId(versionId.orElse(null)).versionStage(stage));
      return Optional.of(response.secretString() == null ? "" : response.secretString());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public void putPending(String secretId, String token, String value) {
    secretsManager.putSecretValue(
        r ->
            r.secretId(secretId)
                .clientRequestToken(token)
                .secretString(value)
                .versionStages(SecretDescription.PENDING));
  }

  @Override
  public void moveCurrent(String secretId, String toVersion, String fromVersion) {
    secretsManager.updateSecretVersionStage(
        r ->
            r.secretId(secretId)
                .versionStage(SecretDescription.CURRENT)
                .moveToVersionId(toVersion)
                .removeFromVersionId(fromVersion));
  }

  @Override
  public void removeStage(String secretId, String stage, String fromVersion) {
    secretsManager.updateSecretVersionStage(
        r -> r.secretId(secretId).versionStage(stage).removeFromVersionId(fromVersion));
  }
}
