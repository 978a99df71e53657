package io.keyrotator.contract;

/**
 * The environment variables the functions read their settings from (once, at start) and the CDK app
 * sets. Defaults and ranges are documented in docs/rotation.md and docs/hygiene.md.
 */
public final class FunctionEnvironment {
  private FunctionEnvironment() {}

  /** The Region of the Secrets Manager and STS endpoints; Lambda sets it. */
  public static final String REGION = "AWS_REGION";

  /** IAM path prefix of the users the functions may rotate; empty turns the path rule off. */
  public static final String MANAGED_PATH_PREFIX = "KEYROTATOR_MANAGED_PATH_PREFIX";

  /** Comma-separated IAM user names the functions may rotate (any case, no wildcards). */
  public static final String MANAGED_USERS = "KEYROTATOR_MANAGED_USERS";

  /** keyrotator 1's opt-in tag: refused at start (a tag must not widen the scope). */
  public static final String RETIRED_MANAGED_TAG = "KEYROTATOR_MANAGED_TAG";

  /** ARN or name of the secret holding the key keyrotator seals its evidence with. */
  public static final String SEAL_SECRET = "KEYROTATOR_SEAL_SECRET";

  /** What finishSecret does with the replaced key: keep, deactivate, delete. */
  public static final String PREVIOUS_KEY_POLICY = "KEYROTATOR_PREVIOUS_KEY_POLICY";

  /** When createSecret may delete the previous key at the 2-key limit: inactive, idle, never. */
  public static final String KEY_LIMIT_POLICY = "KEYROTATOR_KEY_LIMIT_POLICY";

  /** Days without use after which a previous key counts as idle. */
  public static final String IDLE_DAYS = "KEYROTATOR_IDLE_DAYS";

  /** Whether an inactive imported previous key may be deleted (true or false). */
  public static final String DELETE_UNPROVEN_KEYS = "KEYROTATOR_DELETE_UNPROVEN_KEYS";

  /** Consecutive successful STS calls that prove a new key works. */
  public static final String PROPAGATION_SUCCESSES = "KEYROTATOR_PROPAGATION_SUCCESSES";

  /** Longest wait for a new key, in seconds. */
  public static final String PROPAGATION_TIMEOUT_SECONDS = "KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS";

  /** Pause between two checks of a new key, in milliseconds. */
  public static final String PROPAGATION_INTERVAL_MILLIS = "KEYROTATOR_PROPAGATION_INTERVAL_MILLIS";

  /** Upper bound of one AWS API call, retries included, in seconds. */
  public static final String API_CALL_TIMEOUT_SECONDS = "KEYROTATOR_API_CALL_TIMEOUT_SECONDS";

  /** SDK retry mode: standard or adaptive. */
  public static final String RETRY_MODE = "KEYROTATOR_RETRY_MODE";

  /** Days after a rotation before the previous key may be deactivated. */
  public static final String HYGIENE_GRACE_DAYS = "KEYROTATOR_HYGIENE_GRACE_DAYS";

  /** Minutes after a rotation in which use of the previous key does not count as "still in use". */
  public static final String HYGIENE_SWITCH_MINUTES = "KEYROTATOR_HYGIENE_SWITCH_MINUTES";

  /** Days after a rotation when the previous key is deactivated even if in use; 0 turns it off. */
  public static final String HYGIENE_HARD_LIMIT_DAYS = "KEYROTATOR_HYGIENE_HARD_LIMIT_DAYS";

  /** Days a previous key stays inactive before it is deleted. */
  public static final String HYGIENE_DELETE_AFTER_DAYS = "KEYROTATOR_HYGIENE_DELETE_AFTER_DAYS";

  /** Hours an AWSPENDING label may sit before the rotation counts as stuck. */
  public static final String HYGIENE_STUCK_AFTER_HOURS = "KEYROTATOR_HYGIENE_STUCK_AFTER_HOURS";

  /** Whether the hygiene job repairs what doctor --fix would (true or false). */
  public static final String HYGIENE_REPAIR = "KEYROTATOR_HYGIENE_REPAIR";

  /** Whether the hygiene job only reports (true or false). */
  public static final String HYGIENE_DRY_RUN = "KEYROTATOR_HYGIENE_DRY_RUN";

  /** Access keys older than this many days are audit findings. */
  public static final String AUDIT_MAX_KEY_AGE_DAYS = "KEYROTATOR_AUDIT_MAX_KEY_AGE_DAYS";

  /** Credentials unused for longer than this many days are audit findings. */
  public static final String AUDIT_UNUSED_DAYS = "KEYROTATOR_AUDIT_UNUSED_DAYS";

  /** Shortest password the audit accepts in the account's policy. */
  public static final String AUDIT_PASSWORD_MIN_LENGTH = "KEYROTATOR_AUDIT_PASSWORD_MIN_LENGTH";

  /** Fewest earlier passwords the account's policy must prevent reusing. */
  public static final String AUDIT_PASSWORD_REUSE_PREVENTION =
      "KEYROTATOR_AUDIT_PASSWORD_REUSE_PREVENTION";

  /** Longest password age the account's policy may allow, in days. */
  public static final String AUDIT_PASSWORD_MAX_AGE_DAYS = "KEYROTATOR_AUDIT_PASSWORD_MAX_AGE_DAYS";

  /** Longest wait for IAM's credential report, in seconds. */
  public static final String AUDIT_REPORT_WAIT_SECONDS = "KEYROTATOR_AUDIT_REPORT_WAIT_SECONDS";

  /** Pause between two polls of the credential report, in milliseconds. */
  public static final String AUDIT_REPORT_POLL_MILLIS = "KEYROTATOR_AUDIT_REPORT_POLL_MILLIS";
}
