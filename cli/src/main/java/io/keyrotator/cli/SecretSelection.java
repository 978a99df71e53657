package io.keyrotator.cli;

import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * Which managed secrets a command inspects ({@code --secret-id}, repeatable) and when a rotation
 * counts as stuck ({@code --stuck-after-minutes}).
 */
final class SecretSelection {
  @Option(
      names = "--secret-id",
      converter = SecretNames.class,
      paramLabel = "ID",
      description =
          "Only these secrets (repeatable; default: every secret tagged keyrotator:user).")
  List<String> secretIds;

  @Option(
      names = "--stuck-after-minutes",
      paramLabel = "MINUTES",
      description = "AWSPENDING older than this counts as stuck (default ${DEFAULT-VALUE}).")
  long stuckAfterMinutes = 60;

  /** The longest --stuck-after-minutes: a year. */
  static final long MAX_STUCK_AFTER_MINUTES = 525_600;

  /**
   * How old an AWSPENDING version may be before the rotation counts as stuck.
   *
   * @throws CliException (usage) outside 0 to {@value #MAX_STUCK_AFTER_MINUTES}
   */
  Duration stuckAfter() {
    CliException.requireInRange(
        "--stuck-after-minutes", stuckAfterMinutes, 0, MAX_STUCK_AFTER_MINUTES, "minutes");
    return Duration.ofMinutes(stuckAfterMinutes);
  }
}
