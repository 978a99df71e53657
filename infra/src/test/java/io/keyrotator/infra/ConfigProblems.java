package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.InvalidConfigException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** The problem lines a configuration is refused with, for tests that assert them exactly. */
final class ConfigProblems {
  static final String BASE =
      "\"environments\": [{\"account\": \"123456789012\", \"region\": \"eu-west-1\"}],"
          + " \"users\": [{\"name\": \"app\"}]";

  private ConfigProblems() {}

  /** The lines of the refusal of {@code {BASE, extra}}, without the " - " bullets. */
  static List<String> of(String extra) {
    return ofText("{" + BASE + ", " + extra + "}");
  }

  /** The lines of the refusal of the context string {@code json}. */
  static List<String> ofText(String json) {
    return lines(() -> ConfigLoader.fromContext(json));
  }

  /** The lines of the refusal of the configuration file {@code file}. */
  static List<String> ofFile(Path file) {
    return lines(() -> ConfigLoader.fromFile(file));
  }

  private static List<String> lines(ThrowingCallable load) {
    InvalidConfigException refused = catchThrowableOfType(InvalidConfigException.class, load);
    if (refused == null) {
      return List.of();
    }
    return Arrays.stream(refused.getMessage().split("\n"))
        .filter(line -> line.startsWith("  - "))
        .map(line -> line.substring(4))
        .toList();
  }
}
