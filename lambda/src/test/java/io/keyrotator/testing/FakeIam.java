package io.keyrotator.testing;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.NewAccessKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** In-memory IAM with the rules rotation depends on: two keys per user at most, secrets once. */
public final class FakeIam implements IamKeys {
  private final Clock clock;
  private final Map<String, IamUser> users = new LinkedHashMap<>();
  private final Map<String, List<AccessKey>> keys = new HashMap<>();
  private final Map<String, KeyUsage> usage = new HashMap<>();

  /** The secret of every key this fake created, as only the creator would know it. */
  public final Map<String, String> secrets = new HashMap<>();

  public final List<String> calls = new ArrayList<>();
  private int next = 1;

  public FakeIam(Clock clock) {
    this.clock = clock;
  }

  public void addUser(String name, String path, Map<String, String> tags) {
    users.put(
        name,
        new IamUser(
            name,
            "AIDAFAKE" + name.toUpperCase(java.util.Locale.ROOT) + (next++),
            path,
            "arn:aws:iam::123456789012:user" + path + name,
            new HashMap<>(tags)));
    keys.put(name, new ArrayList<>());
  }

  /** Adds a key made outside keyrotator (by hand or another tool). */
  public String addKey(String user, boolean active, Instant created) {
    String id = nextId();
    keys.get(user).add(new AccessKey(id, active, created));
    secrets.put(id, "secret-of-" + id);
    return id;
  }

  public void use(String keyId, Instant at) {
    usage.put(keyId, new KeyUsage(Optional.of(at), "s3", "us-east-1"));
  }

  public List<AccessKey> keysOf(String user) {
    return List.copyOf(keys.get(user));
  }

  public Optional<AccessKey> key(String user, String id) {
    return keys.get(user).stream().filter(k -> k.id().equals(id)).findFirst();
  }

  /** The ARN of the user that has an active key with this id. */
  public Optional<IamUser> findUserOwning(String keyId) {
    return keys.entrySet().stream()
        .filter(e -> e.getValue().stream().anyMatch(k -> k.id().equals(keyId) && k.active()))
        .map(e -> users.get(e.getKey()))
        .findFirst();
  }

  public IamUser user(String name) {
    return users.get(name);
  }

  private String nextId() {
    return String.format("AKIAFAKE%012d", next++);
  }

  @Override
  public Optional<IamUser> findUser(String userName) {
    calls.add("GetUser");
    IamUser user = users.get(userName);
    return Optional.ofNullable(user)
        .map(u -> new IamUser(u.name(), u.id(), u.path(), u.arn(), Map.copyOf(u.tags())));
  }

  @Override
  public List<AccessKey> listKeys(String userName) {
    calls.add("ListAccessKeys");
    return keysOf(userName);
  }

  @Override
  public NewAccessKey createKey(String userName) {
    calls.add("CreateAccessKey");
    List<AccessKey> list = keys.get(userName);
    if (list.size() >= 2) {
      throw new IllegalStateException(
          "LimitExceeded: Cannot exceed quota for AccessKeysPerUser: 2");
    }
    String id = nextId();
    Instant now = clock.instant();
    list.add(new AccessKey(id, true, now));
    String secret = "new-secret-" + id + "-0123456789abcdefghij";
    secrets.put(id, secret);
    return new NewAccessKey(id, secret, now);
  }

  @Override
  public void deactivateKey(String userName, String accessKeyId) {
    calls.add("UpdateAccessKey");
    List<AccessKey> list = keys.get(userName);
    list.replaceAll(
        k -> k.id().equals(accessKeyId) ? new AccessKey(k.id(), false, k.createDate()) : k);
  }

  @Override
  public void deleteKey(String userName, String accessKeyId) {
    calls.add("DeleteAccessKey");
    keys.get(userName).removeIf(k -> k.id().equals(accessKeyId));
  }

  @Override
  public KeyUsage lastUsed(String accessKeyId) {
    calls.add("GetAccessKeyLastUsed");
    return usage.getOrDefault(accessKeyId, KeyUsage.never());
  }

  @Override
  public void tagUser(String userName, String key, String value) {
    calls.add("TagUser");
    users.get(userName).tags().put(key, value);
  }

  @Override
  public void untagUser(String userName, String key) {
    calls.add("UntagUser");
    users.get(userName).tags().remove(key);
  }
}
