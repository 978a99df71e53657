package io.keyrotator.config;

import static java.time.temporal.ChronoUnit.DAYS;
import static java.time.temporal.ChronoUnit.MILLIS;
import static java.time.temporal.ChronoUnit.SECONDS;

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

  /**
   * Reads the settings from the given variables (the process environment: {@code System.getenv()}),
   * applying the documented defaults.
   *
   * @throws InvalidSettingsException naming every variable that has a bad value
   */
  public static AuditSettings from(Map<String, String> env) {
    return EnvironmentReader.read(
        env,
        "docs/hygiene.md",
        reader ->
            new AuditSettings(
                reader.duration(FunctionSettings.MAX_KEY_AGE, DAYS),
                reader.duration(FunctionSettings.UNUSED, DAYS),
                reader.number(FunctionSettings.PASSWORD_MIN_LENGTH),
                reader.number(FunctionSettings.PASSWORD_REUSE_PREVENTION),
                reader.number(FunctionSettings.PASSWORD_MAX_AGE),
                reader.duration(FunctionSettings.REPORT_WAIT, SECONDS),
                reader.duration(FunctionSettings.REPORT_POLL, MILLIS)));
  }
}
