package io.keyrotator.rotation;

/** The rotation event itself is malformed: nothing was read or changed. */
public final class InvalidRequestException extends RotationFailure {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
