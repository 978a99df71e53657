package io.keyrotator.ports;

/**
 * A rotation step cannot go on. The message says what was expected, what was found and what to do;
 * it never contains a secret access key. Every credential that worked before still works.
 */
public class RotationFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RotationFailure(String message) {
    super(message);
  }

  public RotationFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
