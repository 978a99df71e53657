package io.keyrotator.inspection;

import io.keyrotator.ports.KeyIds;

/**
 * A change that fixes a finding without touching anything that works. {@link Repairs} inspects the
 * secret again right before applying one and applies it only if the same repair is still offered.
 */
public sealed interface Repair {
  /** What the repair does, for confirmation prompts and reports. */
  String describe();

  /** The secret whose inspection offered the repair. */
  String secretArn();

  /** Removes the AWSPENDING label from an abandoned version, so the next rotation can start. */
  record RemovePendingLabel(String secretArn, String secretName, String versionId)
      implements Repair {
    @Override
    public String describe() {
      return "remove AWSPENDING from version " + versionId + " of secret " + secretName;
    }
  }

  /** Deactivates a never-used key keyrotator provably created and holds in no labelled version. */
  record DeactivateOrphanKey(String secretArn, String userName, String accessKeyId)
      implements Repair {
    @Override
    public String describe() {
      return "deactivate never-used orphan key "
          + KeyIds.shorten(accessKeyId)
          + " of user "
          + userName;
    }
  }

  /** Deletes an inactive key keyrotator provably created and holds in no labelled version. */
  record DeleteOrphanKey(String secretArn, String userName, String accessKeyId) implements Repair {
    @Override
    public String describe() {
      return "delete inactive orphan key " + KeyIds.shorten(accessKeyId) + " of user " + userName;
    }
  }

  /**
   * Removes the user's claim ({@code keyrotator:secret}) when it names a secret that no longer
   * exists or is scheduled for deletion, so that the secret that now serves the user can claim it.
   */
  record ReleaseStaleClaim(String secretArn, String userName, String claimedSecretArn)
      implements Repair {
    @Override
    public String describe() {
      return "release user "
          + userName
          + "'s claim by secret "
          + claimedSecretArn
          + ", which is gone";
    }
  }
}
