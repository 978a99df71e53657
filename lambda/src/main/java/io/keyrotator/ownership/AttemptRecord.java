package io.keyrotator.ownership;

import io.keyrotator.contract.ResourceTags;
import io.keyrotator.ports.AccessKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * keyrotator's record of an attempt to create a key, the secret tag {@value #TAG}, written as soon
 * as CreateAccessKey answers and before PutSecretValue stores the key. If the function stops
 * between the two calls, the key's secret is lost and the key is useless; this record is how a
 * later run recognises that key. It stays after the key is stored (its token then holds a value, so
 * it explains no key) until the next attempt writes over it. It lives on the secret, whose resource
 * policy lets only keyrotator's roles and the deployment role tag it, and it names the secret's
 * version (the rotation token), the user's unique id and the keys the user had before: a key it
 * explains appeared on that very user after the record was written, was not there before, and is
 * held by no version.
 *
 * <p>Tag value: {@code <token> <userId> <epoch seconds> <key ids before, comma-separated, or ->}.
 *
 * @param token the rotation token (version id) the key was being created for
 * @param userId IAM's unique id of the user
 * @param startedAt when the record was written, just before CreateAccessKey
 * @param keysBefore the ids of the keys the user had at that moment
 * @param keyId the id of the key CreateAccessKey returned; empty until it answered
 */
public record AttemptRecord(
    String token,
    String userId,
    Instant startedAt,
    Set<String> keysBefore,
    Optional<String> keyId) {
  /** The secret tag that holds the record. */
  public static final String TAG = ResourceTags.SECRET_ATTEMPT;

  /**
   * The longest a run that created a key can still be alive and store it: a Lambda invocation lasts
   * at most 15 minutes. After that, a key the record explains has no one left to store it.
   */
  public static final Duration LONGEST_RUN = Duration.ofMinutes(15);

  /**
   * How soon after the record the attempt's key must have been created: CreateAccessKey is the next
   * call after the record is written, and one AWS call with its retries is bounded by
   * KEYROTATOR_API_CALL_TIMEOUT_SECONDS (at most 300). A key made by hand later is never taken for
   * the attempt's.
   */
  static final Duration CREATION_WINDOW = Duration.ofMinutes(5);

  private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  public AttemptRecord {
    keysBefore = Set.copyOf(keysBefore);
  }

  /**
   * The record in the secret's tags, if there is one that keyrotator sealed for this secret;
   * anything else (malformed, unsealed, sealed for another secret) is ignored.
   */
  public static Optional<AttemptRecord> fromTags(
      Map<String, String> tags, String secretArn, EvidenceSeal seal) {
    String value = tags.get(TAG);
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.trim().split(" ");
    if (parts.length != 6) {
      return Optional.empty();
    }
    String unsealed = String.join(" ", Arrays.copyOf(parts, 5));
    if (!seal.verifies(parts[5], secretArn, unsealed)) {
      return Optional.empty();
    }
    try {
      Set<String> before =
          parts[3].equals("-") ? Set.of() : new TreeSet<>(Arrays.asList(parts[3].split(",")));
      Optional<String> created = parts[4].equals("-") ? Optional.empty() : Optional.of(parts[4]);
      return Optional.of(
          new AttemptRecord(
              parts[0],
              parts[1],
              Instant.ofEpochSecond(Long.parseLong(parts[2])),
              before,
              created));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * A record of an attempt before its key is known; {@link #created} names the key. keyrotator
   * writes only records that name a key; one without (written by an earlier version right before
   * CreateAccessKey) is still understood.
   */
  public static AttemptRecord starting(
      String token, String userId, Instant now, Set<String> keysBefore) {
    return new AttemptRecord(token, userId, now, keysBefore, Optional.empty());
  }

  /** The same record, naming the key CreateAccessKey returned. */
  public AttemptRecord created(String newKeyId) {
    return new AttemptRecord(token, userId, startedAt, keysBefore, Optional.of(newKeyId));
  }

  /** Whether the record names this key as the one its attempt created. */
  public boolean names(AccessKey key) {
    return keyId.filter(key.id()::equals).isPresent() && !keysBefore.contains(key.id());
  }

  /**
   * The tag value, sealed for the secret (at most about 200 characters: within a tag's 256).
   *
   * @throws io.keyrotator.ports.RotationFailedException when no seal key is configured: an attempt
   *     that cannot be recorded verifiably must not create a key
   */
  public String tagValue(String secretArn, EvidenceSeal seal) {
    String unsealed =
        token
            + " "
            + userId
            + " "
            + startedAt.getEpochSecond()
            + " "
            + (keysBefore.isEmpty() ? "-" : String.join(",", new TreeSet<>(keysBefore)))
            + " "
            + keyId.orElse("-");
    return unsealed + " " + seal.seal(secretArn, unsealed).orElse("-");
  }

  /**
   * Whether the key appeared while the attempt ran: new, and created in the attempt's time. Never
   * enough to act on (someone may have made it by hand then); used only to explain a refusal.
   */
  public boolean couldHaveCreated(AccessKey key) {
    return !keysBefore.contains(key.id())
        && !key.createDate().isBefore(startedAt.minus(CLOCK_SKEW))
        && key.createDate().isBefore(startedAt.plus(CREATION_WINDOW));
  }

  /** Whether every run that could still store a key of this attempt has ended. */
  public boolean over(Instant now) {
    return !now.isBefore(startedAt.plus(LONGEST_RUN));
  }
}
