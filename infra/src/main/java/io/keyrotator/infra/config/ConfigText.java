package io.keyrotator.infra.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks configuration text (a file, or a JSON string given as context) before it is bound: what
 * Jackson's tree reader would let through or report in several lines becomes one line in {@link
 * Problems}. A field listed twice in one object is refused (Jackson would keep the last one
 * silently), as is anything after the top-level value; a syntax error names the line and column; a
 * UTF-8 byte-order mark, as some editors write, is accepted.
 */
final class ConfigText {
  private static final char BYTE_ORDER_MARK = '\uFEFF';
  // How Jackson names a place inside its messages: "[Source: ...; line: 1, column: 11]".
  private static final Pattern SOURCE =
      Pattern.compile("\\[Source: [^\\]]*?line: (\\d+), column: (\\d+)\\]");

  private ConfigText() {}

  /** The text without a leading byte-order mark. */
  static String withoutByteOrderMark(String text) {
    return !text.isEmpty() && text.charAt(0) == BYTE_ORDER_MARK ? text.substring(1) : text;
  }

  /**
   * Reports every problem of the text as JSON to {@code problems}.
   *
   * @param source names the text in a problem line: the file, or {@code keyrotator}
   * @return whether the text is one JSON value that can be bound (it may still have duplicates)
   */
  static boolean check(String text, String source, Problems problems) {
    if (text.isBlank()) {
      problems.add(
          source,
          "is empty; expected a JSON object such as {\"environments\": [...], \"users\": [...]}");
      return false;
    }
    // By object (lists and objects are numbered as they open) and name: one path may name fields of
    // two objects, when a
    // list is itself written twice.
    Map<String, Field> fields = new LinkedHashMap<>();
    int opened = 0;
    Deque<Opened> open = new ArrayDeque<>();
    try (JsonParser parser = new JsonFactory().createParser(text)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        switch (token) {
          case START_OBJECT, START_ARRAY ->
              open.push(
                  new Opened(
                      ConfigReader.path(parser), parser.currentTokenLocation(), token, opened++));
          case END_OBJECT, END_ARRAY -> open.pop();
          case FIELD_NAME ->
              fields
                  .computeIfAbsent(
                      open.peek().number() + "/" + parser.currentName(),
                      f -> new Field(ConfigReader.path(parser), new ArrayList<>()))
                  .places()
                  .add(parser.currentTokenLocation());
          default -> {}
        }
        if (open.isEmpty()) {
          break;
        }
      }
      JsonToken after = parser.nextToken();
      if (after != null) {
        problems.add(
            at(source, parser.currentTokenLocation()),
            "found "
                + parser.getText()
                + " after the end of the JSON value that starts the text; expected nothing more."
                + " Remove it, or move it inside the object");
        return false;
      }
    } catch (JsonEOFException e) {
      problems.add(at(source, e.getLocation()), endedEarly(e, open));
      return false;
    } catch (JsonProcessingException e) {
      problems.add(
          at(source, e.getLocation()),
          "not valid JSON: "
              + SOURCE
                  .matcher(e.getOriginalMessage())
                  .replaceAll("line $1, column $2")
                  .replaceAll("\\s+", " ")
              + ". Fix the JSON there (a missing or extra comma, quote or bracket is the usual"
              + " cause)");
      return false;
    } catch (IOException e) {
      problems.add(source, "cannot be read: " + e.getMessage());
      return false;
    }
    for (Field field : fields.values()) {
      List<JsonLocation> places = field.places();
      if (places.size() > 1) {
        problems.add(
            field.path(),
            (places.size() == 2 ? "listed twice" : "listed " + places.size() + " times")
                + " ("
                + String.join(" and ", places.stream().map(ConfigText::lineAndColumn).toList())
                + "); JSON would keep only the last one. Keep one");
      }
    }
    return true;
  }

  private static String endedEarly(JsonEOFException e, Deque<Opened> open) {
    if (e.getTokenBeingDecoded() == JsonToken.VALUE_STRING
        || e.getTokenBeingDecoded() == JsonToken.FIELD_NAME) {
      return "the text ends inside a string; expected a closing \" and the rest of the JSON."
          + " Is the file complete?";
    }
    if (open.isEmpty()) {
      return "the text ends before the JSON is complete. Is the file complete?";
    }
    Opened last = open.peek();
    boolean object = last.token() == JsonToken.START_OBJECT;
    return "the text ends before "
        + last.path()
        + " (the "
        + (object ? "object" : "list")
        + " opened at "
        + lineAndColumn(last.location())
        + ") is closed; expected "
        + open.stream()
            .map(o -> o.token() == JsonToken.START_OBJECT ? "}" : "]")
            .collect(Collectors.joining(" then "))
        + " to close what is open. Is the file complete?";
  }

  private static String at(String source, JsonLocation location) {
    return location == null ? source : source + ", " + lineAndColumn(location);
  }

  private static String lineAndColumn(JsonLocation location) {
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** A list or object not closed yet: its path, where it starts and its first token. */
  private record Opened(String path, JsonLocation location, JsonToken token, int number) {}

  /** A field of one object: its path and every place it is written. */
  private record Field(String path, List<JsonLocation> places) {}
}
