package io.keyrotator.infra;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The CDK context an app command sees, read without starting the CDK: what the CDK CLI hands over
 * (the file named by {@code CONTEXT_OVERFLOW_LOCATION_ENV} when the context is large, else {@code
 * CDK_CONTEXT_JSON}), or, run outside the CLI, the {@code context} object of ./cdk.json.
 */
final class CdkContext {
  // A key written twice in cdk.json would otherwise be dropped silently, the last one kept.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {};

  private CdkContext() {}

  /** Whether the app runs under the CDK CLI, which then gives it context and output directory. */
  static boolean fromCli() {
    return System.getenv("CDK_CONTEXT_JSON") != null
        || System.getenv("CONTEXT_OVERFLOW_LOCATION_ENV") != null
        || System.getenv("CDK_OUTDIR") != null;
  }

  /**
   * The context the CLI passes, else ./cdk.json's.
   *
   * @throws IOException if the file or variable holding it cannot be read as JSON
   */
  static Map<String, Object> read() throws IOException {
    String overflow = System.getenv("CONTEXT_OVERFLOW_LOCATION_ENV");
    if (overflow != null) {
      return MAPPER.readValue(withoutByteOrderMark(Files.readString(Path.of(overflow))), OBJECT);
    }
    String json = System.getenv("CDK_CONTEXT_JSON");
    if (json != null) {
      return MAPPER.readValue(json, OBJECT);
    }
    return cdkJson(Path.of("cdk.json"));
  }

  /**
   * The {@code context} object of a cdk.json; empty if there is none.
   *
   * @throws IOException if the file cannot be read as JSON
   */
  static Map<String, Object> cdkJson(Path cdkJson) throws IOException {
    if (!Files.exists(cdkJson)) {
      return Map.of();
    }
    JsonNode context =
        MAPPER.readTree(withoutByteOrderMark(Files.readString(cdkJson))).path("context");
    return context.isObject() ? MAPPER.convertValue(context, OBJECT) : Map.of();
  }

  /** The text without the byte-order mark some editors put first, which JSON parsers refuse. */
  private static String withoutByteOrderMark(String text) {
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
