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
}
