package io.keyrotator.ports;

import java.util.List;
import java.util.Optional;

/**
 * Remembers what one unit of work has read (one rotation step; the hygiene job's pass over one
 * secret, whose retirement and inspection then read each thing from AWS once). A write forgets what
 * it may have changed, so a read after a change always goes to AWS: tag writes forget everything;
 * value and stage writes keep only the list of tagged secrets, which they cannot change. One
 * instance per unit of work and thread; never shared, never kept across invocations.
 */
public final class ReadOnceSecretVersions implements SecretVersions {
  private final SecretVersions delegate;
  private static final List<Object> TAGGED = List.of("tagged");

  private final ReadMemo reads = new ReadMemo();

  public ReadOnceSecretVersions(SecretVersions delegate) {
    this.delegate = delegate;
  }

  @Override
  public SecretDescription describe(String secretId) {
    return reads.once(List.of("describe", secretId), () -> delegate.describe(secretId));
  }

  @Override
  public Optional<StoredValue> stored(String secretId, Optional<String> versionId, String stage) {
    return reads.once(
        List.of("value", secretId, versionId, stage),
        () -> delegate.stored(secretId, versionId, stage));
  }

  @Override
  public List<Version> versions(String secretId) {
    return reads.once(List.of("versions", secretId), () -> delegate.versions(secretId));
  }

  @Override
  public List<TaggedSecret> taggedSecrets() {
    return reads.once(TAGGED, delegate::taggedSecrets);
  }

  @Override
  public Optional<String> versionValue(String secretId, String versionId) {
    return reads.once(
        List.of("version", secretId, versionId), () -> delegate.versionValue(secretId, versionId));
  }

  @Override
  public void tagSecret(String secretId, String key, String value) {
    reads.write(() -> delegate.tagSecret(secretId, key, value));
  }

  @Override
  public void untagSecret(String secretId, String key) {
    reads.write(() -> delegate.untagSecret(secretId, key));
  }

  @Override
  public void putPending(String secretId, String token, String value) {
    reads.writeKeeping(TAGGED, () -> delegate.putPending(secretId, token, value));
  }

  @Override
  public void moveCurrent(String secretId, String toVersion, String fromVersion) {
    reads.writeKeeping(TAGGED, () -> delegate.moveCurrent(secretId, toVersion, fromVersion));
  }

  @Override
  public void removeStage(String secretId, String stage, String fromVersion) {
    reads.writeKeeping(TAGGED, () -> delegate.removeStage(secretId, stage, fromVersion));
  }
}
