package io.keyrotator.rotation;

import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;

/**
 * What each of {@link AccessKeyRotation}'s refusals and failures tells the operator, one method per
 * situation, so that the steps read like the state machine in docs/rotation.md. Every message says
 * what was expected, what was found (names, key ids shortened, never a secret access key), what did
 * not change, and the command that repairs it.
 */
final class FailureMessages {
  private FailureMessages() {}

  /** Rotation is off for the secret. */
  static String rotationNotEnabled(SecretDescription secret) {
    return """
        rotation is not enabled for secret %s. Turn it on with `aws secretsmanager rotate-secret \
        --secret-id %s --rotation-lambda-arn <this function>` (or deploy it with the CDK app). \
        Nothing was changed."""
        .formatted(secret.name(), secret.name());
  }

  /** The event's token is no version of the secret. */
  static String tokenNotAVersion(SecretDescription secret, String token) {
    return """
        token %s is not a version of secret %s (versions: %s). Secrets Manager sends the version \
        it created for this rotation; this event belongs to another secret or an old rotation. \
        Nothing was changed."""
        .formatted(token, secret.name(), secret.versionStages());
  }

  /** The token's version lost AWSPENDING: the rotation was abandoned. */
  static String tokenNotPending(SecretDescription secret, String token) {
    return """
        version %s of secret %s is not AWSPENDING (its labels: %s): this rotation was abandoned, \
        e.g. by a manual put-secret-value. Start a new one with `aws secretsmanager \
        rotate-secret`. Nothing was changed."""
        .formatted(token, secret.name(), secret.versionStages().get(token));
  }

  /** The secret has no keyrotator:user tag. */
  static String secretNotTagged(SecretDescription secret, ManagedKeySecret current) {
    return """
        secret %s has no %s tag. keyrotator serves a secret only when its tag names the user it \
        serves, so that two secrets can never serve one user unseen: `aws secretsmanager \
        tag-resource --secret-id %s --tags Key=%s,Value=%s`. Nothing was changed."""
        .formatted(
            secret.name(),
            SecretVersions.USER_TAG,
            secret.name(),
            SecretVersions.USER_TAG,
            current.userName());
  }

  /** PutSecretValue failed and reading it back failed too: the new key is kept. */
  static String storeOutcomeUnknown(
      SecretDescription secret, NewAccessKey created, RuntimeException cause) {
    return """
        could not store the new key %s in secret %s (%s), nor read back whether it landed. \
        Secrets Manager retries the rotation; if the key was not stored and the attempt record \
        on the secret names it, a later run deactivates it and deletes it %s minutes after this \
        attempt; otherwise the refusal names it. The current key is unchanged."""
        .formatted(
            KeyIds.shorten(created.id()),
            secret.name(),
            cause.getMessage(),
            AttemptRecord.LONGEST_RUN.toMinutes());
  }

  /** PutSecretValue failed; the new key was deleted again. */
  static String storeFailedKeyDeleted(SecretDescription secret, RuntimeException cause) {
    return """
        could not store the new key in secret %s (%s); the new key was deleted again, so nothing \
        is left behind. Secrets Manager retries the rotation; the current key is unchanged."""
        .formatted(secret.name(), cause.getMessage());
  }

  /** The AWSCURRENT key is gone from the user or inactive. */
  static String currentKeyUnusable(
      SecretDescription secret, IamUser user, String keyId, boolean gone) {
    return """
        the current key %s in AWSCURRENT of secret %s%s: consumers reading the secret get a key \
        that does not work. Rotate now to give them a working one: `keyrotator rotate \
        --secret-id %s` (or `aws secretsmanager rotate-secret --secret-id %s`). Nothing was \
        changed."""
        .formatted(
            KeyIds.shorten(keyId),
            secret.name(),
            (gone
                ? " no longer exists on user " + user.name() + " (deleted by hand?)"
                : " is inactive on user " + user.name() + " (deactivated by hand?)"),
            secret.name(),
            secret.name());
  }

  /** The AWSPENDING value holds no access key. */
  static String pendingHoldsNoKey(SecretDescription secret, String token) {
    return """
        the AWSPENDING value of secret %s holds no access key. To repair, %s"""
        .formatted(secret.name(), repairStuckPending(secret, token));
  }

  /** The AWSPENDING key no longer exists on the user. */
  static String pendingKeyGone(SecretDescription secret, String token, IamUser user, String keyId) {
    return """
        the new key %s in AWSPENDING of secret %s no longer exists on user %s (deleted by \
        hand?). The current key is unchanged. To repair, %s"""
        .formatted(
            KeyIds.shorten(keyId), secret.name(), user.name(), repairStuckPending(secret, token));
  }

  /** The AWSPENDING key was deactivated. */
  static String pendingKeyInactive(SecretDescription secret, String token, String keyId) {
    return """
        the new key %s in AWSPENDING of secret %s is inactive (deactivated by hand?). The \
        current key is unchanged. Reactivate it with `aws iam update-access-key --status \
        Active`, or %s"""
        .formatted(KeyIds.shorten(keyId), secret.name(), repairStuckPending(secret, token));
  }

  /** The secret has no AWSCURRENT value. */
  static String noCurrentValue(SecretDescription secret) {
    return """
        secret %s has no AWSCURRENT value, so there is no user to rotate. Put {\"UserName\": \
        \"<iam user>\"} in it with `aws secretsmanager put-secret-value`; the next rotation \
        creates the first key."""
        .formatted(secret.name());
  }

  /** No value is stored for the rotation's token. */
  static String noPendingValue(SecretDescription secret, String token) {
    return """
        no value is stored for version %s of secret %s: createSecret has not run for this \
        rotation. Secrets Manager retries the rotation from createSecret; nothing was changed."""
        .formatted(token, secret.name());
  }

  /** The command that drops a stuck AWSPENDING so that the next rotation starts clean. */
  static String repairStuckPending(SecretDescription secret, String token) {
    return """
        drop this attempt with `aws secretsmanager update-secret-version-stage --secret-id %s \
        --version-stage AWSPENDING --remove-from-version-id %s` and rotate again (`keyrotator \
        doctor --fix` does the same)."""
        .formatted(secret.name(), token);
  }
}
