package io.keyrotator.infra.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.deser.ValueInstantiator;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads the configuration's JSON into {@link ConfigJson} with Jackson databind, without stopping at
 * the first mistake: a field of the wrong shape, an unknown field or a value that is not one of the
 * choices adds one line to {@link Problems} (with the field's path, what was expected and what was
 * found) and is read as absent, so the rules that follow still see every other field.
 */
final class ConfigReader {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().addModule(StrictValues.module()).addHandler(new ShapeProblems()).build();

  private ConfigReader() {}

  /** Parses JSON text. */
  static JsonNode tree(String json) throws IOException {
    return MAPPER.readTree(json);
  }

  /** Converts a context value as the CDK hands it over (maps, lists, strings, numbers). */
  static JsonNode tree(Object contextValue) {
    return MAPPER.valueToTree(contextValue);
  }

  /**
   * Binds a JSON object; every field that cannot be bound is reported to {@code problems} and left
   * {@code null}.
   */
  static ConfigJson bind(JsonNode root, Problems problems) {
    unknownFields(root, ConfigJson.class, "", problems);
    try {
      return MAPPER
          .readerFor(ConfigJson.class)
          .withAttribute(Problems.class, problems)
          .readValue(root);
    } catch (IOException e) {
      // ShapeProblems answers every mismatch Jackson reports; this is the safety net.
      problems.add("keyrotator", "cannot be read: " + e.getMessage());
      return null;
    }
  }

  /**
   * Reports every field of {@code node} that {@code type} does not have, at any depth, with the
   * names it does have.
   */
  private static void unknownFields(JsonNode node, Type type, String path, Problems problems) {
    // WholeNumber keeps any value as written; its rule reports what it found.
    if (type instanceof Class<?> record
        && record.isRecord()
        && record != ConfigJson.WholeNumber.class
        && node.isObject()) {
      List<String> known =
          Arrays.stream(record.getRecordComponents()).map(RecordComponent::getName).toList();
      node.properties()
          .forEach(
              field -> {
                String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                int index = known.indexOf(field.getKey());
                if (index < 0) {
                  problems.add(
                      fieldPath,
                      "unknown field; expected one of " + known.stream().sorted().toList());
                } else {
                  Type fieldType = record.getRecordComponents()[index].getGenericType();
                  unknownFields(field.getValue(), fieldType, fieldPath, problems);
                }
              });
    } else if (type instanceof ParameterizedType list
        && List.class.equals(list.getRawType())
        && node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        unknownFields(
            node.get(i), list.getActualTypeArguments()[0], path + "[" + i + "]", problems);
      }
    }
  }

  /** Reports {@code path: message} for the value the parser is on. */
  static void report(DeserializationContext context, JsonParser parser, String message) {
    ((Problems) context.getAttribute(Problems.class)).add(path(parser), message);
  }

  /**
   * Reports that the value the parser is on has the wrong shape, and consumes it (an object or a
   * list whole) so that reading goes on with the next field.
   */
  static void reportMismatch(DeserializationContext context, JsonParser parser, String expected)
      throws IOException {
    String path = path(parser);
    JsonNode found = context.readTree(parser);
    ((Problems) context.getAttribute(Problems.class))
        .add(path, "expected " + expected + ", found " + found);
  }

  /** {@code users[1].readers[0]}: the path of the value the parser is on. */
  static String path(JsonParser parser) {
    return path(valueContext(parser));
  }

  private static String path(JsonStreamContext context) {
    List<Object> steps = steps(context);
    StringBuilder path = new StringBuilder();
    for (Object step : steps) {
      if (step instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".").append(step);
      }
    }
    return path.isEmpty() ? "keyrotator" : path.toString();
  }

  private static List<Object> steps(JsonParser parser) {
    return steps(valueContext(parser));
  }

  /**
   * The context that names the value the parser is on: on the token that opens a list or an object,
   * the parser is already inside it (and where a list keeps its index differs between parsers), so
   * it is the context holding that value.
   */
  private static JsonStreamContext valueContext(JsonParser parser) {
    JsonStreamContext context = parser.getParsingContext();
    return parser.hasToken(JsonToken.START_ARRAY) || parser.hasToken(JsonToken.START_OBJECT)
        ? context.getParent()
        : context;
  }

  private static List<Object> steps(JsonStreamContext context) {
    List<Object> steps = new ArrayList<>();
    for (JsonPointer pointer = context.pathAsPointer();
        !pointer.matches();
        pointer = pointer.tail()) {
      int index = pointer.getMatchingIndex();
      steps.add(index >= 0 ? (Object) index : pointer.getMatchingProperty());
    }
    return steps;
  }

  /**
   * What the field at the parser's path holds: its {@link JsonPropertyDescription} in {@link
   * ConfigJson} if it has one, else the shape of {@code type}.
   */
  private static String expectation(JsonParser parser, Class<?> type) {
    Type current = ConfigJson.class;
    String description = null;
    for (Object step : steps(parser)) {
      description = null;
      if (step instanceof Integer && current instanceof ParameterizedType list) {
        current = list.getActualTypeArguments()[0];
      } else if (current instanceof Class<?> record && record.isRecord()) {
        RecordComponent component =
            Arrays.stream(record.getRecordComponents())
                .filter(c -> c.getName().equals(step))
                .findFirst()
                .orElse(null);
        if (component == null) {
          break;
        }
        current = component.getGenericType();
        JsonPropertyDescription described =
            component.getAccessor().getAnnotation(JsonPropertyDescription.class);
        description = described == null ? null : described.value();
      } else {
        break;
      }
    }
    if (description != null) {
      return description;
    }
    if (type.isRecord()) {
      return "an object "
          + Arrays.stream(type.getRecordComponents())
              .map(c -> "\"" + c.getName() + "\"")
              .collect(Collectors.joining(", ", "{", "}"));
    }
    return Collection.class.isAssignableFrom(type) ? "a list" : "a " + type.getSimpleName();
  }

  /** Turns Jackson's complaints into problem lines, and reading goes on. */
  private static final class ShapeProblems extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext context,
        JsonParser parser,
        JsonDeserializer<?> deserializer,
        Object bean,
        String name)
        throws IOException {
      // Reported by unknownFields: here the parser reads a copy of the field, without its path.
      parser.skipChildren();
      return true;
    }

    @Override
    public Object handleUnexpectedToken(
        DeserializationContext context,
        JavaType type,
        JsonToken token,
        JsonParser parser,
        String message)
        throws IOException {
      reportMismatch(context, parser, expectation(parser, type.getRawClass()));
      return null;
    }

    @Override
    public Object handleMissingInstantiator(
        DeserializationContext context,
        Class<?> type,
        ValueInstantiator instantiator,
        JsonParser parser,
        String message)
        throws IOException {
      reportMismatch(context, parser, expectation(parser, type));
      return null;
    }
  }
}
