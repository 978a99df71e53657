package io.keyrotator.infra.config;

import static io.keyrotator.contract.FunctionSettings.*;

import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The whole deployment configuration, validated. Built by {@link ConfigLoader}. The defaults of the
 * functions' settings come from the contract ({@link io.keyrotator.contract.FunctionSettings}); the
 * app's own defaults are the constants and {@code defaults()} factories here; docs/deploy.md lists
 * them all.
 *
 * @param environments where to deploy: one stage per account and Region
 * @param users the IAM users whose keys rotate
 * @param schedule when rotation runs
 * @param rotation settings handed to the rotation function as environment variables
 * @param notificationEmails e-mail addresses subscribed to the alarm topic (may be empty)
 * @param trail which CloudTrail log group the CIS alarms read, if any
 * @param hardening opt-in account-wide hardening
 * @param logRetentionDays retention of the log groups this app creates
 * @param hygiene the scheduled hygiene function: retirement of previous keys and the audit
 * @param operators IAM principal ARNs (roles or users) that may start and cancel rotations of the
 *     managed secrets ({@code RotateSecret}, {@code CancelRotateSecret}); every other principal but
 *     keyrotator's own roles and the deployment role is denied every write to the secrets
 * @param deploymentRoleArn the role CloudFormation deploys the stack with; empty: the CDK
 *     bootstrap's CloudFormation execution role of the stack's synthesizer
 */
