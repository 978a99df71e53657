package io.keyrotator.ports;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The Secrets Manager operations rotation, inspection and repair need. */
public interface SecretVersions {
  /** Tag on every secret keyrotator manages; its value is the IAM user name. */
  String USER_TAG = "keyrotator:user";

  /** A version with its labels and creation time. */
  record Version(String id, List<String> stages, Optional<Instant> created) {}

  /** The ARNs of every secret tagged {@value #USER_TAG} (following every page). */
  List<String> listManagedSecrets();

  /**
   * The IAM user names in the {@value #USER_TAG} tags of every managed secret: one paginated
   * ListSecrets, not one call per secret.
   */
  Set<String> managedUsers();

  /** The secret's labelled versions with their creation times. */
  List<Version> versions(String secretId);

  /**
   * Describes the secret.
   *
   * @throws io.keyrotator.rotation.RotationFailure when there is no such secret
   */
  SecretDescription describe(String secretId);

  /** The value stored under the stage (and version, when given), or empty when there is none. */
  Optional<String> value(String secretId, Optional<String> versionId, String stage);

  /** Stores the value as version {@code token} with the AWSPENDING label. */
  void putPending(String secretId, String token, String value);

  /** Moves AWSCURRENT to {@code toVersion}; Secrets Manager labels the old one AWSPREVIOUS. */
  void moveCurrent(String secretId, String toVersion, String fromVersion);

  /** Removes a label from a version. */
  void removeStage(String secretId, String stage, String fromVersion);
}
