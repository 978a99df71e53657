package io.keyrotator.rotation;

import io.keyrotator.ports.RotationFailedException;

/** The rotation event itself is malformed: nothing was read or changed. */
public final class InvalidRequestException extends RotationFailedException {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String message) {
    super(message);
  }
}
