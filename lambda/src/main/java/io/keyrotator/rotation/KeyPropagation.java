package io.keyrotator.rotation;

import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyProbe;
import io.keyrotator.ports.KeyProbe.CallerIdentity;
import io.keyrotator.ports.KeyProbe.KeyRejectedException;
import io.keyrotator.ports.RotationFailedException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Waits until a new access key works. IAM is eventually consistent: a new key is often refused
 * ({@code InvalidClientTokenId}) for some seconds, and one success does not prove that the next
 * call, perhaps served elsewhere, succeeds too. So the key must succeed several times in a row,
 * with pauses that grow after each failure, within a bounded time.
 *
 * @param probe signs STS GetCallerIdentity with the key and returns whom it authenticates as
 * @param clock measures the time budget
 * @param sleeper pauses between two probes
 * @param requiredSuccesses how many accepted calls in a row prove the key works
 * @param timeout the longest wait, unless the caller's remaining time is shorter
 * @param interval the pause after a success and the first pause after a failure; later pauses grow
 *     up to MAX_BACKOFF_FACTOR times this
 */
public record KeyPropagation(
    KeyProbe probe,
    Clock clock,
    Sleeper sleeper,
    int requiredSuccesses,
    Duration timeout,
    Duration interval) {

  /** Pauses the calling thread; replaced in unit tests so they need not wait. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  /** Which key a wait is for: how messages name it, and what its not working means. */
  public enum KeyUnderTest {
    /** A key just created: IAM may still be propagating it. */
    NEW_KEY(
        "the new key",
        "IAM may still be propagating it: Secrets Manager retries the rotation and the current key"
            + " stays in place. If this repeats, raise KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS (and"
            + " the function timeout)."),
    /** The key consumers use now, checked by a test-only rotation. */
    CURRENT_KEY(
        "the current key",
        "It exists and is active, so AWS refuses it for another reason (a wrong SecretAccessKey in"
            + " the secret, or a policy that denies sts:GetCallerIdentity): rotate now to replace"
            + " it. Nothing was changed.");

    private final String name;
    private final String whenItFails;

    KeyUnderTest(String name, String whenItFails) {
      this.name = name;
      this.whenItFails = whenItFails;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private static final int MAX_BACKOFF_FACTOR = 5;

  /**
   * Probes the key until it works {@code requiredSuccesses} times in a row.
   *
   * @param expectedUserId IAM's unique id of the user the key must belong to ({@code AIDA...}): STS
   *     names it in every answer, so no IAM read is needed to check whose the key is
   * @param budget the time the caller can still give (the Lambda's remaining time)
   * @return how long it took
   * @throws RotationFailedException when the key authenticates as someone else, or does not work in
   *     time
   */
  public Duration awaitWorking(
      String accessKeyId, String secretAccessKey, String expectedUserId, Duration budget) {
    return awaitWorking(
        accessKeyId, secretAccessKey, expectedUserId, expectedUserId, budget, KeyUnderTest.NEW_KEY);
  }

  /**
   * As {@link #awaitWorking(String, String, String, Duration)}, naming the key and the user in
   * messages.
   *
   * @param expectedUser the user in words for messages, e.g. {@code app-ci (AIDA...)}
   * @param which the new key (a propagation wait) or the current key (a test-only rotation
   *     validating the configuration)
   */
  public Duration awaitWorking(
      String accessKeyId,
      String secretAccessKey,
      String expectedUserId,
      String expectedUser,
      Duration budget,
      KeyUnderTest which) {
    Instant start = clock.instant();
    Duration limit = budget.compareTo(timeout) < 0 ? budget : timeout;
    Instant deadline = start.plus(limit);
    int successes = 0;
    int attempts = 0;
    String lastError = "none";
    Duration pause = interval;
    while (true) {
      attempts++;
      CallerIdentity identity = null;
      try {
        identity = probe.callerIdentity(accessKeyId, secretAccessKey);
      } catch (KeyRejectedException e) {
        lastError = e.getMessage();
      } catch (RuntimeException e) {
        // Throttling or a network fault says nothing about the key: count it as a failed try.
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
      }
      if (identity != null) {
        if (!expectedUserId.equals(identity.userId())) {
          throw new RotationFailedException(
              which
                  + " "
                  + KeyIds.shorten(accessKeyId)
                  + " authenticates as "
                  + identity.arn()
                  + ", not as IAM user "
                  + expectedUser
                  + ". The secret names the wrong user or the key was swapped; the rotation stops"
                  + " and the current key stays in place. Check the secret's UserName.");
        }
        successes++;
        if (successes >= requiredSuccesses) {
          return Duration.between(start, clock.instant());
        }
        pause = interval;
      } else {
        successes = 0;
      }
      Instant now = clock.instant();
      if (now.plus(pause).isAfter(deadline)) {
        throw new RotationFailedException(
            which
                + " "
                + KeyIds.shorten(accessKeyId)
                + " did not work "
                + requiredSuccesses
                + " times in a row within "
                + limit.toSeconds()
                + " s (waited "
                + Duration.between(start, now).toMillis()
                + " ms, "
                + attempts
                + " calls to STS; last error: "
                + lastError
                + "). "
                + which.whenItFails);
      }
      try {
        sleeper.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RotationFailedException("interrupted while waiting for the new key to work", e);
      }
      if (identity == null) {
        Duration longer = pause.multipliedBy(2);
        Duration cap = interval.multipliedBy(MAX_BACKOFF_FACTOR);
        pause = longer.compareTo(cap) > 0 ? cap : longer;
      }
    }
  }
}
