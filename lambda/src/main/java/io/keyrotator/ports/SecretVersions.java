package io.keyrotator.ports;

import java.util.Optional;

/** The Secrets Manager operations rotation needs. */
public interface SecretVersions {
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
