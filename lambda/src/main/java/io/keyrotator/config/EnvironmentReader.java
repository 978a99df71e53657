package io.keyrotator.config;

import io.keyrotator.contract.Choices;
import io.keyrotator.contract.WholeNumberSetting;
import java.time.Duration;
import java.time.temporal.TemporalUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads typed values from environment variables with defaults and ranges. Collects every problem
 * before failing, so that one deploy shows all bad variables at once.
 */
final class EnvironmentReader {
  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");

  private final Map<String, String> env;
  private final List<String> problems = new ArrayList<>();

  private EnvironmentReader(Map<String, String> env) {
    this.env = env;
  }

  /**
   * The one way settings are read: {@code settings} reads its values (and checks how they go
   * together) from a reader over {@code env}; then every problem it found fails at once.
   *
   * @param documentation the page that documents the variables, named in the failure
   * @throws InvalidSettingsException naming every variable that has a bad value
   */
  static <T> T read(
      Map<String, String> env, String documentation, Function<EnvironmentReader, T> settings) {
    EnvironmentReader reader = new EnvironmentReader(env);
    T read = settings.apply(reader);
    if (!reader.problems.isEmpty()) {
      throw new InvalidSettingsException(reader.problems, documentation);
    }
    return read;
  }

  private Optional<String> raw(String name) {
    return Optional.ofNullable(env.get(name)).map(String::trim);
  }

  String text(String name, String fallback) {
    return raw(name).filter(v -> !v.isEmpty()).orElse(fallback);
  }

  /**
   * An IAM path prefix such as {@code /keyrotator/}. A prefix that every user matches ({@code /},
   * or any spelling of it) is refused: it would be no scope at all.
   */
  String pathPrefix(String name, String fallback) {
    String value = raw(name).orElse(fallback);
    if (value.isEmpty()) {
      return value;
    }
    if (!(value.startsWith("/") && value.endsWith("/"))
        || value.contains("*")
        || value.contains("?")
        || value.contains(" ")) {
      problems.add(
          name
              + "=\""
              + value
              + "\": an IAM path prefix starts and ends with \"/\" and has no"
              + " wildcards or spaces, e.g. /keyrotator/");
    } else if (value.replace("/", "").isEmpty()) {
      problems.add(
          name
              + "=\""
              + value
              + "\" matches every IAM user: that is no scope at all. Use a"
              + " narrower path such as /keyrotator/, or list the users in KEYROTATOR_MANAGED_USERS.");
    }
    return value;
  }

  /** Comma-separated IAM user names, lower-cased; wildcards and invalid names are refused. */
  Set<String> userNames(String name) {
    Set<String> names = new TreeSet<>();
    for (String each : raw(name).orElse("").split(",")) {
      String user = each.trim();
      if (user.isEmpty()) {
        continue;
      }
      if (!USER_NAME.matcher(user).matches()) {
        problems.add(
            name
                + ": \""
                + user
                + "\" is not an IAM user name (letters, digits and +=,.@_-,"
                + " at most 64; no wildcards)");
      } else if (!names.add(user.toLowerCase(Locale.ROOT))) {
        problems.add(
            name
                + ": \""
                + user
                + "\" is listed twice (IAM user names are unique regardless"
                + " of case)");
      }
    }
    return names;
  }

  /** A value with no default; empty when unset or blank. Spaces and wildcards are refused. */
  Optional<String> optionalText(String name) {
    Optional<String> value = raw(name).filter(v -> !v.isEmpty());
    if (value.filter(v -> v.contains(" ") || v.contains("*")).isPresent()) {
      problems.add(
          name
              + "=\""
              + value.get()
              + "\": expected a secret ARN or name, with no spaces or wildcards");
      return Optional.empty();
    }
    return value;
  }

  /** Refuses a variable that is no longer supported when it is set to anything. */
  void retired(String name, String why) {
    raw(name)
        .filter(v -> !v.isEmpty())
        .ifPresent(v -> problems.add(name + " is no longer supported: " + why));
  }

  /** One of an enum's values, spelled as configuration spells it ({@link Choices}). */
  <E extends Enum<E>> E choice(String name, E fallback) {
    Optional<String> value = raw(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Choices.parse(fallback.getDeclaringClass(), value.get());
    } catch (IllegalArgumentException e) {
      problems.add(name + "=\"" + value.get() + "\": " + e.getMessage());
      return fallback;
    }
  }

  /** The setting's value, or its default when unset; out of range or not a number is a problem. */
  int number(WholeNumberSetting setting) {
    String name = setting.variable();
    Optional<String> value = raw(name).filter(v -> !v.isEmpty());
    if (value.isEmpty()) {
      return setting.defaultValue();
    }
    try {
      int parsed = Integer.parseInt(value.get());
      if (!setting.allows(parsed)) {
        problems.add(name + "=" + parsed + ": " + setting.expectation());
      }
      return parsed;
    } catch (NumberFormatException e) {
      problems.add(name + "=\"" + value.get() + "\": " + setting.expectation());
      return setting.defaultValue();
    }
  }

  /** The setting as a duration of {@code unit}s; its default and range are in those units. */
  Duration duration(WholeNumberSetting setting, TemporalUnit unit) {
    return Duration.of(number(setting), unit);
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

  void problem(String message) {
    problems.add(message);
  }
}
