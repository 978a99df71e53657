package io.keyrotator.infra.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Loads the keyrotator configuration: {@link ConfigText} checks the text of a file or context
 * string (syntax, fields written twice), {@link ConfigReader} binds the JSON (reporting fields of
 * the wrong shape and unknown fields), {@link ConfigRules} checks each section and the fields that
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
    if (contextValue instanceof String text) {
      return fromText(text, CONFIG_CONTEXT);
    }
    JsonNode root;
    try {
      root = ConfigReader.tree(contextValue);
    } catch (IllegalArgumentException e) {
      throw new InvalidConfigException(
          List.of(
              "keyrotator: cannot be read as JSON: "
                  + e.getMessage().lines().findFirst().orElse("")));
    }
    return validate(root, new Problems());
  }

  /**
   * Loads the configuration from a JSON file (UTF-8, with or without a byte-order mark).
   *
   * @throws InvalidConfigException if the file cannot be read, naming every bad field otherwise
   */
  public static KeyrotatorConfig fromFile(Path file) {
    String name = file.toString();
    if (name.isBlank()) {
      throw new InvalidConfigException(
          List.of(
              CONFIG_FILE_CONTEXT
                  + ": empty; expected the path of a JSON file, e.g. -c "
                  + CONFIG_FILE_CONTEXT
                  + "=keyrotator.json, or leave it out to use the \"keyrotator\" context"));
    }
    if (Files.isDirectory(file)) {
      throw new InvalidConfigException(List.of(cannotRead(file, "it is a directory")));
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException(List.of(cannotRead(file, "no such file")));
    } catch (AccessDeniedException e) {
      throw new InvalidConfigException(List.of(cannotRead(file, "permission denied")));
    } catch (CharacterCodingException e) {
      throw new InvalidConfigException(
          List.of(cannotRead(file, "it is not UTF-8 text; save it as UTF-8")));
    } catch (IOException e) {
      throw new InvalidConfigException(
          List.of(cannotRead(file, e.getClass().getSimpleName() + " " + e.getMessage())));
    }
    return fromText(text, name);
  }

  /**
   * Validates an already parsed configuration.
   *
   * @throws InvalidConfigException naming every bad field
   */
  public static KeyrotatorConfig fromJson(JsonNode root) {
    return validate(root, new Problems());
  }

  /** Checks JSON text, then its content: every problem of both is one line. */
  private static KeyrotatorConfig fromText(String text, String source) {
    String json = ConfigText.withoutByteOrderMark(text);
    Problems problems = new Problems();
    if (!ConfigText.check(json, source, problems)) {
      problems.throwIfAny();
    }
    JsonNode root;
    try {
      root = ConfigReader.tree(json);
    } catch (IOException e) {
      // ConfigText has already refused any text Jackson cannot read; this is the safety net.
      throw new InvalidConfigException(List.of(source + ": not valid JSON"));
    }
    return validate(root, problems);
  }

  private static KeyrotatorConfig validate(JsonNode root, Problems problems) {
    if (root == null || !root.isObject()) {
      String found = String.valueOf(root);
      problems.add(
          CONFIG_CONTEXT,
          "expected a JSON object such as {\"environments\": [...], \"users\": [...]}, found "
              + (found.length() > 60 ? found.substring(0, 60) + "..." : found));
      problems.throwIfAny();
    }
    KeyrotatorConfig config = new ConfigRules(problems).apply(ConfigReader.bind(root, problems));
    problems.throwIfAny();
    return config;
  }

  private static String cannotRead(Path file, String why) {
    return CONFIG_FILE_CONTEXT
        + ": cannot read "
        + file
        + (file.isAbsolute() ? "" : " (" + file.toAbsolutePath() + ")")
        + ": "
        + why
        + "; expected a JSON file, e.g. -c "
        + CONFIG_FILE_CONTEXT
        + "=keyrotator.json";
  }
}
