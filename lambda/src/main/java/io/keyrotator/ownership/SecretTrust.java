package io.keyrotator.ownership;

import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.ports.SecretVersions.TaggedSecret;
import java.util.Optional;
import java.util.Set;

/**
 * Which secrets are keyrotator's own, so that what they hold counts as evidence: a secret tagged
 * {@value SecretVersions#USER_TAG} and encrypted with one of the deployment's KMS keys. Only a
 * principal allowed to use that key (through Secrets Manager) can store a value in such a secret,
 * and the deployment's key policy allows only keyrotator's roles and the deployment role. A secret
 * anyone else made, however it is tagged and whatever its values say, proves nothing: keyrotator
 * reports it and changes no key for it.
 */
public final class SecretTrust {
  private final Set<String> kmsKeys;

  /** @param kmsKeys key ARNs or ids from the deployment; empty trusts no secret */
  public SecretTrust(Set<String> kmsKeys) {
    this.kmsKeys = Set.copyOf(kmsKeys);
  }

  /** Whether the secret's values may serve as evidence. */
  public boolean trusts(SecretDescription secret) {
    return secret.tags().containsKey(SecretVersions.USER_TAG) && isDeploymentKey(secret.kmsKeyId());
  }

  /** Whether the listed secret is one of keyrotator's own. */
  public boolean trusts(TaggedSecret secret) {
    return isDeploymentKey(secret.kmsKeyId());
  }

  /** Whether any key is configured at all (for messages). */
  public boolean configured() {
    return !kmsKeys.isEmpty();
  }

  private boolean isDeploymentKey(Optional<String> kmsKeyId) {
    return kmsKeyId.map(id -> kmsKeys.contains(id) || kmsKeys.stream().anyMatch(k -> keyId(k).equals(keyId(id))))
        .orElse(false);
  }

  /** The id part of a key ARN ({@code arn:...:key/<id>}), or the value itself. */
  private static String keyId(String keyArnOrId) {
    int slash = keyArnOrId.indexOf(":key/");
    return slash < 0 ? keyArnOrId : keyArnOrId.substring(slash + ":key/".length());
  }

  /** Why the secret is not trusted, for reports and refusals. */
  public String whyNot(SecretDescription secret) {
    if (!secret.tags().containsKey(SecretVersions.USER_TAG)) {
      return "it has no " + SecretVersions.USER_TAG + " tag";
    }
    if (!configured()) {
      return "no KMS key of keyrotator's secrets is configured (KEYROTATOR_SECRETS_KMS_KEYS)";
    }
    return "it is encrypted with " + secret.kmsKeyId().orElse("the AWS managed key aws/secretsmanager")
        + ", not with a key of the deployment (KEYROTATOR_SECRETS_KMS_KEYS), so anyone may have written"
        + " its values";
  }
}
