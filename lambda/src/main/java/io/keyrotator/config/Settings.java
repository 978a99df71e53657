package io.keyrotator.config;

import static java.time.temporal.ChronoUnit.DAYS;
import static java.time.temporal.ChronoUnit.MILLIS;
import static java.time.temporal.ChronoUnit.SECONDS;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import io.keyrotator.contract.RetryMode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the rotation function can be configured with, read once from environment variables.
 *
 * <p>This is the one place that reads configuration. Each variable, its default and its range is
 * listed in {@code docs/rotation.md}; a bad value fails at start with a message naming the
 * variable.
 *
 * @param region the Region of the Secrets Manager and STS endpoints ({@code AWS_REGION})
 * @param managedPathPrefix IAM path prefix of users this function may rotate; empty disables the
 *     rule
 * @param managedUsers exact IAM user names this function may rotate, in lower case (IAM names are
 *     unique regardless of case); empty disables the rule
 * @param sealSecret the secret (ARN or name) whose value is the key keyrotator seals its evidence
 *     with ({@code io.keyrotator.ownership.EvidenceSeal}); only keyrotator's roles may read it.
 *     Empty: nothing can be proven, so keyrotator creates and rotates keys but never retires one
 * @param previousKeyPolicy what finishSecret does with the key that was current before
 * @param keyLimitPolicy when createSecret may delete the previous key to stay within 2 keys
 * @param idleBeforeRemoval how long an active previous key must be unused before the limit policy
 *     {@code idle} may delete it
 * @param deleteUnprovenKeys whether an inactive key that this function cannot prove it created may
 *     be deleted to make room
 * @param propagationSuccesses consecutive successful STS calls that prove a new key works
 * @param propagationTimeout how long testSecret waits for a new key to work
 * @param propagationInterval pause between two checks of a new key (the first pause after a
 *     failure; it grows up to 5 times this value)
 * @param apiCallTimeout upper bound for one AWS API call, retries included
 * @param retryMode SDK retry mode for AWS API calls: {@code standard} or {@code adaptive}
 */
public record Settings(
    String region,
    String managedPathPrefix,
    Set<String> managedUsers,
    Optional<String> sealSecret,
    PreviousKeyPolicy previousKeyPolicy,
    KeyLimitPolicy keyLimitPolicy,
    Duration idleBeforeRemoval,
    boolean deleteUnprovenKeys,
    int propagationSuccesses,
    Duration propagationTimeout,
    Duration propagationInterval,
    Duration apiCallTimeout,
    RetryMode retryMode) {

  public static final String REGION = FunctionEnvironment.REGION;
  public static final String MANAGED_PATH_PREFIX = FunctionEnvironment.MANAGED_PATH_PREFIX;
  public static final String MANAGED_USERS = FunctionEnvironment.MANAGED_USERS;
  public static final String SEAL_SECRET = FunctionEnvironment.SEAL_SECRET;

  /**
   * Read only to refuse it: keyrotator 1 let a user tag widen the scope, and a tag anyone with
   * {@code iam:TagUser} can write must not decide which users keyrotator manages.
   */
  public static final String RETIRED_MANAGED_TAG = FunctionEnvironment.RETIRED_MANAGED_TAG;

  public static final String PREVIOUS_KEY_POLICY = FunctionEnvironment.PREVIOUS_KEY_POLICY;
  public static final String KEY_LIMIT_POLICY = FunctionEnvironment.KEY_LIMIT_POLICY;
  public static final String IDLE_DAYS = FunctionEnvironment.IDLE_DAYS;
  public static final String DELETE_UNPROVEN_KEYS = FunctionEnvironment.DELETE_UNPROVEN_KEYS;
  public static final String PROPAGATION_SUCCESSES = FunctionEnvironment.PROPAGATION_SUCCESSES;
  public static final String PROPAGATION_TIMEOUT_SECONDS =
      FunctionEnvironment.PROPAGATION_TIMEOUT_SECONDS;
  public static final String PROPAGATION_INTERVAL_MILLIS =
      FunctionEnvironment.PROPAGATION_INTERVAL_MILLIS;
  public static final String API_CALL_TIMEOUT_SECONDS =
      FunctionEnvironment.API_CALL_TIMEOUT_SECONDS;
  public static final String RETRY_MODE = FunctionEnvironment.RETRY_MODE;

  /**
   * Reads the settings from the given variables (the process environment: {@code System.getenv()}),
   * applying the documented defaults.
   *
   * @throws InvalidSettingsException naming every variable that has a bad value
   */
  public static Settings from(Map<String, String> env) {
    return EnvironmentReader.read(env, "docs/rotation.md", Settings::read);
  }

  private static Settings read(EnvironmentReader reader) {
    Settings settings =
        new Settings(
            reader.text(REGION, "us-east-1"),
            reader.pathPrefix(MANAGED_PATH_PREFIX, FunctionSettings.DEFAULT_MANAGED_PATH_PREFIX),
            reader.userNames(MANAGED_USERS),
            reader.optionalText(SEAL_SECRET),
            reader.choice(PREVIOUS_KEY_POLICY, FunctionSettings.DEFAULT_PREVIOUS_KEY_POLICY),
            reader.choice(KEY_LIMIT_POLICY, FunctionSettings.DEFAULT_KEY_LIMIT_POLICY),
            reader.duration(FunctionSettings.IDLE, DAYS),
            reader.bool(DELETE_UNPROVEN_KEYS, false),
            reader.number(FunctionSettings.PROPAGATION_CHECKS),
            reader.duration(FunctionSettings.PROPAGATION_TIMEOUT, SECONDS),
            reader.duration(FunctionSettings.PROPAGATION_INTERVAL, MILLIS),
            reader.duration(FunctionSettings.API_CALL_TIMEOUT, SECONDS),
            reader.choice(RETRY_MODE, FunctionSettings.DEFAULT_RETRY_MODE));
    reader.retired(
        RETIRED_MANAGED_TAG,
        "a user tag anyone with iam:TagUser can write no longer widens what keyrotator manages."
            + " List the users in "
            + MANAGED_USERS
            + " (comma-separated) or create them under "
            + MANAGED_PATH_PREFIX
            + ", and remove "
            + RETIRED_MANAGED_TAG);
    if (settings.managedPathPrefix.isEmpty() && settings.managedUsers.isEmpty()) {
      reader.problem(
          MANAGED_PATH_PREFIX
              + " and "
              + MANAGED_USERS
              + " are both empty: set at least one so the function knows which users it manages.");
    }
    return settings;
  }
}
