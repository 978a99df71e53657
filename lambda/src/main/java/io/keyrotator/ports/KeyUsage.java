package io.keyrotator.ports;

import java.time.Instant;
import java.util.Optional;

/**
 * When and where an access key was last used, as IAM reports it (with some delay).
 *
 * @param lastUsed empty when the key was never used
 * @param service the service it was last used with, e.g. {@code s3}
 * @param region the Region it was last used in
 */
public record KeyUsage(Optional<Instant> lastUsed, String service, String region) {
  /** A key with no recorded use. */
  public static KeyUsage never() {
    return new KeyUsage(Optional.empty(), "N/A", "N/A");
  }

  @Override
  public String toString() {
    return lastUsed.map(t -> t + " (" + service + " in " + region + ")").orElse("never used");
  }
}
