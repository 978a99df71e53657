package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.InvalidConfigException;
import java.util.Arrays;
import java.util.List;

/** The problem lines a configuration is refused with, for tests that assert them exactly. */
final class ConfigProblems {
  static final String BASE =
      "\"environments\": [{\"account\": \"123456789012\", \"region\": \"eu-west-1\"}],"
          + " \"users\": [{\"name\": \"app\"}]";

  private ConfigProblems() {}

  /** The lines of the refusal of {@code {BASE, extra}}, without the " - " bullets. */
  static List<String> of(String extra) {
    InvalidConfigException refused =
        catchThrowableOfType(
            InvalidConfigException.class,
            () -> ConfigLoader.fromContext("{" + BASE + ", " + extra + "}"));
    if (refused == null) {
      return List.of();
    }
    return Arrays.stream(refused.getMessage().split("\n"))
        .filter(line -> line.startsWith("  - "))
        .map(line -> line.substring(4))
        .toList();
  }
}
