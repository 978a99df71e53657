package io.keyrotator.config;

import static io.keyrotator.contract.FunctionEnvironment.HYGIENE_DRY_RUN;
import static io.keyrotator.contract.FunctionEnvironment.HYGIENE_GRACE_DAYS;
import static io.keyrotator.contract.FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS;
import static io.keyrotator.contract.FunctionEnvironment.HYGIENE_REPAIR;
import static java.time.temporal.ChronoUnit.DAYS;
import static java.time.temporal.ChronoUnit.HOURS;
import static java.time.temporal.ChronoUnit.MINUTES;

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

  /**
   * Reads the settings from the given variables (the process environment: {@code System.getenv()}),
   * applying the documented defaults.
   *
   * @throws InvalidSettingsException naming every variable that has a bad value
   */
  public static HygieneSettings from(Map<String, String> env) {
    return EnvironmentReader.read(env, "docs/hygiene.md", HygieneSettings::read);
  }

  private static HygieneSettings read(EnvironmentReader reader) {
    HygieneSettings settings =
        new HygieneSettings(
            reader.duration(FunctionSettings.GRACE, DAYS),
            reader.duration(FunctionSettings.SWITCH_WINDOW, MINUTES),
            reader.duration(FunctionSettings.HARD_LIMIT, DAYS),
            reader.duration(FunctionSettings.DELETE_AFTER, DAYS),
            reader.duration(FunctionSettings.STUCK_AFTER, HOURS),
            reader.bool(HYGIENE_REPAIR, false),
            reader.bool(HYGIENE_DRY_RUN, false));
    if (!settings.hardLimit.isZero() && settings.hardLimit.compareTo(settings.grace) <= 0) {
      reader.problem(
          HYGIENE_HARD_LIMIT_DAYS
              + "="
              + settings.hardLimit.toDays()
              + " must be longer than "
              + HYGIENE_GRACE_DAYS
              + "="
              + settings.grace.toDays()
              + " (or 0 to turn the hard limit off)");
    }
    return settings;
  }

  /** The same settings with dry-run turned on or off. */
  public HygieneSettings withDryRun(boolean value) {
    return new HygieneSettings(
        grace, switchWindow, hardLimit, deleteAfter, stuckAfter, repair, value);
  }
}
