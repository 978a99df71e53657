package io.keyrotator.inspection;

import io.keyrotator.observability.KeyIds;

/** A change that fixes a finding without touching anything that works. */
public sealed interface Repair {
  /** What the repair does, for confirmation prompts and reports. */
  String describe();

  /** Removes the AWSPENDING label from an abandoned version, so the next rotation can start. */
  record RemovePendingLabel(String secretArn, String secretName, String versionId) implements Repair {
    @Override
    public String describe() {
      return "remove AWSPENDING from version " + versionId + " of secret " + secretName;
    }
  }

  /** Deletes a key keyrotator created whose secret no live version holds and that was never used. */
  record DeleteOrphanKey(String userName, String accessKeyId) implements Repair {
    @Override
    public String describe() {
      return "delete never-used orphan key " + KeyIds.shorten(accessKeyId) + " of user " + userName;
    }
  }
}
