package io.keyrotator.inspection;

import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;

/**
 * Carries out repairs: the one implementation behind {@code keyrotator doctor --fix} and hygiene.
 * Each repair is re-checked right before it is applied: the secret is inspected again and the
 * repair is applied only if that fresh inspection still offers it, so a record that went stale
 * between the inspection and the repair is never acted on.
 *
 * @param secrets the Secrets Manager port the repairs write through
 * @param iam the IAM port the repairs write through
 * @param inspector inspects the secret again right before each repair (on the same ports)
 */
public record Repairs(SecretVersions secrets, IamKeys iam, SecretInspector inspector) {

  /**
   * Applies the repair if a fresh inspection still offers it; safe to run twice.
   *
   * @return whether it was applied (false: the state changed and the repair no longer fits)
   */
  public boolean apply(Repair repair) {
    SecretStatus now = inspector.inspect(repair.secretArn());
    if (!SecretInspector.repairs(java.util.List.of(now)).contains(repair)) {
      return false;
    }
    if (repair instanceof Repair.RemovePendingLabel r) {
      SecretDescription secret = secrets.describe(r.secretArn());
      // The attempt goes, so does its record (removing a record never needs its seal).
      if (secret.tags().getOrDefault(AttemptRecord.TAG, "").startsWith(r.versionId() + " ")) {
        secrets.untagSecret(r.secretArn(), AttemptRecord.TAG);
      }
      secrets.removeStage(r.secretArn(), SecretDescription.PENDING, r.versionId());
    } else if (repair instanceof Repair.DeactivateOrphanKey r) {
      iam.deactivateKey(r.userName(), r.accessKeyId());
    } else if (repair instanceof Repair.DeleteOrphanKey r) {
      iam.deleteKey(r.userName(), r.accessKeyId());
    } else if (repair instanceof Repair.ReleaseStaleClaim r) {
      iam.untagUser(r.userName(), SecretBinding.CLAIM_TAG);
    }
    return true;
  }
}
