package io.keyrotator.ports;

import java.util.List;
import java.util.Optional;

/**
 * Remembers what one unit of work has read from IAM (see {@link ReadOnceSecretVersions}); any write
 * forgets everything. One instance per secret and thread; never shared.
 */
public final class ReadOnceIamKeys implements IamKeys {
  private final IamKeys delegate;
  private final ReadMemo reads = new ReadMemo();

  public ReadOnceIamKeys(IamKeys delegate) {
    this.delegate = delegate;
  }

  @Override
  public Optional<IamUser> findUser(String userName) {
    return reads.once(List.of("user", userName), () -> delegate.findUser(userName));
  }

  @Override
  public List<AccessKey> listKeys(String userName) {
    return reads.once(List.of("keys", userName), () -> delegate.listKeys(userName));
  }

  @Override
  public KeyUsage lastUsed(String accessKeyId) {
    return reads.once(List.of("used", accessKeyId), () -> delegate.lastUsed(accessKeyId));
  }

  @Override
  public NewAccessKey createKey(String userName) {
    return reads.write(() -> delegate.createKey(userName));
  }

  @Override
  public void deactivateKey(String userName, String accessKeyId) {
    reads.write(() -> delegate.deactivateKey(userName, accessKeyId));
  }

  @Override
  public void deleteKey(String userName, String accessKeyId) {
    reads.write(() -> delegate.deleteKey(userName, accessKeyId));
  }

  @Override
  public void tagUser(String userName, String key, String value) {
    reads.write(() -> delegate.tagUser(userName, key, value));
  }

  @Override
  public void untagUser(String userName, String key) {
    reads.write(() -> delegate.untagUser(userName, key));
  }
}
