package io.keyrotator.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --wait} and {@code --timeout}: whether {@code rotate} follows the rotation on AWS to its
 * end, and for how long at the most.
 */
final class RotationWait {
  /** The longest --timeout: an hour, longer than any rotation's four steps can take. */
  static final long MAX_TIMEOUT_SECONDS = 3600;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  @Option(
      names = "--wait",
      description = "On AWS: wait until the new key is current or the rotation fails.")
  boolean requested;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      description = "With --wait: give up after this many seconds (default ${DEFAULT-VALUE}).")
  long timeoutSeconds = 300;

  /**
   * Checked before anything is asked of AWS: a bad value must not start a rotation.
   *
   * @throws CliException (usage) for --timeout without --wait, or outside 1 to {@value
   *     #MAX_TIMEOUT_SECONDS}
   */
  void requireSensible() {
    if (command.commandLine().getParseResult().hasMatchedOption("--timeout") && !requested) {
      throw new CliException(
          ExitCodes.USAGE, "--timeout only applies with --wait: add --wait or leave it out.");
    }
    CliException.requireInRange("--timeout", timeoutSeconds, 1, MAX_TIMEOUT_SECONDS, "seconds");
  }

  /** How long --wait follows the rotation before it gives up. */
  Duration timeout() {
    return Duration.ofSeconds(timeoutSeconds);
  }
}
