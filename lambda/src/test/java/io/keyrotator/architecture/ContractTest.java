package io.keyrotator.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionHandlers;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract module names real things of the function: handlers that exist, variables it reads.
 */
class ContractTest {
  @ParameterizedTest
  @ValueSource(strings = {FunctionHandlers.ROTATION, FunctionHandlers.HYGIENE})
  void everyHandlerTheCdkAppConfiguresExists(String handler) throws Exception {
    String[] parts = handler.split("::");
    Class<?> type = Class.forName(parts[0]);
    assertThat(type.getMethod(parts[1], InputStream.class, OutputStream.class, Context.class))
        .isNotNull();
  }

  @Test
  void everyVariableOfTheContractIsReadByTheFunctionAndNoOtherOne() {
    Set<String> read = new TreeSet<>();
    // An empty environment that notes every variable the settings look up.
    Map<String, String> environment =
        new HashMap<>() {
          @Override
          public String get(Object variable) {
            read.add((String) variable);
            return super.get(variable);
          }
        };
    Settings.from(environment);
    HygieneSettings.from(environment);
    AuditSettings.from(environment);
    assertThat(read).containsExactlyInAnyOrderElementsOf(constants(FunctionEnvironment.class));
  }

  private static Set<String> constants(Class<?> type) {
    Set<String> values = new TreeSet<>();
    for (Field field : type.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && Modifier.isPublic(field.getModifiers())) {
        try {
          String value = (String) field.get(null);
          if (value.startsWith("KEYROTATOR_") || value.equals("AWS_REGION")) {
            values.add(value);
          }
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return values;
  }
}
