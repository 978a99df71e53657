package io.keyrotator.hygiene;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Remembers the result of each read by its arguments until told to forget. Not thread-safe. */
final class ReadMemo {
  private final Map<List<Object>, Object> reads = new HashMap<>();

  /** The remembered result for {@code key}, or the result of {@code read}, remembered. */
  @SuppressWarnings("unchecked")
  <T> T once(List<Object> key, Supplier<T> read) {
    if (!reads.containsKey(key)) {
      reads.put(key, read.get());
    }
    return (T) reads.get(key);
  }

  /** Forgets everything: called on every write. */
  void forget() {
    reads.clear();
  }
}
