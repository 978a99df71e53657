package io.keyrotator.cli;

/** A command cannot do what was asked; the message says why and what to do. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int exitCode;

  /**
   * @param exitCode one of {@link ExitCodes}
   * @param message one line: what was expected, what was found, what to do
   */
  CliException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  int exitCode() {
    return exitCode;
  }

  /**
   * Checks a whole-number option against its range, so that every such option fails alike, e.g.
   * {@code --timeout 0: expected a whole number of seconds from 1 to 3600.}
   *
   * @param option the option as typed, e.g. {@code --timeout}
   * @param unit what the number counts, e.g. {@code seconds}
   * @throws CliException (usage) when {@code value} is below {@code min} or above {@code max}
   */
  static void requireInRange(String option, long value, long min, long max, String unit) {
    if (value < min || value > max) {
      throw new CliException(
          ExitCodes.USAGE,
          option
              + " "
              + value
              + ": expected a whole number of "
              + unit
              + " from "
              + min
              + " to "
              + max
              + ".");
    }
  }
}
