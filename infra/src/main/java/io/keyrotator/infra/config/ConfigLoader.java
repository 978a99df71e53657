package io.keyrotator.infra.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Loads the keyrotator configuration: {@link ConfigReader} binds the JSON (reporting fields of the
 * wrong shape and unknown fields), {@link ConfigRules} checks each section and the fields that
 * depend on each other, {@link ScheduleRules} the schedules. Every problem found is reported at
 * once, one line per field (e.g. {@code users[1].name}), so one run shows everything to fix.
 *
 * <p>Defaults: the functions' settings take the contract's ({@link
 * io.keyrotator.contract.FunctionSettings}); the rest are in {@link KeyrotatorConfig}. Both are
 * listed in docs/deploy.md. {@code environments} and {@code users} have no default.
 */
public final class ConfigLoader {
  /** Context key holding the configuration object. */
  public static final String CONFIG_CONTEXT = "keyrotator";

  /** Context key naming a JSON configuration file instead. */
  public static final String CONFIG_FILE_CONTEXT = "keyrotator:configFile";

  private ConfigLoader() {}

  /**
   * Loads the configuration from CDK context: the file named by {@value #CONFIG_FILE_CONTEXT} if
   * set, else the object under {@value #CONFIG_CONTEXT}.
   *
   * @param context looks a context key up; null if it is not set
   * @throws InvalidConfigException naming every bad field
   */
  public static KeyrotatorConfig fromCdkContext(Function<String, Object> context) {
    Object file = context.apply(CONFIG_FILE_CONTEXT);
    if (file != null) {
      return fromFile(Path.of(file.toString()));
    }
    return fromContext(context.apply(CONFIG_CONTEXT));
  }

  /**
   * Loads the configuration from a CDK context value (an object from cdk.json, or a JSON string
   * from {@code -c keyrotator=...}).
   *
   * @throws InvalidConfigException naming every bad field
   */
  public static KeyrotatorConfig fromContext(Object contextValue) {
    if (contextValue == null) {
      throw new InvalidConfigException(
          List.of(
              "keyrotator: missing. Add a \"keyrotator\" object to the context in cdk.json, or"
                  + " name a JSON file with -c keyrotator:configFile=PATH"));
    }
    JsonNode root;
    try {
      root =
          contextValue instanceof String text
              ? ConfigReader.tree(text)
              : ConfigReader.tree(contextValue);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidConfigException(List.of("keyrotator: not valid JSON: " + e.getMessage()));
    }
    return fromJson(root);
  }

  /**
   * Loads the configuration from a JSON file.
   *
   * @throws InvalidConfigException if the file cannot be read, naming every bad field otherwise
   */
  public static KeyrotatorConfig fromFile(Path file) {
    JsonNode root;
    try {
      root = ConfigReader.tree(Files.readString(file));
    } catch (IOException e) {
      throw new InvalidConfigException(
          List.of("keyrotator:configFile: cannot read " + file + ": " + e.getMessage()));
    }
    return fromJson(root);
  }

  /**
   * Validates an already parsed configuration.
   *
   * @throws InvalidConfigException naming every bad field
   */
  public static KeyrotatorConfig fromJson(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidConfigException(List.of("keyrotator: expected a JSON object"));
    }
    Problems problems = new Problems();
    KeyrotatorConfig config = new ConfigRules(problems).apply(ConfigReader.bind(root, problems));
    problems.throwIfAny();
    return config;
  }
}
