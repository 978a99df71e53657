package io.keyrotator.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parses the lower-case spelling of a setting's enum, the way configuration writes it. */
final class Choices {
  private Choices() {}

  static <E extends Enum<E>> E parse(Class<E> type, String value) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected " + spelled(type));
    }
  }

  /** "keep, deactivate or delete": the choices as configuration spells them. */
  static <E extends Enum<E>> String spelled(Class<E> type) {
    String[] names =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .toArray(String[]::new);
    String head = Arrays.stream(names, 0, names.length - 1).collect(Collectors.joining(", "));
    return names.length == 1 ? names[0] : head + " or " + names[names.length - 1];
  }
}
