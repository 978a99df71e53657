package io.keyrotator.testing;

import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * One secret in memory, with the Secrets Manager behaviour rotation relies on: stage labels, the
 * automatic AWSPREVIOUS move, and a token that cannot be re-put with other content.
 */
public final class FakeSecrets implements SecretVersions {
  public static final String ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-ci-AbCdEf";
  public static final String NAME = "app-ci";

  /** The secret that holds keyrotator's evidence seal key; the test settings name it. */
  public static final String SEAL_SECRET = "keyrotator-seal";

  /** The seal key this fake serves as that secret's AWSCURRENT value. */
  public static final String SEAL_KEY =
      "fake-seal-key-0123456789abcdef0123456789abcdef0123456789abcdef";

  /** The key that encrypts the secret; empty stands for aws/secretsmanager. */
  public Optional<String> kmsKeyId = Optional.empty();

  private final Map<String, String> values = new HashMap<>();
  private final Map<String, List<String>> stages = new LinkedHashMap<>();

  /** Stamps each new version's creation time when set (hygiene reads it as the rotation time). */
  public java.time.Clock clock;

  public boolean rotationEnabled = true;
  public boolean exists = true;
  public final List<String> calls = new ArrayList<>();

  /** Stores a value as AWSCURRENT (as CreateSecret or a manual PutSecretValue would). */
  public String putCurrent(String json) {
    String version = UUID.randomUUID().toString();
    values.put(version, json);
    stages.values().forEach(l -> l.remove(SecretDescription.PREVIOUS));
    stages.values().stream()
        .filter(l -> l.remove(SecretDescription.CURRENT))
        .forEach(l -> l.add(SecretDescription.PREVIOUS));
    stages.put(version, new ArrayList<>(List.of(SecretDescription.CURRENT)));
    stages.values().removeIf(List::isEmpty);
    stamp(version);
    return version;
  }

  /** What RotateSecret does before the first step: an AWSPENDING version with no value. */
  public String startRotation() {
    String token = UUID.randomUUID().toString();
    stages.put(token, new ArrayList<>(List.of(SecretDescription.PENDING)));
    stamp(token);
    return token;
  }

  private void stamp(String version) {
    if (clock != null) {
      created.put(version, clock.instant());
    }
  }

  public Optional<String> rawValue(String versionId) {
    return Optional.ofNullable(values.get(versionId));
  }

  /** The access key id in the value the stage labels (a test's look: no call is recorded). */
  public String keyIn(String stage) {
    String version =
        stages.entrySet().stream()
            .filter(e -> e.getValue().contains(stage))
            .findFirst()
            .orElseThrow()
            .getKey();
    return ManagedKeySecret.parse(values.get(version), stage).accessKeyId().orElseThrow();
  }

  public Map<String, List<String>> stages() {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    stages.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    return copy;
  }

  /** When each version was created; versions not listed here count as just created. */
  public final Map<String, java.time.Instant> created = new HashMap<>();

  /** The user named in this secret's keyrotator:user tag; empty string means no tag. */
  public String taggedUser = "app-ci";

  /** The secret's tags other than keyrotator:user. */
  public final Map<String, String> tags = new LinkedHashMap<>();

  /** Other secrets tagged keyrotator:user, as ListSecrets would list them. */
  public final List<TaggedSecret> otherTaggedSecrets = new ArrayList<>();

  @Override
  public List<TaggedSecret> taggedSecrets() {
    calls.add("ListSecrets");
    List<TaggedSecret> all = new ArrayList<>();
    if (exists && !taggedUser.isEmpty()) {
      all.add(new TaggedSecret(ARN, NAME, taggedUser, false, kmsKeyId));
    }
    all.addAll(otherTaggedSecrets);
    return all;
  }

  @Override
  public List<Version> versions(String secretId) {
    calls.add("ListSecretVersionIds");
    Map<String, List<String>> labelled = stages();
    // Like ListSecretVersionIds: every version, the rotation's AWSPENDING one before its value too.
    java.util.Set<String> ids = new java.util.LinkedHashSet<>(values.keySet());
    ids.addAll(labelled.keySet());
    return ids.stream()
        .map(
            id ->
                new Version(
                    id, labelled.getOrDefault(id, List.of()), Optional.ofNullable(created.get(id))))
        .toList();
  }

  @Override
  public Optional<String> versionValue(String secretId, String versionId) {
    calls.add("GetSecretValue");
    return Optional.ofNullable(values.get(versionId));
  }

  @Override
  public void tagSecret(String secretId, String key, String value) {
    calls.add("TagResource");
    tags.put(key, value);
  }

  @Override
  public void untagSecret(String secretId, String key) {
    calls.add("UntagResource");
    tags.remove(key);
  }

  @Override
  public SecretDescription describe(String secretId) {
    calls.add("DescribeSecret");
    if (!exists) {
      throw new RotationFailedException("secret " + secretId + " does not exist");
    }
    Map<String, String> allTags = new LinkedHashMap<>(tags);
    if (!taggedUser.isEmpty()) {
      allTags.put(USER_TAG, taggedUser);
    }
    return new SecretDescription(
        ARN,
        NAME,
        rotationEnabled,
        stages(),
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        allTags,
        Optional.empty(),
        kmsKeyId);
  }

  @Override
  public Optional<StoredValue> stored(String secretId, Optional<String> versionId, String stage) {
    calls.add("GetSecretValue");
    if (secretId.equals(SEAL_SECRET)) {
      return Optional.of(new StoredValue(SEAL_SECRET, "seal-version", List.of(stage), SEAL_KEY));
    }
    String version =
        versionId.orElseGet(
            () ->
                stages.entrySet().stream()
                    .filter(e -> e.getValue().contains(stage))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null));
    if (version == null || !stages.getOrDefault(version, List.of()).contains(stage)) {
      return Optional.empty();
    }
    return Optional.ofNullable(values.get(version))
        .map(value -> new StoredValue(ARN, version, stages.get(version), value));
  }

  @Override
  public void putPending(String secretId, String token, String value) {
    calls.add("PutSecretValue");
    String existing = values.get(token);
    if (existing != null && !existing.equals(value)) {
      throw new IllegalStateException(
          "ResourceExistsException: version " + token + " already exists");
    }
    values.put(token, value);
    stages.values().forEach(l -> l.remove(SecretDescription.PENDING));
    stages.computeIfAbsent(token, t -> new ArrayList<>()).add(SecretDescription.PENDING);
    stages.values().removeIf(List::isEmpty);
  }

  @Override
  public void moveCurrent(String secretId, String toVersion, String fromVersion) {
    calls.add("UpdateSecretVersionStage");
    stages.values().forEach(l -> l.remove(SecretDescription.PREVIOUS));
    if (fromVersion != null) {
      List<String> from = stages.get(fromVersion);
      from.remove(SecretDescription.CURRENT);
      from.add(SecretDescription.PREVIOUS);
    }
    stages.computeIfAbsent(toVersion, t -> new ArrayList<>()).add(SecretDescription.CURRENT);
  }

  @Override
  public void removeStage(String secretId, String stage, String fromVersion) {
    calls.add("UpdateSecretVersionStage");
    Optional.ofNullable(stages.get(fromVersion)).ifPresent(l -> l.remove(stage));
  }
}
