package io.keyrotator.aws;

import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretNotFoundException;
import io.keyrotator.ports.SecretVersions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.RotationRulesType;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

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
      throw new SecretNotFoundException(
          "secret "
              + secretId
              + " does not exist in this account and Region (or was deleted). Check the SecretId"
              + " of the rotation; nothing was changed.");
    }
    return new SecretDescription(
        secret.arn(),
        secret.name(),
        Boolean.TRUE.equals(secret.rotationEnabled()),
        secret.versionIdsToStages(),
        Optional.ofNullable(secret.rotationRules()).flatMap(SdkSecretVersions::schedule),
        Optional.ofNullable(secret.lastRotatedDate()),
        Optional.ofNullable(secret.nextRotationDate()),
        secret.hasTags()
            ? secret.tags().stream()
                .filter(t -> t.key() != null && t.value() != null)
                .collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b))
            : Map.of(),
        Optional.ofNullable(secret.deletedDate()),
        Optional.ofNullable(secret.kmsKeyId()));
  }

  private static Optional<String> schedule(RotationRulesType rules) {
    if (rules.scheduleExpression() != null) {
      return Optional.of(
          rules.scheduleExpression()
              + (rules.duration() == null ? "" : " within " + rules.duration()));
    }
    if (rules.automaticallyAfterDays() != null) {
      return Optional.of("every " + rules.automaticallyAfterDays() + " days");
    }
    return Optional.empty();
  }

  @Override
  public List<TaggedSecret> taggedSecrets() {
    // The tags come back in each list entry: one paginated call however many secrets there are.
    return secretsManager
        .listSecretsPaginator(
            r ->
                r.includePlannedDeletion(true)
                    .filters(
                        Filter.builder()
                            .key(FilterNameStringType.TAG_KEY)
                            .values(USER_TAG)
                            .build()))
        .stream()
        .flatMap(page -> page.secretList().stream())
        .flatMap(
            entry ->
                userTag(entry)
                    .map(
                        user ->
                            new TaggedSecret(
                                entry.arn(),
                                entry.name(),
                                user,
                                entry.deletedDate() != null,
                                Optional.ofNullable(entry.kmsKeyId())))
                    .stream())
        .toList();
  }

  private static Optional<String> userTag(SecretListEntry entry) {
    return (entry.hasTags() ? entry.tags().stream() : Stream.<Tag>empty())
        .filter(tag -> USER_TAG.equals(tag.key()) && tag.value() != null && !tag.value().isBlank())
        .map(tag -> tag.value().trim())
        .findFirst();
  }

  @Override
  public List<Version> versions(String secretId) {
    return secretsManager
        .listSecretVersionIdsPaginator(r -> r.secretId(secretId).includeDeprecated(true))
        .stream()
        .flatMap(page -> page.versions().stream())
        .map(
            v ->
                new Version(v.versionId(), v.versionStages(), Optional.ofNullable(v.createdDate())))
        .toList();
  }

  @Override
  public Optional<StoredValue> stored(String secretId, Optional<String> versionId, String stage) {
    try {
      GetSecretValueResponse response =
          secretsManager.getSecretValue(
              r -> r.secretId(secretId).versionId(versionId.orElse(null)).versionStage(stage));
      if (response.versionStages() != null && !response.versionStages().contains(stage)) {
        // AWS refuses a version that lacks the stage asked for; an emulator may answer anyway.
        return Optional.empty();
      }
      return Optional.of(
          new StoredValue(
              response.arn(),
              response.versionId(),
              response.versionStages(),
              response.secretString() == null ? "" : response.secretString()));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (InvalidRequestException e) {
      // "You provided a VersionStage that is not associated to the provided VersionId": the
      // version exists without the stage. Anything else (a secret scheduled for deletion) is for
      // DescribeSecret to say.
      if (versionId.isPresent()) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<String> versionValue(String secretId, String versionId) {
    try {
      GetSecretValueResponse response =
          secretsManager.getSecretValue(r -> r.secretId(secretId).versionId(versionId));
      return Optional.ofNullable(response.secretString());
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

  @Override
  public void tagSecret(String secretId, String key, String value) {
    secretsManager.tagResource(
        r -> r.secretId(secretId).tags(Tag.builder().key(key).value(value).build()));
  }

  @Override
  public void untagSecret(String secretId, String key) {
    secretsManager.untagResource(r -> r.secretId(secretId).tagKeys(key));
  }
}
