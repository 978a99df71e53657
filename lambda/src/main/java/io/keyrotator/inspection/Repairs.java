package io.keyrotator.inspection;

import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;

/** Carries out repairs: the one implementation behind {@code keyrotator doctor --fix} and hygiene. */
public final class Repairs {
  private final SecretVersions secrets;
  private final IamKeys iam;

  public Repairs(SecretVersions secrets, IamKeys iam) {
    this.secrets = secrets;
    this.iam = iam;
  }

  /** Applies the repair; safe to run twice. */
  public void apply(Repair repair) {
    if (repair instanceof Repair.RemovePendingLabel r) {
      secrets.removeStage(r.secretArn(), SecretDescription.PENDING, r.versionId());
    } else if (repair instanceof Repair.DeleteOrphanKey r) {
      iam.deleteKey(r.userName(), r.accessKeyId());
    }
  }
}
