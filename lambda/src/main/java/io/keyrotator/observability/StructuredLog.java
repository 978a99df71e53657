package io.keyrotator.observability;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.ports.KeyIds;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Writes one JSON object per line: timestamp, level, message and context fields. CloudWatch Logs
 * Insights reads the fields without parsing rules. Callers pass key ids through {@link KeyIds} and
 * never pass a secret access key.
 */
public final class StructuredLog {
  private final Consumer<String> sink;
  private final Clock clock;
  private final Map<String, Object> context;

  private StructuredLog(Consumer<String> sink, Clock clock, Map<String, Object> context) {
    this.sink = sink;
    this.clock = clock;
    this.context = context;
  }

  /** A log that writes lines to the sink, e.g. {@code System.out::println}. */
  public static StructuredLog to(Consumer<String> sink, Clock clock) {
    return new StructuredLog(sink, clock, Map.of());
  }

  /** A log to standard output, which Lambda sends to CloudWatch Logs. */
  public static StructuredLog toStandardOut() {
    PrintStream out = System.out;
    return to(out::println, Clock.systemUTC());
  }

  /** The same log with one more context field on every line. */
  public StructuredLog with(String key, Object value) {
    Map<String, Object> more = new LinkedHashMap<>(context);
    more.put(key, value);
    return new StructuredLog(sink, clock, more);
  }

  public void info(String message, Map<String, ?> fields) {
    write("INFO", message, fields);
  }

  public void warn(String message, Map<String, ?> fields) {
    write("WARN", message, fields);
  }

  public void error(String message, Map<String, ?> fields) {
    write("ERROR", message, fields);
  }

  /** Writes a line that is already a complete JSON document, e.g. embedded metrics. */
  public void raw(Map<String, ?> document) {
    sink.accept(json(document));
  }

  private void write(String level, String message, Map<String, ?> fields) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("timestamp", clock.instant().toString());
    line.put("level", level);
    line.put("message", message);
    line.putAll(context);
    line.putAll(fields);
    sink.accept(json(line));
  }

  private static String json(Map<String, ?> document) {
    try {
      return JSON.std.asString(document);
    } catch (IOException e) {
      return "{\"level\":\"ERROR\",\"message\":\"log line could not be written as JSON\"}";
    }
  }
}
