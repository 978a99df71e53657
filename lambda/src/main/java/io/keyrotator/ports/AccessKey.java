package io.keyrotator.ports;

import java.time.Instant;

/**
 * An access key as IAM lists it (never with its secret).
 *
 * @param id the access key id
 * @param active whether the key's status is Active
 * @param createDate when IAM created the key
 */
public record AccessKey(String id, boolean active, Instant createDate) {
  /** The id shortened for logs and messages, with its status. */
  public String describe() {
    return KeyIds.shorten(id) + " (" + (active ? "active" : "inactive") + ")";
  }
}
