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
    return "rotation is not enabled for secret "
        + secret.name()
        + ". Turn it on with `aws secretsmanager rotate-secret --secret-id "
        + secret.name()
        + " --rotation-lambda-arn <this function>` (or deploy it with the CDK app)."
        + " Nothing was changed.";
  }

  /** The event's token is no version of the secret. */
  static String tokenNotAVersion(SecretDescription secret, String token) {
    return "token "
        + token
        + " is not a version of secret "
        + secret.name()
        + " (versions: "
        + secret.versionStages()
        + "). Secrets Manager sends the version it created for this rotation; this event"
        + " belongs to another secret or an old rotation. Nothing was changed.";
  }

  /** The token's version lost AWSPENDING: the rotation was abandoned. */
  static String tokenNotPending(SecretDescription secret, String token) {
    return "version "
        + token
        + " of secret "
        + secret.name()
        + " is not AWSPENDING (its labels: "
        + secret.versionStages().get(token)
        + "): this rotation was abandoned, e.g. by a manual put-secret-value. Start a new"
        + " one with `aws secretsmanager rotate-secret`. Nothing was changed.";
  }

  /** The secret has no keyrotator:user tag. */
  static String secretNotTagged(SecretDescription secret, ManagedKeySecret current) {
    return "secret "
        + secret.name()
        + " has no "
        + SecretVersions.USER_TAG
        + " tag."
        + " keyrotator serves a secret only when its tag names the user it serves, so that two secrets"
        + " can never serve one user unseen: `aws secretsmanager tag-resource --secret-id "
        + secret.name()
        + " --tags Key="
        + SecretVersions.USER_TAG
        + ",Value="
        + current.userName()
        + "`. Nothing was"
        + " changed.";
  }

  /** PutSecretValue failed and reading it back failed too: the new key is kept. */
  static String storeOutcomeUnknown(
      SecretDescription secret, NewAccessKey created, RuntimeException cause) {
    return "could not store the new key "
        + KeyIds.shorten(created.id())
        + " in secret "
        + secret.name()
        + " ("
        + cause.getMessage()
        + "), nor read back whether it landed. Secrets Manager retries the rotation; if the"
        + " key was not stored and the attempt record on the secret names it, a later run"
        + " deactivates it and deletes it "
        + AttemptRecord.LONGEST_RUN.toMinutes()
        + " minutes after this attempt; otherwise the"
        + " refusal names it. The current key is unchanged.";
  }

  /** PutSecretValue failed; the new key was deleted again. */
  static String storeFailedKeyDeleted(SecretDescription secret, RuntimeException cause) {
    return "could not store the new key in secret "
        + secret.name()
        + " ("
        + cause.getMessage()
        + "); the new key was deleted again, so nothing is left behind. Secrets Manager"
        + " retries the rotation; the current key is unchanged.";
  }

  /** The AWSCURRENT key is gone from the user or inactive. */
  static String currentKeyUnusable(
      SecretDescription secret, IamUser user, String keyId, boolean gone) {
    return "the current key "
        + KeyIds.shorten(keyId)
        + " in AWSCURRENT of secret "
        + secret.name()
        + (gone
            ? " no longer exists on user " + user.name() + " (deleted by hand?)"
            : " is inactive on user " + user.name() + " (deactivated by hand?)")
        + ": consumers reading the secret get a key that does not work. Rotate now to give"
        + " them a working one: `keyrotator rotate --secret-id "
        + secret.name()
        + "` (or `aws secretsmanager rotate-secret --secret-id "
        + secret.name()
        + "`). Nothing was changed.";
  }

  /** The AWSPENDING value holds no access key. */
  static String pendingHoldsNoKey(SecretDescription secret, String token) {
    return "the AWSPENDING value of secret "
        + secret.name()
        + " holds no access key. To repair, "
        + repairStuckPending(secret, token);
  }

  /** The AWSPENDING key no longer exists on the user. */
  static String pendingKeyGone(SecretDescription secret, String token, IamUser user, String keyId) {
    return "the new key "
        + KeyIds.shorten(keyId)
        + " in AWSPENDING of secret "
        + secret.name()
        + " no longer exists on user "
        + user.name()
        + " (deleted by hand?). The current key is unchanged. To repair, "
        + repairStuckPending(secret, token);
  }

  /** The AWSPENDING key was deactivated. */
  static String pendingKeyInactive(SecretDescription secret, String token, String keyId) {
    return "the new key "
        + KeyIds.shorten(keyId)
        + " in AWSPENDING of secret "
        + secret.name()
        + " is inactive (deactivated by hand?). The current key is unchanged. Reactivate it"
        + " with `aws iam update-access-key --status Active`, or "
        + repairStuckPending(secret, token);
  }

  /** The secret has no AWSCURRENT value. */
  static String noCurrentValue(SecretDescription secret) {
    return "secret "
        + secret.name()
        + " has no AWSCURRENT value, so there is no user to rotate. Put"
        + " {\"UserName\": \"<iam user>\"} in it with `aws secretsmanager"
        + " put-secret-value`; the next rotation creates the first key.";
  }

  /** No value is stored for the rotation's token. */
  static String noPendingValue(SecretDescription secret, String token) {
    return "no value is stored for version "
        + token
        + " of secret "
        + secret.name()
        + ": createSecret has not run for this rotation. Secrets Manager"
        + " retries the rotation from createSecret; nothing was changed.";
  }

  /** The command that drops a stuck AWSPENDING so that the next rotation starts clean. */
  static String repairStuckPending(SecretDescription secret, String token) {
    return "drop this attempt with `aws secretsmanager update-secret-version-stage --secret-id "
        + secret.name()
        + " --version-stage AWSPENDING --remove-from-version-id "
        + token
        + "` and rotate again (`keyrotator doctor --fix` does the same).";
  }
}
