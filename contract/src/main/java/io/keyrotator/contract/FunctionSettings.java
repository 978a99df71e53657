package io.keyrotator.contract;

import static io.keyrotator.contract.FunctionEnvironment.*;

/**
 * The defaults and allowed ranges of the functions' settings, written once: the function applies
 * them when it reads its environment, and the CDK app checks its configuration against them before
 * it sets that environment. docs/rotation.md and docs/hygiene.md list them for people.
 */
public final class FunctionSettings {
  private FunctionSettings() {}

  /**
   * IAM path prefix of managed users when {@link FunctionEnvironment#MANAGED_PATH_PREFIX} is unset.
   */
  public static final String DEFAULT_MANAGED_PATH_PREFIX = "/keyrotator/";

  public static final PreviousKeyPolicy DEFAULT_PREVIOUS_KEY_POLICY = PreviousKeyPolicy.KEEP;
  public static final KeyLimitPolicy DEFAULT_KEY_LIMIT_POLICY = KeyLimitPolicy.IDLE;
  public static final RetryMode DEFAULT_RETRY_MODE = RetryMode.ADAPTIVE;

  /** Days without use after which a previous key counts as idle. */
  public static final WholeNumberSetting IDLE = new WholeNumberSetting(IDLE_DAYS, 7, 0, 3650);

  /** Consecutive successful STS calls that prove a new key works. */
  public static final WholeNumberSetting PROPAGATION_CHECKS =
      new WholeNumberSetting(PROPAGATION_SUCCESSES, 3, 1, 20);

  /**
   * Longest wait for a new key, in seconds. At most 840 so that the wait plus the 60 seconds the
   * CDK app adds for the step's other calls fits Lambda's 900-second limit.
   */
  public static final WholeNumberSetting PROPAGATION_TIMEOUT =
      new WholeNumberSetting(PROPAGATION_TIMEOUT_SECONDS, 60, 1, 840);

  /** Pause between two checks of a new key, in milliseconds. */
  public static final WholeNumberSetting PROPAGATION_INTERVAL =
      new WholeNumberSetting(PROPAGATION_INTERVAL_MILLIS, 1000, 10, 60_000);

  /** Upper bound of one AWS API call, retries included, in seconds. */
  public static final WholeNumberSetting API_CALL_TIMEOUT =
      new WholeNumberSetting(API_CALL_TIMEOUT_SECONDS, 30, 1, 300);

  /** Days after a rotation before an unused previous key may be deactivated. */
  public static final WholeNumberSetting GRACE =
      new WholeNumberSetting(HYGIENE_GRACE_DAYS, 7, 0, 3650);

  /** Minutes after a rotation in which use of the previous key does not count as "in use". */
  public static final WholeNumberSetting SWITCH_WINDOW =
      new WholeNumberSetting(HYGIENE_SWITCH_MINUTES, 120, 0, 10_080);

  /** Days after a rotation when the previous key is deactivated even if in use; 0 turns it off. */
  public static final WholeNumberSetting HARD_LIMIT =
      new WholeNumberSetting(HYGIENE_HARD_LIMIT_DAYS, 0, 0, 3650);

  /** Days a previous key stays inactive before it is deleted. */
  public static final WholeNumberSetting DELETE_AFTER =
      new WholeNumberSetting(HYGIENE_DELETE_AFTER_DAYS, 30, 1, 3650);

  /** Hours an AWSPENDING label may sit before the rotation counts as stuck. */
  public static final WholeNumberSetting STUCK_AFTER =
      new WholeNumberSetting(HYGIENE_STUCK_AFTER_HOURS, 24, 1, 8760);

  /** Access keys older than this many days are audit findings. */
  public static final WholeNumberSetting MAX_KEY_AGE =
      new WholeNumberSetting(AUDIT_MAX_KEY_AGE_DAYS, 90, 1, 3650);

  /** Credentials unused for longer than this many days are audit findings. */
  public static final WholeNumberSetting UNUSED =
      new WholeNumberSetting(AUDIT_UNUSED_DAYS, 45, 1, 3650);

  /** Shortest password the audit accepts in the account's password policy. */
  public static final WholeNumberSetting PASSWORD_MIN_LENGTH =
      new WholeNumberSetting(AUDIT_PASSWORD_MIN_LENGTH, 14, 6, 128);

  /** Fewest earlier passwords the account's policy must prevent reusing. */
  public static final WholeNumberSetting PASSWORD_REUSE_PREVENTION =
      new WholeNumberSetting(AUDIT_PASSWORD_REUSE_PREVENTION, 24, 1, 24);

  /** Longest password age the account's policy may allow, in days. */
  public static final WholeNumberSetting PASSWORD_MAX_AGE =
      new WholeNumberSetting(AUDIT_PASSWORD_MAX_AGE_DAYS, 90, 1, 1095);

  /** Longest wait for IAM's credential report, in seconds. */
  public static final WholeNumberSetting REPORT_WAIT =
      new WholeNumberSetting(AUDIT_REPORT_WAIT_SECONDS, 120, 1, 840);

  /** Pause between two polls of the credential report, in milliseconds. */
  public static final WholeNumberSetting REPORT_POLL =
      new WholeNumberSetting(AUDIT_REPORT_POLL_MILLIS, 2000, 10, 60_000);
}
