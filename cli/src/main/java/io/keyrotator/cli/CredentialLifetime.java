package io.keyrotator.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --ttl-minutes}: how long SDKs may use the printed key before they run the command again.
 */
final class CredentialLifetime {
  /**
   * 30 minutes: botocore (boto3, the AWS CLI) refreshes credentials that expire within 15 minutes
   * before every call, so a shorter lifetime makes it run this command (a JVM start) for each API
   * call; with 30 one run serves a quarter of an hour. The Java SDK refreshes 15 seconds before the
   * expiry. CredentialLifetimeIT counts the runs; docs/consumers.md cites the SDKs. Longer would
   * keep a replaced key in use longer under the deactivate and delete previous-key policies.
   */
  static final int DEFAULT_TTL_MINUTES = 30;

  /** The longest --ttl-minutes: an hour. */
  static final int MAX_TTL_MINUTES = 60;

  @Option(
      names = "--ttl-minutes",
      paramLabel = "MINUTES",
      description = "When SDKs should read the key again (1-60, default ${DEFAULT-VALUE}).")
  int ttlMinutes = DEFAULT_TTL_MINUTES;

  /**
   * How far ahead of now the printed {@code Expiration} lies.
   *
   * @throws CliException (usage) outside 1 to {@value #MAX_TTL_MINUTES}
   */
  Duration lifetime() {
    CliException.requireInRange("--ttl-minutes", ttlMinutes, 1, MAX_TTL_MINUTES, "minutes");
    return Duration.ofMinutes(ttlMinutes);
  }
}
