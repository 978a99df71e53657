package io.keyrotator.ownership;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.ports.RotationFailedException;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The JSON value of a managed-key secret.
 *
 * <pre>{"UserName": "app-ci", "UserId": "AIDA...", "AccessKeyId": "AKIA...",
 *  "SecretAccessKey": "...", "CreateDate": "2026-11-23T10:00:00Z", "CreatedBy": "keyrotator",
 *  "SecretArn": "arn:aws:secretsmanager:...", "VersionId": "<rotation token>",
 *  "PreviousVersionId": "<version it replaces>", "PreviousAccessKeyId": "AKIA...", "Proof": "..."}
 * </pre>
 *
 * <p>{@code {"UserName": "app-ci"}} alone is a bootstrap value: the first rotation creates the
 * user's first managed key. {@code UserId}, {@code CreatedBy}, {@code CreateDate}, {@code
 * SecretArn}, {@code VersionId} and {@code Proof} (their {@link EvidenceSeal}) are written by this
 * function when it stores a key it created; together they are its evidence of creation (see {@link
 * #provesCreationOf}); {@code PreviousVersionId} and {@code PreviousAccessKeyId}, sealed with them,
 * record the version the value replaces and its key when keyrotator proved it created that key
 * ({@link ReplacedKey}). Fields it does not know (an operator's {@code Owner}, say) are carried to
 * every new version unchanged.
 *
 * <p>Parsing is strict: one JSON object, no field twice, nothing after it. Error messages never
 * repeat the value, which may hold a secret access key.
 */
public final class ManagedKeySecret {
  static final String CREATED_BY_US = "keyrotator";

  /**
   * The operator's statement, put with the deployment role (the CLI's {@code adopt} or the CDK
   * app): the ids of the user's existing keys this secret takes over. Read by the next rotation,
   * which seals it as {@value #ADOPTED_KEYS} and does not carry it further.
   */
  public static final String ADOPT_STATEMENT =
      io.keyrotator.contract.SecretValueFields.ADOPT_ACCESS_KEY_IDS;

  /**
   * keyrotator's sealed record of the keys it adopted: {@code [{"AccessKeyId", "CreateDate"}]},
   * each bound to IAM's creation time of the key (and, through the seal, to the user's unique id).
   */
  static final String ADOPTED_KEYS = "AdoptedKeys";

  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern KEY_ID = Pattern.compile("\\w{16,128}");
  private static final Set<String> KNOWN =
      Set.of(
          "UserName",
          "UserId",
          "AccessKeyId",
          "SecretAccessKey",
          "CreateDate",
          "CreatedBy",
          "SecretArn",
          "VersionId",
          "PreviousVersionId",
          "PreviousAccessKeyId",
          ADOPT_STATEMENT,
          ADOPTED_KEYS,
          "Proof");
  private static final JsonFactory STRICT_JSON =
      JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private final String userName;
  private final Optional<String> userId;
  private final Optional<String> accessKeyId;
  private final Optional<String> secretAccessKey;
  private final Optional<Instant> createDate;
  private final Optional<String> createdBy;
  private final Optional<String> secretArn;
  private final Optional<String> versionId;
  private final Optional<ReplacedKey> replaced;
  private final List<String> adoptStatement;
  private final List<AdoptedKey> adopted;
  private final Optional<String> proof;
  private final Map<String, Object> otherFields;

  private ManagedKeySecret(
      String userName,
      Optional<String> userId,
      Optional<String> accessKeyId,
      Optional<String> secretAccessKey,
      Optional<Instant> createDate,
      Optional<String> createdBy,
      Optional<String> secretArn,
      Optional<String> versionId,
      Optional<ReplacedKey> replaced,
      List<String> adoptStatement,
      List<AdoptedKey> adopted,
      Optional<String> proof,
      Map<String, Object> otherFields) {
    this.userName = userName;
    this.userId = userId;
    this.accessKeyId = accessKeyId;
    this.secretAccessKey = secretAccessKey;
    this.createDate = createDate;
    this.createdBy = createdBy;
    this.secretArn = secretArn;
    this.versionId = versionId;
    this.replaced = replaced;
    this.adoptStatement = List.copyOf(adoptStatement);
    this.adopted = List.copyOf(adopted);
    this.proof = proof;
    this.otherFields = Collections.unmodifiableMap(new LinkedHashMap<>(otherFields));
  }

  /**
   * The version a value replaces when it is promoted, and that version's key, recorded only when
   * keyrotator proved at createSecret that it created that key ({@link #provesCreationOf}). A
   * version's value never changes, so while that very version is still the one being replaced
   * (finishSecret) or carries AWSPREVIOUS (the next createSecret), the sealed record stands for the
   * proof without reading that version again.
   *
   * @param versionId the id of the version replaced (AWSCURRENT when the value was created)
   * @param accessKeyId the key that version holds
   */
  public record ReplacedKey(String versionId, String accessKeyId) {}

  /**
   * A key the user had before keyrotator managed it, which the operator named for this secret to
   * take over and keyrotator sealed into its record: the hygiene job retires it once it is provably
   * unused, and only it.
   *
   * @param accessKeyId the key's id
   * @param createDate IAM's creation time of the key (whole seconds): a key is the adopted one only
   *     when both match
   */
  public record AdoptedKey(String accessKeyId, Instant createDate) {
    public AdoptedKey {
      createDate = createDate.truncatedTo(ChronoUnit.SECONDS);
    }

    /** Whether IAM's key is this one: same id and same creation time. */
    public boolean is(AccessKey key) {
      return key.id().equals(accessKeyId)
          && key.createDate().truncatedTo(ChronoUnit.SECONDS).equals(createDate);
    }
  }

  /**
   * The value for a key this function has just created, bound to its user, secret and version.
   *
   * @param basis the value it replaces: its unknown fields are carried over
   * @param user the user the key belongs to (its canonical name and unique id are recorded)
   * @param key the new key, with its secret
   * @param secretArn the secret the value is stored in
   * @param versionId the version (rotation token) the value is stored as
   * @param seal seals the record; without a configured key the value carries no proof
   * @param replaced the version this value replaces and its key, when keyrotator proved it created
   *     that key; empty otherwise
   * @param adopted the user's pre-existing keys this secret took over (sealed with the value)
   */
  public static ManagedKeySecret createdByRotation(
      ManagedKeySecret basis,
      IamUser user,
      NewAccessKey key,
      String secretArn,
      String versionId,
      EvidenceSeal seal,
      Optional<ReplacedKey> replaced,
      List<AdoptedKey> adopted) {
    return new ManagedKeySecret(
        user.name(),
        Optional.of(user.id()),
        Optional.of(key.id()),
        Optional.of(key.secret()),
        Optional.of(key.createDate()),
        Optional.of(CREATED_BY_US),
        Optional.of(secretArn),
        Optional.of(versionId),
        replaced,
        List.of(),
        adopted,
        seal.seal(
            facts(
                user.name(),
                user.id(),
                key.id(),
                key.createDate(),
                secretArn,
                versionId,
                replaced,
                adopted)),
        basis.otherFields);
  }

  /**
   * The facts the proof seals, in order; the replaced version and key, and the adopted keys, only
   * when recorded, so that values sealed before they were recorded still verify.
   */
  private static String[] facts(
      String userName,
      String userId,
      String keyId,
      Instant created,
      String secretArn,
      String versionId,
      Optional<ReplacedKey> replaced,
      List<AdoptedKey> adopted) {
    List<String> facts =
        new ArrayList<>(
            List.of(
                userName.toLowerCase(java.util.Locale.ROOT),
                userId,
                keyId,
                created.truncatedTo(ChronoUnit.SECONDS).toString(),
                secretArn,
                versionId));
    replaced.ifPresent(
        r -> {
          facts.add(r.versionId());
          facts.add(r.accessKeyId());
        });
    if (!adopted.isEmpty()) {
      facts.add(ADOPTED_KEYS);
      for (AdoptedKey key : adopted) {
        facts.add(key.accessKeyId());
        facts.add(key.createDate().toString());
      }
    }
    return facts.toArray(String[]::new);
  }

  /** A bootstrap value: a user with no managed key yet. */
  public static ManagedKeySecret bootstrap(String userName) {
    return adopting(userName, Optional.empty(), List.of());
  }

  /**
   * The value an operator puts to bring existing keys under management: the user, the key consumers
   * keep reading from the secret until the next rotation moves them (if handed over), and the ids
   * of the keys the secret takes over ({@value #ADOPT_STATEMENT}).
   *
   * @param userName the IAM user
   * @param key the existing key with its secret access key, or empty to start as a bootstrap value
   * @param adoptIds the keys the next rotation seals as adopted
   */
  public static ManagedKeySecret adopting(
      String userName, Optional<NewAccessKey> key, List<String> adoptIds) {
    return new ManagedKeySecret(
        userName,
        Optional.empty(),
        key.map(NewAccessKey::id),
        key.map(NewAccessKey::secret),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        adoptIds,
        List.of(),
        Optional.empty(),
        Map.of());
  }

  /**
   * Parses and validates a secret value.
   *
   * @param json the secret string
   * @param where which version it came from, for the error message (e.g. "AWSCURRENT of app-ci")
   * @throws RotationFailedException with what is wrong and the expected format; the message never
   *     repeats the value, which may hold a secret access key
   */
  public static ManagedKeySecret parse(String json, String where) {
    if (json == null || json.isBlank()) {
      throw invalid(where, "it is empty");
    }
    Map<String, Object> fields = readObject(json, where);
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
              + (keyId.isPresent()
                  ? "\"AccessKeyId\" but no \"SecretAccessKey\""
                  : "\"SecretAccessKey\" but no \"AccessKeyId\"")
              + "; a key needs both, a bootstrap value has neither");
    }
    if (keyId.isPresent() && !KEY_ID.matcher(keyId.get()).matches()) {
      throw invalid(where, "\"AccessKeyId\" is not a valid access key id");
    }
    Optional<Instant> createDate;
    try {
      createDate = text(fields, "CreateDate", where).map(Instant::parse);
    } catch (DateTimeParseException e) {
      throw invalid(
          where, "\"CreateDate\" is not an ISO-8601 instant such as 2026-11-23T10:00:00Z");
    }
    Optional<String> replacedVersion = text(fields, "PreviousVersionId", where);
    Optional<String> replacedKey = text(fields, "PreviousAccessKeyId", where);
    if (replacedVersion.isPresent() != replacedKey.isPresent()) {
      throw invalid(
          where, "\"PreviousVersionId\" and \"PreviousAccessKeyId\" go together: one is missing");
    }
    List<String> adoptStatement = keyIds(fields.get(ADOPT_STATEMENT), where);
    List<AdoptedKey> adopted = adoptedKeys(fields.get(ADOPTED_KEYS), where);
    Map<String, Object> others = new LinkedHashMap<>(fields);
    others.keySet().removeAll(KNOWN);
    return new ManagedKeySecret(
        userName,
        text(fields, "UserId", where),
        keyId,
        secret,
        createDate,
        text(fields, "CreatedBy", where),
        text(fields, "SecretArn", where),
        text(fields, "VersionId", where),
        replacedVersion.map(v -> new ReplacedKey(v, replacedKey.get())),
        adoptStatement,
        adopted,
        text(fields, "Proof", where),
        others);
  }

  private static List<String> keyIds(Object value, String where) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> ids)
        || !ids.stream().allMatch(id -> id instanceof String s && KEY_ID.matcher(s).matches())) {
      throw invalid(
          where,
          "\"" + ADOPT_STATEMENT + "\" must be a list of access key ids such as [\"AKIA...\"]");
    }
    return ids.stream().map(String.class::cast).distinct().toList();
  }

  private static List<AdoptedKey> adoptedKeys(Object value, String where) {
    if (value == null) {
      return List.of();
    }
    String problem = "\"" + ADOPTED_KEYS + "\" is not the list keyrotator writes";
    if (!(value instanceof List<?> entries)) {
      throw invalid(where, problem);
    }
    List<AdoptedKey> adopted = new ArrayList<>();
    for (Object entry : entries) {
      if (!(entry instanceof Map<?, ?> fields)) {
        throw invalid(where, problem);
      }
      Optional<String> id = text(fields, "AccessKeyId", where);
      Optional<String> created = text(fields, "CreateDate", where);
      if (id.isEmpty() || created.isEmpty() || !KEY_ID.matcher(id.get()).matches()) {
        throw invalid(where, problem);
      }
      try {
        adopted.add(new AdoptedKey(id.get(), Instant.parse(created.get())));
      } catch (DateTimeParseException e) {
        throw invalid(where, problem);
      }
    }
    return adopted;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readObject(String json, String where) {
    try (JsonParser parser = STRICT_JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw invalid(where, "it is not a JSON object");
      }
      Object parsed = JSON.std.with(JSON.Feature.PRESERVE_FIELD_ORDERING).anyFrom(parser);
      if (parser.nextToken() != null) {
        throw invalid(
            where,
            "it has more content after the JSON object" + position(parser.currentLocation()));
      }
      return (Map<String, Object>) parsed;
    } catch (JsonProcessingException e) {
      String message = String.valueOf(e.getOriginalMessage());
      if (message.startsWith("Duplicate field")) {
        int open = message.indexOf('\'');
        int close = message.lastIndexOf('\'');
        String field = open >= 0 && close > open ? message.substring(open + 1, close) : "a field";
        throw invalid(
            where, "it has the field \"" + field + "\" more than once" + position(e.getLocation()));
      }
      throw invalid(where, "it is not valid JSON" + position(e.getLocation()));
    } catch (IOException e) {
      throw invalid(where, "it is not valid JSON");
    }
  }

  private static String position(JsonLocation at) {
    return at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
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

  private static RotationFailedException invalid(String where, String problem) {
    return new RotationFailedException(
        "the secret value in "
            + where
            + " cannot be used: "
            + problem
            + ". Expected one JSON object: {\"UserName\": \"<iam user>\"} to bootstrap, or"
            + " {\"UserName\", \"AccessKeyId\", \"SecretAccessKey\"} for an existing key (other"
            + " fields are kept). Fix it with `aws secretsmanager put-secret-value`; no key was"
            + " changed.");
  }

  /** The JSON to store; the secret access key is in it, so never log the result. */
  public String toJson() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("UserName", userName);
    userId.ifPresent(v -> fields.put("UserId", v));
    accessKeyId.ifPresent(v -> fields.put("AccessKeyId", v));
    secretAccessKey.ifPresent(v -> fields.put("SecretAccessKey", v));
    createDate.ifPresent(v -> fields.put("CreateDate", v.toString()));
    createdBy.ifPresent(v -> fields.put("CreatedBy", v));
    secretArn.ifPresent(v -> fields.put("SecretArn", v));
    versionId.ifPresent(v -> fields.put("VersionId", v));
    replaced.ifPresent(
        r -> {
          fields.put("PreviousVersionId", r.versionId());
          fields.put("PreviousAccessKeyId", r.accessKeyId());
        });
    if (!adoptStatement.isEmpty()) {
      fields.put(ADOPT_STATEMENT, adoptStatement);
    }
    if (!adopted.isEmpty()) {
      fields.put(
          ADOPTED_KEYS,
          adopted.stream()
              .map(
                  k -> {
                    Map<String, String> entry = new LinkedHashMap<>();
                    entry.put("AccessKeyId", k.accessKeyId());
                    entry.put("CreateDate", k.createDate().toString());
                    return entry;
                  })
              .toList());
    }
    proof.ifPresent(v -> fields.put("Proof", v));
    fields.putAll(otherFields);
    try {
      return JSON.std.asString(fields);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the secret value as JSON", e);
    }
  }

  public String userName() {
    return userName;
  }

  /** IAM's unique id of the user the value was bound to; empty before the first binding. */
  public Optional<String> userId() {
    return userId;
  }

  public Optional<String> accessKeyId() {
    return accessKeyId;
  }

  /** The secret access key; never log it. */
  public Optional<String> secretAccessKey() {
    return secretAccessKey;
  }

  /** Fields keyrotator does not interpret, in their order, carried to every new version. */
  public Map<String, Object> otherFields() {
    return otherFields;
  }

  public boolean isBootstrap() {
    return accessKeyId.isEmpty();
  }

  /** Whether this value holds the key with that id. */
  public boolean holds(String keyId) {
    return accessKeyId.filter(keyId::equals).isPresent();
  }

  /**
   * Whether this value says keyrotator wrote it (a claim, proven only by {@link
   * #provesCreationOf}).
   */
  public boolean writtenByRotation() {
    return createdBy.filter(CREATED_BY_US::equals).isPresent();
  }

  /**
   * Whether this value names the user: by unique id when it records one, else by name (any case).
   */
  public boolean names(IamUser user) {
    return userId.map(id -> id.equals(user.id())).orElse(userName.equalsIgnoreCase(user.name()));
  }

  /**
   * Whether this value, stored as version {@code storedAs} of secret {@code secretArn}, proves that
   * keyrotator created the key for {@code user}: it holds the key, IAM's creation time of that key
   * id is the one it recorded, the secret, version and user it recorded are the ones it is stored
   * in and names, and its proof verifies under the {@link EvidenceSeal}. A value copied into
   * another secret or version, a key imported by hand, a value written by anyone else (keyrotator
   * 1's unsealed values included), or a user deleted and re-created, prove nothing.
   */
  public boolean provesCreationOf(
      AccessKey key, String secretArn, String storedAs, IamUser user, EvidenceSeal seal) {
    return holds(key.id())
        && createDate
            .map(d -> d.truncatedTo(ChronoUnit.SECONDS))
            .filter(d -> d.equals(key.createDate().truncatedTo(ChronoUnit.SECONDS)))
            .isPresent()
        && userId.filter(user.id()::equals).isPresent()
        && sealedFor(secretArn, storedAs, seal);
  }

  /** Whether keyrotator sealed this value for exactly this secret and version. */
  public boolean sealedFor(String secretArn, String storedAs, EvidenceSeal seal) {
    return writtenByRotation()
        && this.secretArn.filter(secretArn::equals).isPresent()
        && versionId.filter(storedAs::equals).isPresent()
        && userId.isPresent()
        && accessKeyId.isPresent()
        && createDate.isPresent()
        && proof
            .filter(
                p ->
                    seal.verifies(
                        p,
                        facts(
                            userName,
                            userId.get(),
                            accessKeyId.get(),
                            createDate.get(),
                            secretArn,
                            storedAs,
                            replaced,
                            adopted)))
            .isPresent();
  }

  /**
   * The ids of the keys the operator named for this secret to take over ({@value
   * #ADOPT_STATEMENT}): a statement, not yet evidence; the next rotation seals it.
   */
  public List<String> adoptStatement() {
    return adoptStatement;
  }

  /**
   * The keys keyrotator adopted for this secret, as it sealed them; empty unless keyrotator sealed
   * this value for exactly this secret and version ({@link #sealedFor}).
   */
  public List<AdoptedKey> provenAdoptedKeys(String secretArn, String storedAs, EvidenceSeal seal) {
    return sealedFor(secretArn, storedAs, seal) ? adopted : List.of();
  }

  /**
   * Whether this value records adopted keys (sealed or not: check with {@link #provenAdoptedKeys}).
   */
  public boolean recordsAdoptedKeys() {
    return !adopted.isEmpty();
  }

  /**
   * The version this value replaced and that version's key, proven keyrotator's when this value was
   * created; empty unless keyrotator sealed this value for exactly this secret and version ({@link
   * #sealedFor}), so a record anyone else wrote proves nothing.
   */
  public Optional<ReplacedKey> provenReplacedKey(
      String secretArn, String storedAs, EvidenceSeal seal) {
    return sealedFor(secretArn, storedAs, seal) ? replaced : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ManagedKeySecret other && toJson().equals(other.toJson());
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
