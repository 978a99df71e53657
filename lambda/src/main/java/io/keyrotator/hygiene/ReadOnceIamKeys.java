package io.keyrotator.hygiene;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.NewAccessKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Remembers what one secret's pass has read from IAM (see {@link ReadOnceSecretVersions}); any
 * write forgets everything. One instance per secret and thread; never shared.
 */
final class ReadOnceIamKeys implements IamKeys {
  private final IamKeys delegate;
  private final Map<List<Object>, Object> reads = new HashMap<>();

  ReadOnceIamKeys(IamKeys delegate) {
    this.delegate = delegate;
  }

  @SuppressWarnings("unchecked")
  private <T> T once(List<Object> key, Supplier<T> read) {
    if (!reads.containsKey(key)) {
      reads.put(key, read.get());
    }
    return (T) reads.get(key);
  }

  @Override
  public Optional<IamUser> findUser(String userName) {
    return once(List.of("user", userName), () -> delegate.findUser(userName));
  }

  @Override
  public List<AccessKey> listKeys(String userName) {
    return once(List.of("keys", userName), () -> delegate.listKeys(userName));
  }

  @Override
  public KeyUsage lastUsed(String accessKeyId) {
    return once(List.of("used", accessKeyId), () -> delegate.lastUsed(accessKeyId));
  }

  @Override
  public NewAccessKey createKey(String userName) {
    reads.clear();
    return delegate.createKey(userName);
  }

  @Override
  public void deactivateKey(String userName, String accessKeyId) {
    reads.clear();
    delegate.deactivateKey(userName, accessKeyId);
  }

  @Override
  public void deleteKey(String userName, String accessKeyId) {
    reads.clear();
    delegate.deleteKey(userName, accessKeyId);
  }

  @Override
  public void tagUser(String userName, String key, String value) {
    reads.clear();
    delegate.tagUser(userName, key, value);
  }

  @Override
  public void untagUser(String userName, String key) {
    reads.clear();
    delegate.untagUser(userName, key);
  }
}
