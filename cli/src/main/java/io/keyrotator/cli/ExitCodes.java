package io.keyrotator.cli;

/** The exit codes every command uses; documented in docs/cli.md. */
final class ExitCodes {
  /** Done; everything checked is healthy. */
  static final int OK = 0;

  /**
   * The command ran, and found or caused a problem: a failed rotation, findings, a failed check.
   */
  static final int PROBLEMS = 1;

  /** The command line is wrong. */
  static final int USAGE = 2;

  /** AWS could not be reached or refused: no credentials or Region, access denied, throttling. */
  static final int AWS_ERROR = 3;

  /** The secret (or another named resource) does not exist. */
  static final int NOT_FOUND = 4;

  private ExitCodes() {}
}
