package io.keyrotator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * Reads the access key an operator hands over to {@code keyrotator enroll}, in the forms AWS gives
 * it out:
 *
 * <ul>
 *   <li>the JSON of {@code aws iam create-access-key}: {@code {"AccessKey": {"AccessKeyId": ...,
 *       "SecretAccessKey": ...}}};
 *   <li>a JSON object with {@code AccessKeyId} and {@code SecretAccessKey} at the top, such as the
 *       secret's own value or {@code keyrotator credentials}' output;
 *   <li>the IAM console's {@code .csv} download: a header line {@code Access key ID,Secret access
 *       key}, then the two values.
 * </ul>
 *
 * <p>Error messages never repeat the input: it holds a secret access key.
 */
final class HandedOverKey {
  // IAM's own limits: key ids of 16 to 128 word characters; secrets are base64-like, 40 today.
  private static final Pattern KEY_ID = Pattern.compile("\\w{16,128}");
  private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9/+=]{16,128}");

  private HandedOverKey() {}

  /**
   * @param text the whole input
   * @param from where it came from, named in errors ("standard input", a file name)
   * @throws CliException (usage) when the text is none of the forms above
   */
  static AwsBasicCredentials parse(String text, String from) {
    // The console's .csv starts with a UTF-8 byte-order mark.
    String trimmed = text.replaceFirst("^\uFEFF", "").strip();
    if (trimmed.startsWith("{")) {
      return fromJson(trimmed, from);
    }
    List<String> lines = trimmed.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    if (lines.size() == 2 && lines.get(0).toLowerCase(Locale.ROOT).startsWith("access key id")) {
      String[] values = lines.get(1).split(",", -1);
      if (values.length >= 2) {
        return checked(values[0].strip(), values[1].strip(), from);
      }
    }
    throw unreadable(from);
  }

  private static AwsBasicCredentials fromJson(String json, String from) {
    Map<String, Object> fields;
    try {
      fields = JSON.std.mapFrom(json);
    } catch (IOException | RuntimeException e) {
      // The parser's message may quote the input.
      throw unreadable(from);
    }
    if (fields != null && fields.get("AccessKey") instanceof Map<?, ?> created) {
      return checked(created.get("AccessKeyId"), created.get("SecretAccessKey"), from);
    }
    if (fields == null) {
      throw unreadable(from);
    }
    return checked(fields.get("AccessKeyId"), fields.get("SecretAccessKey"), from);
  }

  private static AwsBasicCredentials checked(Object id, Object secret, String from) {
    if (!(id instanceof String keyId) || !KEY_ID.matcher(keyId).matches()) {
      throw invalid(from, "AccessKeyId (16 to 128 letters and digits, e.g. AKIA...)");
    }
    if (!(secret instanceof String secretKey) || !SECRET.matcher(secretKey).matches()) {
      throw invalid(from, "SecretAccessKey (40 characters as IAM gives them)");
    }
    return AwsBasicCredentials.create(keyId, secretKey);
  }

  private static CliException invalid(String from, String part) {
    return new CliException(
        ExitCodes.USAGE,
        "the key from "
            + from
            + " has no valid "
            + part
            + ": hand over the whole key as IAM gave it.");
  }

  private static CliException unreadable(String from) {
    return new CliException(
        ExitCodes.USAGE,
        "cannot read an access key from "
            + from
            + ": expected the JSON of `aws iam create-access-key`, a JSON object with AccessKeyId"
            + " and SecretAccessKey, or the IAM console's .csv file.");
  }
}
