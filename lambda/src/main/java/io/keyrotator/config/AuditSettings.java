package io.keyrotator.config;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionSettings;
import java.time.Duration;
import java.util.Map;

/**
 * What the compliance audit checks against, read once from environment variables. Defaults follow
 * the AWS Config managed rules: access-keys-rotated (90 days), the CIS 45-day variant of
 * iam-user-unused-credentials-check, and iam-password-policy (length 14, all four character
 * classes, reuse prevention 24, maximum age 90). Each variable is listed in {@code
 * docs/hygiene.md}.
 *
 * @param maxKeyAge an active access key older than this, on a user keyrotator does not manage, is a
 *     finding
 * @param unusedAfter a password or active access key unused (or never used) for longer is a finding
 * @param passwordMinimumLength the shortest minimum length the password policy may set
 * @param passwordReusePrevention the fewest earlier passwords the policy must forbid reusing
 * @param passwordMaxAgeDays the longest password lifetime the policy may allow
 * @param reportWait how long to wait for IAM to finish generating the credential report
 * @param reportPollInterval pause between two checks of the report's state
 */
public record AuditSettings(
    Duration maxKeyAge,
    Duration unusedAfter,
    int passwordMinimumLength,
    int passwordReusePrevention,
    int passwordMaxAgeDays,
    Duration reportWait,
    Duration reportPollInterval) {

  public static final String MAX_KEY_AGE_DAYS = FunctionEnvironment.AUDIT_MAX_KEY_AGE_DAYS;
  public static final String UNUSED_DAYS = FunctionEnvironment.AUDIT_UNUSED_DAYS;
  public static final String PASSWORD_MIN_LENGTH = FunctionEnvironment.AUDIT_PASSWORD_MIN_LENGTH;
  public static final String PASSWORD_REUSE_PREVENTION =
      FunctionEnvironment.AUDIT_PASSWORD_REUSE_PREVENTION;
  public static final String PASSWORD_MAX_AGE_DAYS =
      FunctionEnvironment.AUDIT_PASSWORD_MAX_AGE_DAYS;
  public static final String REPORT_WAIT_SECONDS = FunctionEnvironment.AUDIT_REPORT_WAIT_SECONDS;
  public static final String REPORT_POLL_MILLIS = FunctionEnvironment.AUDIT_REPORT_POLL_MILLIS;

  /** Reads the settings from the process environment. */
  public static AuditSettings fromEnvironment() {
    return from(System.getenv());
  }

  /**
   * Reads the settings from the given variables, applying the documented defaults.
   *
   * @throws InvalidSettingsException naming every variable that has a bad value
   */
  public static AuditSettings from(Map<String, String> env) {
    EnvironmentReader reader = new EnvironmentReader(env);
    AuditSettings settings =
        new AuditSettings(
            Duration.ofDays(reader.number(FunctionSettings.MAX_KEY_AGE)),
            Duration.ofDays(reader.number(FunctionSettings.UNUSED)),
            reader.number(FunctionSettings.PASSWORD_MIN_LENGTH),
            reader.number(FunctionSettings.PASSWORD_REUSE_PREVENTION),
            reader.number(FunctionSettings.PASSWORD_MAX_AGE),
            Duration.ofSeconds(reader.number(FunctionSettings.REPORT_WAIT)),
            Duration.ofMillis(reader.number(FunctionSettings.REPORT_POLL)));
    reader.failOnProblems("docs/hygiene.md");
    return settings;
  }
}
