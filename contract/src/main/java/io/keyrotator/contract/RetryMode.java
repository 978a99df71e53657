package io.keyrotator.contract;

import java.util.Locale;

/**
 * The AWS SDK retry mode the functions use for every AWS call (see the SDK's "Retry behavior"
 * documentation: standard, or adaptive with client-side rate limiting).
 */
public enum RetryMode {
  /** Retries with exponential backoff and jitter. */
  STANDARD,
  /** Standard, plus client-side rate limiting when AWS throttles. */
  ADAPTIVE;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
