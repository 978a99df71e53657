package io.keyrotator.ports;

/**
 * A rotation step cannot go on. The message says what was expected, what was found and what to do;
 * it never contains a secret access key. Every credential that worked before still works. Thrown
 * out of the handler, it makes Secrets Manager record the rotation as failed ({@code
 * RotationFailed}), whether the step refused to act or acted and could not finish.
 */
public class RotationFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RotationFailedException(String message) {
    super(message);
  }

  public RotationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
