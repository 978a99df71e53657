package io.keyrotator.ports;

import java.util.Optional;

/**
 * The account-wide IAM data the compliance audit reads: every user's credentials in one credential
 * report, and the account password policy. Neither call grows with the number of users.
 */
public interface AccountCredentials {
  /**
   * The current credential report, asking IAM to generate one first if needed and waiting (within a
   * bound) until it is complete.
   *
   * @throws CredentialReportUnavailableException when IAM did not finish the report in time
   */
  CredentialReport credentialReport();

  /** The account password policy, or empty when the account has none. */
  Optional<PasswordPolicy> passwordPolicy();

  /** IAM did not deliver a complete credential report within the configured wait. */
  final class CredentialReportUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CredentialReportUnavailableException(String message) {
      super(message);
    }
  }
}
