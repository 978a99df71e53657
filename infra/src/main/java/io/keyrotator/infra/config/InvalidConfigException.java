package io.keyrotator.infra.config;

import java.util.List;

/**
 * Thrown at synth when the keyrotator configuration is wrong; the message names every bad field.
 */
public final class InvalidConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param problems one line per bad field, each starting with the field's path
   */
  public InvalidConfigException(List<String> problems) {
    super(
        "Invalid keyrotator configuration (cdk.json context \"keyrotator\" or the file named by"
            + " context \"keyrotator:configFile\"):\n  - "
            + String.join("\n  - ", problems)
            + "\nSee docs/deploy.md, section Configuration reference.");
  }
}
