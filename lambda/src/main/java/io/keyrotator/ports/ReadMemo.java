package io.keyrotator.ports;

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

  /** Forgets everything, then writes: a read after a change always goes to AWS. */
  void write(Runnable write) {
    reads.clear();
    write.run();
  }

  /**
   * As {@link #write(Runnable)}, but keeps the read remembered under {@code kept}: for a write that
   * cannot change what that read returned.
   */
  void writeKeeping(List<Object> kept, Runnable write) {
    reads.keySet().removeIf(key -> !key.equals(kept));
    write.run();
  }

  /** As {@link #write(Runnable)}, for a write that returns what it made. */
  <T> T write(Supplier<T> write) {
    reads.clear();
    return write.get();
  }
}
