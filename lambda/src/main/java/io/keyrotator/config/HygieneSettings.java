package io.keyrotator.config;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionSettings;
import java.time.Duration;
import java.util.Map;

/**
 * How the hygiene job retires previous keys and handles stuck rotations, read once from environment
 * variables (documented in docs/hygiene.md); a bad value fails at start.
 *
 * @param grace how long after a rotation the previous key always stays active
 * @param switchWindow how long after the rotation consumers may still use the previous key without
 *     counting as "still in use" (they refresh their credentials in that time)
 * @param hardLimit after this long since the rotation the previous key is deactivated even if it is
 *     still in use; zero turns the limit off
 * @param deleteAfter how long a previous key stays inactive before it is deleted
 * @param stuckAfter how old an AWSPENDING version must be to count as a stuck rotation
 * @param repair whether to repair stuck rotations and orphan keys (otherwise only report them)
 * @param dryRun report what would be done, change nothing
 */
public record HygieneSettings(
    Duration grace,
    Duration switchWindow,
    Duration hardLimit,
    Duration deleteAfter,
    Duration stuckAfter,
    boolean repair,
    boolean dryRun) {

  public static final String GRACE_DAYS = FunctionEnvironment.HYGIENE_GRACE_DAYS;
  public static final String SWITCH_MINUTES = FunctionEnvironment.HYGIENE_SWITCH_MINUTES;
  public static final String HARD_LIMIT_DAYS = FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS;
  public static final String DELETE_AFTER_DAYS = FunctionEnvironment.HYGIENE_DELETE_AFTER_DAYS;
  public static final String STUCK_AFTER_HOURS = FunctionEnvironment.HYGIENE_STUCK_AFTER_HOURS;
  public static final String REPAIR = FunctionEnvironment.HYGIENE_REPAIR;
  public static final String DRY_RUN = FunctionEnvironment.HYGIENE_DRY_RUN;

  /** Reads the settings from the process environment. */
  public static HygieneSettings fromEnvironment() {
    return from(System.getenv());
  }

  /**
   * Reads the settings from the given variables, applying the documented defaults.
   *
   * @throws InvalidSettingsException naming every variable that has a bad value
   */
  public static HygieneSettings from(Map<String, String> env) {
    EnvironmentReader reader = new EnvironmentReader(env);
    HygieneSettings settings =
        new HygieneSettings(
            Duration.ofDays(reader.number(FunctionSettings.GRACE)),
            Duration.ofMinutes(reader.number(FunctionSettings.SWITCH_WINDOW)),
            Duration.ofDays(reader.number(FunctionSettings.HARD_LIMIT)),
            Duration.ofDays(reader.number(FunctionSettings.DELETE_AFTER)),
            Duration.ofHours(reader.number(FunctionSettings.STUCK_AFTER)),
            reader.bool(REPAIR, false),
            reader.bool(DRY_RUN, false));
    if (!settings.hardLimit.isZero() && settings.hardLimit.compareTo(settings.grace) <= 0) {
      reader.problem(
          HARD_LIMIT_DAYS
              + "="
              + settings.hardLimit.toDays()
              + " must be longer than "
              + GRACE_DAYS
              + "="
              + settings.grace.toDays()
              + " (or 0 to turn the hard limit off)");
    }
    reader.failOnProblems("docs/hygiene.md");
    return settings;
  }

  /** The same settings with dry-run turned on or off. */
  public HygieneSettings withDryRun(boolean value) {
    return new HygieneSettings(
        grace, switchWindow, hardLimit, deleteAfter, stuckAfter, repair, value);
  }
}
