package io.keyrotator.infra.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import io.keyrotator.infra.config.ConfigJson.WholeNumber;
import io.keyrotator.infra.config.KeyrotatorConfig.TrailMode;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Jackson deserializers that take a value only in its own JSON type: Jackson's own would turn
 * {@code "true"} or {@code 1} into {@code true} and {@code 5} into {@code "5"}, and a configuration
 * mistake would pass unnoticed. A value of another type is reported through {@link
 * ConfigReader#reportMismatch} and read as absent.
 */
final class StrictValues {
  private StrictValues() {}

  /** Strings (non-blank), booleans, whole numbers (as written) and the configuration's choices. */
  static Module module() {
    SimpleModule module = new SimpleModule("keyrotator-strict-values");
    module.addDeserializer(
        String.class,
        new Strict<>(
            String.class,
            "a non-empty string",
            p ->
                p.hasToken(JsonToken.VALUE_STRING) && !p.getText().isBlank() ? p.getText() : null));
    module.addDeserializer(
        Boolean.class,
        new Strict<>(
            Boolean.class,
            "true or false",
            p -> p.currentToken().isBoolean() ? p.getBooleanValue() : null));
    module.addDeserializer(WholeNumber.class, new Written());
    module.addDeserializer(PreviousKeyPolicy.class, new Choice<>(PreviousKeyPolicy.class));
    module.addDeserializer(KeyLimitPolicy.class, new Choice<>(KeyLimitPolicy.class));
    module.addDeserializer(TrailMode.class, new Choice<>(TrailMode.class));
    return module;
  }

  @FunctionalInterface
  private interface Take<T> {
    /** The value, or null if the parser is on a token of another type. */
    T from(JsonParser parser) throws IOException;
  }

  private static final class Strict<T> extends StdDeserializer<T> {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final transient Take<T> take;

    Strict(Class<T> type, String expected, Take<T> take) {
      super(type);
      this.expected = expected;
      this.take = take;
    }

    @Override
    public T deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      T value = take.from(parser);
      if (value == null) {
        ConfigReader.reportMismatch(context, parser, expected);
      }
      return value;
    }
  }

  /** Keeps a whole-number field as written; {@link ConfigRules} checks type and range together. */
  private static final class Written extends StdDeserializer<WholeNumber> {
    private static final long serialVersionUID = 1L;

    Written() {
      super(WholeNumber.class);
    }

    @Override
    public WholeNumber deserialize(JsonParser parser, DeserializationContext context)
        throws IOException {
      return new WholeNumber(context.readTree(parser));
    }
  }

  /**
   * An enum spelled as its {@code toString()}, e.g. {@code deactivate}, {@code existingLogGroup}.
   */
  private static final class Choice<E extends Enum<E>> extends StdDeserializer<E> {
    private static final long serialVersionUID = 1L;
    private final List<E> choices;

    Choice(Class<E> type) {
      super(type);
      this.choices = Arrays.asList(type.getEnumConstants());
    }

    @Override
    public E deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      if (!parser.hasToken(JsonToken.VALUE_STRING)) {
        ConfigReader.reportMismatch(context, parser, "one of " + choices);
        return null;
      }
      String text = parser.getText();
      for (E choice : choices) {
        if (choice.toString().equals(text)) {
          return choice;
        }
      }
      ConfigReader.report(context, parser, "\"" + text + "\" is not one of " + choices);
      return null;
    }
  }
}
