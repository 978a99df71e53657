package io.keyrotator.inspection;

import io.keyrotator.ports.KeyUsage;
import java.time.Instant;
import java.util.Optional;

/**
 * A key a secret holds, as IAM sees it now.
 *
 * @param id the access key id
 * @param exists whether IAM still has the key
 * @param active whether it is active (false when it does not exist)
 * @param created when IAM created it, if it exists
 * @param usage its last use, if it exists
 */
public record KeyState(
    String id,
    boolean exists,
    boolean active,
    Optional<Instant> created,
    Optional<KeyUsage> usage) {

  /** "active", "inactive" or "deleted". */
  public String state() {
    return !exists ? "deleted" : active ? "active" : "inactive";
  }
}
