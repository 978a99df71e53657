package io.keyrotator.ports;

import io.keyrotator.contract.ResourceTags;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The Secrets Manager operations rotation, inspection and repair need. */
public interface SecretVersions {
  /**
   * Tag on every secret keyrotator manages; its value is the IAM user name. Only an index for
   * finding secrets: the binding checks compare it with the value and refuse on a mismatch.
   */
  String USER_TAG = ResourceTags.SECRET_USER;

  /**
   * A version with its labels and creation time.
   *
   * @param id the version id (the rotation token for versions a rotation created)
   * @param stages its staging labels; empty for a deprecated version
   * @param created when the version was created, when the service says
   */
  record Version(String id, List<String> stages, Optional<Instant> created) {}

  /**
   * A secret tagged {@value #USER_TAG}, as ListSecrets returns it.
   *
   * @param arn the secret's ARN
   * @param name the secret's name
   * @param user the value of its {@value #USER_TAG} tag
   * @param scheduledForDeletion whether it is scheduled for deletion (its value cannot be read)
   * @param kmsKeyId the KMS key that encrypts it; empty for {@code aws/secretsmanager}
   */
  record TaggedSecret(
      String arn,
      String name,
      String user,
      boolean scheduledForDeletion,
      Optional<String> kmsKeyId) {
    /** Whether the tag names the user (IAM user names are unique regardless of case). */
    public boolean names(String userName) {
      return user.equalsIgnoreCase(userName);
    }
  }

  /**
   * Every secret tagged {@value #USER_TAG}, with its tag, including those scheduled for deletion
   * (so that what they leave behind is reported): one paginated ListSecrets.
   */
  List<TaggedSecret> taggedSecrets();

  /** The ARNs of every secret tagged {@value #USER_TAG} (following every page). */
  default List<String> listManagedSecrets() {
    return taggedSecrets().stream().map(TaggedSecret::arn).toList();
  }

  /** The user names, lower case, in the {@value #USER_TAG} tags of every managed secret. */
  default Set<String> managedUsers() {
    Set<String> users = new TreeSet<>();
    taggedSecrets().stream()
        .filter(s -> !s.scheduledForDeletion())
        .forEach(s -> users.add(s.user().toLowerCase(Locale.ROOT)));
    return users;
  }

  /**
   * Every version of the secret, labelled and deprecated (a dropped rotation's version keeps its
   * value, without labels, until Secrets Manager removes it past 100 versions).
   */
  List<Version> versions(String secretId);

  /**
   * Describes the secret, tags included.
   *
   * @throws io.keyrotator.ports.RotationFailedException when there is no such secret
   */
  SecretDescription describe(String secretId);

  /**
   * A value as GetSecretValue returns it, with the id and staging labels of the version it was read
   * from (the answer carries both, so a step that reads a value learns the version's labels without
   * a DescribeSecret).
   *
   * @param secretArn the secret's ARN, as the answer names it
   * @param versionId the version the value belongs to
   * @param stages that version's staging labels at the time of the read
   * @param value the secret string; empty when the version holds only binary data
   */
  record StoredValue(String secretArn, String versionId, List<String> stages, String value) {
    public StoredValue {
      stages = List.copyOf(stages);
    }
  }

  /**
   * The value stored under the stage (and version, when given), with its version; empty when there
   * is none (GetSecretValue answered ResourceNotFoundException: no such version, the version does
   * not carry the stage, or it holds no value yet).
   */
  Optional<StoredValue> stored(String secretId, Optional<String> versionId, String stage);

  /** The value stored under the stage (and version, when given), or empty when there is none. */
  default Optional<String> value(String secretId, Optional<String> versionId, String stage) {
    return stored(secretId, versionId, stage).map(StoredValue::value);
  }

  /** The value of a version whatever its labels, or empty when it has none or is gone. */
  Optional<String> versionValue(String secretId, String versionId);

  /** Stores the value as version {@code token} with the AWSPENDING label. */
  void putPending(String secretId, String token, String value);

  /** Moves AWSCURRENT to {@code toVersion}; Secrets Manager labels the old one AWSPREVIOUS. */
  void moveCurrent(String secretId, String toVersion, String fromVersion);

  /** Removes a label from a version. */
  void removeStage(String secretId, String stage, String fromVersion);

  /** Adds or replaces one tag on the secret. */
  void tagSecret(String secretId, String key, String value);

  /** Removes one tag from the secret; a missing tag is not an error. */
  void untagSecret(String secretId, String key);
}
