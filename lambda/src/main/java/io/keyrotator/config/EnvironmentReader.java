package io.keyrotator.config;

import io.keyrotator.config.Settings.ManagedTag;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads typed values from environment variables with defaults and ranges. Collects every problem
 * before failing, so that one deploy shows all bad variables at once.
 */
final class EnvironmentReader {

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  EnvironmentReader(Map<String, String> env) {
    this.env = env;
  }

  private Optional<String> raw(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim);
  }

  String text(String name, String fallback) {
    return raw(name).filter(v -> !v.isEmpty()).orElse(fallback);
  }

  String pathPrefix(String name, String fallback) {
    String value = raw(name).orElse(fallback);
    if (!value.isEmpty() && !(value.startsWith("/") && value.endsWith("/"))) {
      problems.add(
          name + "=\"" + value + "\": an IAM path prefix starts and ends with \"/\", e.g. /keyrotator/");
    }
    return value;
  }

  Optional<ManagedTag> tag(String name, String fallback) {
    String value = raw(name).orElse(fallback);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    int eq = value.indexOf('=');
    if (eq <= 0 || eq == value.length() - 1) {
      problems.add(name + "=\"" + value + "\": expected key=value, e.g. keyrotator:managed=true");
      return Optional.empty();
    }
    return Optional.of(new ManagedTag(value.substring(0, eq), value.substring(eq + 1)));
  }

  <T> T choice(String name, T fallback, Function<String, T> parser) {
    Optional<String> value = raw(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return parser.apply(value.get());
    } catch (IllegalArgumentException e) {
      problems.add(name + "=\"" + value.get() + "\": " + e.getMessage());
      return fallback;
    }
  }

  int number(String name, int fallback, int min, int max) {
    Optional<String> value = raw(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (parsed < min || parsed > max) {
        problems.add(name + "=" + parsed + ": expected a whole number from " + min + " to " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(
          name + "=\"" + value.get() + "\": expected a whole number from " + min + " to " + max);
      return fallback;
    }
  }

  boolean bool(String name, boolean fallback) {
    Optional<String> value = raw(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return fallback;
    }
    switch (value.get().toLowerCase(Locale.ROOT)) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        problems.add(name + "=\"" + value.get() + "\": expected true or false");
        return fallback;
    }
  }

  void failOnProblems() {
    failOnProblems("docs/rotation.md");
  }

  /** Fails naming every problem and the page that documents the variables. */
  void failOnProblems(String documentation) {
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems, documentation);
    }
  }

  void problem(String message) {
    problems.add(message);
  }
}
