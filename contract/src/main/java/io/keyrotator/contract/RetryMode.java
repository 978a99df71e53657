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

  /**
   * Parses {@code standard} or {@code adaptive}, in any case.
   *
   * @throws IllegalArgumentException saying which values are expected
   */
  public static RetryMode parse(String value) {
    return Choices.parse(RetryMode.class, value);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
