package io.keyrotator.infra.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The problems found in one configuration, in the order found: one line per bad field, each
 * starting with the field's path ({@code users[1].name}), so that one run shows everything to fix.
 */
final class Problems {
  private final List<String> lines = new ArrayList<>();
  private final Set<String> fields = new HashSet<>();

  /** Adds {@code field: message}. */
  void add(String field, String message) {
    lines.add(field + ": " + message);
    fields.add(field);
  }

  /** Whether {@code field} already has a problem (say, its JSON had the wrong shape). */
  boolean has(String field) {
    return fields.contains(field);
  }

  boolean isEmpty() {
    return lines.isEmpty();
  }

  /**
   * @throws InvalidConfigException listing every problem, if there is any
   */
  void throwIfAny() {
    if (!lines.isEmpty()) {
      throw new InvalidConfigException(List.copyOf(lines));
    }
  }
}
