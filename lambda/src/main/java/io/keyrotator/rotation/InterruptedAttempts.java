package io.keyrotator.rotation;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Recognises keys that createSecret left behind when it stopped between CreateAccessKey and
 * PutSecretValue. Before creating a key, createSecret tags the user {@value #INTENT_TAG} =
 * "{token} {epoch seconds}". A key created in the {@link #WINDOW} after that moment, never used,
 * and held by no secret version is one of those: its secret was never stored, so nobody can use it
 * and it is safe to delete. Used by rotation (to clean up on retry) and by inspection (doctor).
 */
public final class InterruptedAttempts {
  /** The user tag that records an attempt to create a key. */
  public static final String INTENT_TAG = "keyrotator:rotation";

  static final Duration WINDOW = Duration.ofMinutes(15);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  private InterruptedAttempts() {}

  /** The tag value to write just before creating a key for the rotation with this token. */
  public static String intentValue(String token, Instant now) {
    return token + " " + now.getEpochSecond();
  }

  /** When the user's last recorded attempt started, if the tag is there and well formed. */
  public static Optional<Instant> intentTime(IamUser user) {
    String value = user.tags().get(INTENT_TAG);
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.trim().split(" ");
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(parts[parts.length - 1])));
    } catch (NumberFormatException e) {
      return Optional.empty(); // not our format: recognise nothing rather than guess
    }
  }

  /**
   * Whether a key that no secret version holds was created by an interrupted attempt.
   *
   * @param usage the key's last use; a key that was ever used is never one of ours to remove
   */
  public static boolean leftBehind(IamUser user, AccessKey key, KeyUsage usage) {
    Optional<Instant> intent = intentTime(user);
    if (intent.isEmpty() || usage.lastUsed().isPresent()) {
      return false;
    }
    Instant from = intent.get().minus(CLOCK_SKEW);
    Instant to = intent.get().plus(WINDOW);
    return !key.createDate().isBefore(from) && key.createDate().isBefore(to);
  }

  /** Whether the key was created within the window of the user's last attempt (used or not). */
  public static boolean inWindow(IamUser user, AccessKey key) {
    return leftBehind(user, key, KeyUsage.never());
  }
}
