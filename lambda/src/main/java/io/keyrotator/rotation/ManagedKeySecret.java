package io.keyrotator.rotation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.observability.KeyIds;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.NewAccessKey;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The JSON value of a managed-key secret.
 *
 * <pre>{"UserName": "app-ci", "AccessKeyId": "AKIA...", "SecretAccessKey": "...",
 *  "CreateDate": "2026-11-23T10:00:00Z", "CreatedBy": "keyrotator"}</pre>
 *
 * <p>{@code {"UserName": "app-ci"}} alone is a bootstrap value: the first rotation creates the
 * user's first managed key. {@code CreatedBy} and {@code CreateDate} are written by this function
 * and are how it later proves it created a key (see {@link #provesCreationOf}).
 */
public final class ManagedKeySecret {
  static final String CREATED_BY_US = "keyrotator";
  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern KEY_ID = Pattern.compile("\\w{16,128}");

  private final String userName;
  private final Optional<String> accessKeyId;
  private final Optional<String> secretAccessKey;
  private final Optional<Instant> createDate;
  private final Optional<String> createdBy;

  private ManagedKeySecret(
      String userName,
      Optional<String> accessKeyId,
      Optional<String> secretAccessKey,
      Optional<Instant> createDate,
      Optional<String> createdBy) {
    this.userName = userName;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.createDate = createDate;
    this.createdBy = createdBy;
  }

  /** The value for a key this function has just created. */
  public static ManagedKeySecret createdByRotation(String userName, NewAccessKey key) {
    return new ManagedKeySecret(
        userName,
        Optional.of(key.id()),
        Optional.of(key.secret()),
        Optional.of(key.createDate()),
        Optional.of(CREATED_BY_US));
  }

  /** A bootstrap value: a user with no managed key yet. */
  public static ManagedKeySecret bootstrap(String userName) {
    return new ManagedKeySecret(
        userName, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /**
   * Parses and validates a secret value.
   *
   * @param json the secret string
   * @param where which version it came from, for the error message (e.g. "AWSCURRENT of app-ci")
   * @throws RotationFailure with what is wrong and the expected format; the message never
   *     repeats the value, which may hold a secret access key
   */
  public static ManagedKeySecret parse(String json, String where) {
    if (json == null || json.isBlank()) {
      throw invalid(where, "it is empty");
    }
    Object parsed;
    try {
      parsed = JSON.std.anyFrom(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String position =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw invalid(where, "it is not valid JSON" + position);
    } catch (IOException e) {
      throw invalid(where, "it is not valid JSON");
    }
    if (!(parsed instanceof Map<?, ?> fields)) {
      throw invalid(where, "it is not a JSON object");
    }
    String userName = text(fields, "UserName", where).orElse(null);
    if (userName == null) {
      throw invalid(where, "it has no \"UserName\"");
    }
    if (!USER_NAME.matcher(userName).matches()) {
      throw invalid(where, "\"UserName\" is not a valid IAM user name");
    }
    Optional<String> keyId = text(fields, "AccessKeyId", where);
    Optional<String> secret = text(fields, "SecretAccessKey", where);
    if (keyId.isPresent() != secret.isPresent()) {
      throw invalid(
          where,
          "it has "
              + (keyId.isPresent() ? "\"AccessKeyId\" but no \"SecretAccessKey\"" : "\"SecretAccessKey\" but no \"AccessKeyId\"")
              + "; a key needs both, a bootstrap value has neither");
    }
    if (keyId.isPresent() && !KEY_ID.matcher(keyId.get()).matches()) {
      throw invalid(where, "\"AccessKeyId\" is not a valid access key id");
    }
    Optional<Instant> createDate;
    try {
      createDate = text(fields, "CreateDate", where).map(Instant::parse);
    } catch (DateTimeParseException e) {
      throw invalid(where, "\"CreateDate\" is not an ISO-8601 instant such as 2026-11-23T10:00:00Z");
    }
    return new ManagedKeySecret(
        userName, keyId, secret, createDate, text(fields, "CreatedBy", where));
  }

  private static Optional<String> text(Map<?, ?> fields, String name, String where) {
    Object value = fields.get(name);
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw invalid(where, "\"" + name + "\" must be a string");
    }
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }

  private static RotationFailure invalid(String where, String problem) {
    return new RotationFailure(
        "the secret value in "
            + where
            + " cannot be used: "
            + problem
            + ". Expected {\"UserName\": \"<iam user>\"} to bootstrap, or"
            + " {\"UserName\", \"AccessKeyId\", \"SecretAccessKey\"} for an existing key."
            + " Fix it with `aws secretsmanager put-secret-value`; no key was changed.");
  }

  /** The JSON to store; the secret access key is in it, so never log the result. */
  public String toJson() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("UserName", userName);
    accessKeyId.ifPresent(v -> fields.put("AccessKeyId", v));
    secretAccessKey.ifPresent(v -> fields.put("SecretAccessKey", v));
    createDate.ifPresent(v -> fields.put("CreateDate", v.toString()));
    createdBy.ifPresent(v -> fields.put("CreatedBy", v));
    try {
      return JSON.std.asString(fields);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a map of strings as JSON", e);
    }
  }

  public String userName() {
    return userName;
  }

  public Optional<String> accessKeyId() {
    return accessKeyId;
  }

  /** The secret access key; never log it. */
  public Optional<String> secretAccessKey() {
    return secretAccessKey;
  }

  public boolean isBootstrap() {
    return accessKeyId.isEmpty();
  }

  /** Whether this value holds the key with that id. */
  public boolean holds(String keyId) {
    return accessKeyId.filter(keyId::equals).isPresent();
  }

  /**
   * Whether this value proves that keyrotator created the key: it says so, and the creation time
   * it recorded when the key was made matches the one IAM reports for that key id. A key someone
   * imported by hand into the secret carries no such record.
   */
  public boolean provesCreationOf(AccessKey key) {
    return holds(key.id())
        && createdBy.filter(CREATED_BY_US::equals).isPresent()
        && createDate
            .map(d -> d.truncatedTo(ChronoUnit.SECONDS))
            .filter(d -> d.equals(key.createDate().truncatedTo(ChronoUnit.SECONDS)))
            .isPresent();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagedKeySecret other
        && userName.equals(other.userName)
        && accessKeyId.equals(other.accessKeyId)
        && secretAccessKey.equals(other.secretAccessKey)
        && createDate.equals(other.createDate)
        && createdBy.equals(other.createdBy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(userName, accessKeyId, createDate);
  }

  @Override
  public String toString() {
    return "ManagedKeySecret[user="
        + userName
        + ", key="
        + accessKeyId.map(KeyIds::shorten).orElse("none (bootstrap)")
        + ", secret hidden]";
  }
}
