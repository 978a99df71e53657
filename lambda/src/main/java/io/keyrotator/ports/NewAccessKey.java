package io.keyrotator.ports;

import java.time.Instant;

/**
 * A key IAM just created: the only moment its secret can be read.
 *
 * @param id the access key id
 * @param secret the secret access key; never log it
 * @param createDate when IAM created the key
 */
public record NewAccessKey(String id, String secret, Instant createDate) {
  @Override
  public String toString() {
    return "NewAccessKey[" + KeyIds.shorten(id) + ", secret hidden, " + createDate + "]";
  }
}
