package io.keyrotator.inspection;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where one managed secret stands: its user, keys, rotation schedule and findings.
 *
 * @param secretName the secret's name
 * @param secretArn the secret's ARN
 * @param user the IAM user the secret names, when its value could be read
 * @param currentKey the key in AWSCURRENT
 * @param previousKey the key in AWSPREVIOUS
 * @param rotationEnabled whether rotation is on
 * @param schedule the rotation schedule in words
 * @param lastRotated when Secrets Manager last rotated it
 * @param nextRotation when it will rotate next
 * @param rotationInProgress whether a rotation is under way (AWSPENDING on a young version)
 * @param findings what is wrong, if anything
 */
public record SecretStatus(
    String secretName,
    String secretArn,
    Optional<String> user,
    Optional<KeyState> currentKey,
    Optional<KeyState> previousKey,
    boolean rotationEnabled,
    Optional<String> schedule,
    Optional<Instant> lastRotated,
    Optional<Instant> nextRotation,
    boolean rotationInProgress,
    List<Finding> findings) {

  public boolean healthy() {
    return findings.isEmpty();
  }
}
