package io.keyrotator.hygiene;

import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.util.List;
import java.util.Optional;

/**
 * Remembers what one secret's pass has read, so that the retirement step and the inspection that
 * follows it read each thing from AWS once. Any write forgets everything, so a read after a change
 * always goes to AWS. One instance per secret and thread; never shared.
 */
final class ReadOnceSecretVersions implements SecretVersions {
  private final SecretVersions delegate;
  private final ReadMemo reads = new ReadMemo();

  ReadOnceSecretVersions(SecretVersions delegate) {
    this.delegate = delegate;
  }

  @Override
  public SecretDescription describe(String secretId) {
    return reads.once(List.of("describe", secretId), () -> delegate.describe(secretId));
  }

  @Override
  public Optional<String> value(String secretId, Optional<String> versionId, String stage) {
    return reads.once(
        List.of("value", secretId, versionId, stage),
        () -> delegate.value(secretId, versionId, stage));
  }

  @Override
  public List<Version> versions(String secretId) {
    return reads.once(List.of("versions", secretId), () -> delegate.versions(secretId));
  }

  @Override
  public List<TaggedSecret> taggedSecrets() {
    return reads.once(List.of("tagged"), delegate::taggedSecrets);
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
    reads.write(() -> delegate.putPending(secretId, token, value));
  }

  @Override
  public void moveCurrent(String secretId, String toVersion, String fromVersion) {
    reads.write(() -> delegate.moveCurrent(secretId, toVersion, fromVersion));
  }

  @Override
  public void removeStage(String secretId, String stage, String fromVersion) {
    reads.write(() -> delegate.removeStage(secretId, stage, fromVersion));
  }
}
