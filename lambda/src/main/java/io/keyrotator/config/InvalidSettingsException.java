package io.keyrotator.config;

import java.util.List;

/** The function's environment variables hold values it cannot run with. */
public final class InvalidSettingsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvalidSettingsException(List<String> problems, String documentation) {
    super(
        "keyrotator cannot start: fix these environment variables (see "
            + documentation
            + "): "
            + String.join("; ", problems));
  }
}
