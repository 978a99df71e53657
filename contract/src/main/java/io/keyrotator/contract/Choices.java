package io.keyrotator.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The spelling of the settings' enums ({@link PreviousKeyPolicy}, {@link KeyLimitPolicy}, {@link
 * RetryMode}) in configuration: lower case, any case accepted when read.
 */
public final class Choices {
  private Choices() {}

  /**
   * Parses a configured value, e.g. {@code deactivate} or {@code DEACTIVATE}.
   *
   * @throws IllegalArgumentException "expected keep, deactivate or delete": the choices, spelled
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String value) {
    try {
      return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected " + spelled(type));
    }
  }

  /** "keep, deactivate or delete": the choices as configuration spells them. */
  public static <E extends Enum<E>> String spelled(Class<E> type) {
    String[] names =
        Arrays.stream(type.getEnumConstants())
            .map(e -> e.name().toLowerCase(Locale.ROOT))
            .toArray(String[]::new);
    String head = Arrays.stream(names, 0, names.length - 1).collect(Collectors.joining(", "));
    return names.length == 1 ? names[0] : head + " or " + names[names.length - 1];
  }
}
