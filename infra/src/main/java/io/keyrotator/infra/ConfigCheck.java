package io.keyrotator.infra;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.InvalidConfigException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks the keyrotator configuration the way {@link KeyrotatorApp} loads it, without the CDK and
 * without the functions' jar: cdk.json's app command runs it first, so a configuration mistake is
 * reported in seconds rather than after the jar is packaged. Prints nothing and exits 0 when the
 * configuration is valid; otherwise prints one line per problem to standard error and exits 2.
 */
public final class ConfigCheck {
  private ConfigCheck() {}

  /**
   * Runs the check on the CDK context ({@link CdkContext#read()}).
   *
   * @param args none
   */
  public static void main(String[] args) {
    int status;
    try {
      if (CdkContext.fromCli()) {
        // The CLI has already parsed cdk.json, keeping the last of a key written twice: read it
        // again only to refuse that.
        CdkContext.cdkJson(Path.of("cdk.json"));
      }
      status = check(CdkContext.read(), System.err);
    } catch (IOException e) {
      System.err.println(
          "Cannot read the CDK context (cdk.json or CDK_CONTEXT_JSON): " + oneLine(e));
      status = 2;
    }
    System.exit(status);
  }

  /** What went wrong reading the context, in one line (Jackson's own message spans several). */
  static String oneLine(IOException e) {
    if (e instanceof JsonProcessingException json && json.getLocation() != null) {
      return "line "
          + json.getLocation().getLineNr()
          + ", column "
          + json.getLocation().getColumnNr()
          + ": "
          + json.getOriginalMessage().replaceAll("\\s+", " ");
    }
    return e.getClass().getSimpleName() + " " + e.getMessage();
  }

  /**
   * Checks the configuration in {@code context}.
   *
   * @return 0 if it is valid; 2 after printing every problem to {@code err}
   */
  static int check(Map<String, Object> context, PrintStream err) {
    try {
      ConfigLoader.fromCdkContext(context::get);
      return 0;
    } catch (InvalidConfigException e) {
      err.println(e.getMessage());
      return 2;
    }
  }
}
