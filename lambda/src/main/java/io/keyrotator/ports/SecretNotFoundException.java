package io.keyrotator.ports;

/** The secret a rotation or command names does not exist (or cannot be seen). */
public final class SecretNotFoundException extends RotationFailedException {
  private static final long serialVersionUID = 1L;

  public SecretNotFoundException(String message) {
    super(message);
  }
}