public record KeyrotatorConfig(
    List<Environment> environments,
    List<ManagedUser> users,
    Schedule schedule,
    RotationSettings rotation,
    List<String> notificationEmails,
    Trail trail,
    Hardening hardening,
    int logRetentionDays,
    Hygiene hygiene,
    List<String> operators,
    Optional<String> deploymentRoleArn) {

  /** The IAM path under which the stack creates users; the rotation function's default scope. */
  public static final String MANAGED_PATH = "/keyrotator/";

  /**
   * The longest the managed user names may be, joined with commas: the functions get them in one
   * environment variable, and Lambda allows 4 KB for all of a function's variables together.
   */
  public static final int MAX_MANAGED_USER_NAMES_LENGTH = 3000;

  /** The rotation schedule when the configuration has none: every 30 days, window unset. */
  public static final String DEFAULT_ROTATION_SCHEDULE = "rate(30 days)";

  /** When the hygiene function runs unless configured: every day at 06:00 UTC. */
  public static final String DEFAULT_HYGIENE_SCHEDULE = "cron(0 6 * * ? *)";

  /** Retention of the app's log groups unless configured, in days. */
  public static final int DEFAULT_LOG_RETENTION_DAYS = 365;

  /** One target: an account and Region, deployed as its own stage. */
  public record Environment(String name, String account, String region) {}

  /**
   * A managed IAM user.
   *
   * @param name the IAM user name
   * @param create true: the stack creates the user under {@link #MANAGED_PATH}; false: it exists
   * @param path for an existing user, its IAM path (default "/"); for created users always {@link
   *     #MANAGED_PATH}
   * @param readers IAM principal ARNs (roles or users) allowed to read this user's secret, and
   *     {@link #SELF_READER} for the user itself
   * @param adoptKey an existing access key id of the user that its secret takes over
   *     (docs/deploy.md, "Existing users and keys")
   */
  public record ManagedUser(
      String name, boolean create, String path, List<String> readers, Optional<String> adoptKey) {
    /**
     * The reader that names the managed user itself: its own key may read its secret, for a
     * consumer with no other AWS identity ({@code keyrotator credentials --self}).
     */
    public static final String SELF_READER = "self";

    /** Whether the user may read its own secret ({@code readers: ["self"]}). */
    public boolean readsOwnSecret() {
      return readers.contains(SELF_READER);
    }

    /** The readers other than the user itself: IAM principal ARNs. */
    public List<String> readerArns() {
      return readers.stream().filter(r -> !SELF_READER.equals(r)).toList();
    }
  }

  /**
   * @param expression a Secrets Manager schedule, {@code rate(N days)}, {@code rate(N hours)} or
   *     {@code cron(...)} in UTC
   * @param window the rotation window, e.g. {@code 3h}; empty lets Secrets Manager choose
   */
  public record Schedule(String expression, Optional<String> window) {}

  /**
   * Settings passed through to the rotation function; see docs/rotation.md. Ranges and defaults are
   * the contract's ({@link io.keyrotator.contract.FunctionSettings}).
   *
   * @param propagationTimeoutSeconds longest wait for a new key, in seconds
   * @param propagationIntervalMillis pause between two checks of a new key, in milliseconds
   */
  public record RotationSettings(
      PreviousKeyPolicy previousKeyPolicy,
      KeyLimitPolicy keyLimitPolicy,
      int idleDays,
      boolean deleteUnprovenKeys,
      int propagationSuccesses,
      int propagationTimeoutSeconds,
      int propagationIntervalMillis) {
    /** The function's own defaults, from the contract. */
    public static RotationSettings defaults() {
      return new RotationSettings(
          DEFAULT_PREVIOUS_KEY_POLICY,
          DEFAULT_KEY_LIMIT_POLICY,
          IDLE.defaultValue(),
          false,
          PROPAGATION_CHECKS.defaultValue(),
          PROPAGATION_TIMEOUT.defaultValue(),
          PROPAGATION_INTERVAL.defaultValue());
    }
  }

  /**
   * Where CloudTrail management events come from; {@link #toString()} is the configuration's
   * spelling.
   */
  public enum TrailMode {
    /** The stack creates a multi-Region trail, its bucket and log group. */
    CREATE,
    /** An existing trail already delivers to a CloudWatch Logs log group in this Region. */
    EXISTING_LOG_GROUP,
    /** No CloudTrail alarms. */
    NONE;

    /** {@code create}, {@code existingLogGroup} or {@code none}, as the configuration writes it. */
    @Override
    public String toString() {
      String[] words = name().toLowerCase(Locale.ROOT).split("_");
      StringBuilder spelled = new StringBuilder(words[0]);
      for (int i = 1; i < words.length; i++) {
        spelled.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
      }
      return spelled.toString();
    }
  }

  /**
   * @param mode see {@link TrailMode}
   * @param logGroupName for {@link TrailMode#EXISTING_LOG_GROUP}, the log group's name
   */
  public record Trail(TrailMode mode, Optional<String> logGroupName) {}

  /**
   * @param passwordPolicy set the account password policy (a custom resource)
   * @param mfaGroupName if present, create this IAM group with the MFA-enforcement policy attached
   */
  public record Hardening(boolean passwordPolicy, Optional<String> mfaGroupName) {}

  /**
   * The hygiene function's schedule and settings, passed to it as environment variables (see
   * docs/deploy.md, Configuration reference, for what each means). Named apart from the function's
   * own {@code HygieneSettings}, which it reads back from those variables.
   *
   * @param enabled false: no hygiene function, rule, role or alarms are deployed
   * @param schedule an EventBridge {@code rate(...)} or {@code cron(...)} expression in UTC
   * @param graceDays days after a rotation before an unused previous key is deactivated
   * @param hardLimitDays days after a rotation when the previous key is deactivated even if in use;
   *     0 turns the hard limit off
   * @param deleteAfterDays days a previous key stays inactive before it is deleted
   * @param stuckAfterHours hours an AWSPENDING label may sit before the rotation counts as stuck
   * @param repair repair stuck rotations (as {@code keyrotator doctor --fix}) instead of only
   *     reporting them
   * @param dryRun report what would be done, change nothing
   * @param auditMaxKeyAgeDays access keys older than this are reported by the audit
   * @param auditUnusedDays credentials unused for longer than this are reported by the audit
   */
  public record Hygiene(
      boolean enabled,
      String schedule,
      int graceDays,
      int hardLimitDays,
      int deleteAfterDays,
      int stuckAfterHours,
      boolean repair,
      boolean dryRun,
      int auditMaxKeyAgeDays,
      int auditUnusedDays) {
    /** The defaults, as documented: the whole numbers are the contract's. */
    public static Hygiene defaults() {
      return new Hygiene(
          true,
          DEFAULT_HYGIENE_SCHEDULE,
          GRACE.defaultValue(),
          HARD_LIMIT.defaultValue(),
          DELETE_AFTER.defaultValue(),
          STUCK_AFTER.defaultValue(),
          false,
          false,
          MAX_KEY_AGE.defaultValue(),
          UNUSED.defaultValue());
    }
  }
}
