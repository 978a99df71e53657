package io.keyrotator.aws;

import io.keyrotator.ports.AccountCredentials;
import io.keyrotator.ports.CredentialReport;
import io.keyrotator.ports.PasswordPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.ReportStateType;

/**
 * {@link AccountCredentials} on the SDK's IAM client: GenerateCredentialReport until IAM says the
 * report is complete (IAM reuses a report for up to 4 hours, so this is usually one call), then one
 * GetCredentialReport; and GetAccountPasswordPolicy.
 */
public final class SdkAccountCredentials implements AccountCredentials {
  /** Pauses between two polls; tests replace it. */
  interface Sleeper {
    void sleep(Duration pause) throws InterruptedException;
  }

  private final IamClient iam;
  private final Duration maxWait;
  private final Duration pollInterval;
  private final Clock clock;
  private final Sleeper sleeper;

  SdkAccountCredentials(
      IamClient iam, Duration maxWait, Duration pollInterval, Clock clock, Sleeper sleeper) {
    this.iam = iam;
    this.maxWait = maxWait;
    this.pollInterval = pollInterval;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  SdkAccountCredentials(IamClient iam, Duration maxWait, Duration pollInterval) {
    this(iam, maxWait, pollInterval, Clock.systemUTC(), p -> Thread.sleep(p.toMillis()));
  }

  @Override
  public CredentialReport credentialReport() {
    Instant deadline = clock.instant().plus(maxWait);
    ReportStateType state = iam.generateCredentialReport().state();
    while (state != ReportStateType.COMPLETE) {
      if (!clock.instant().plus(pollInterval).isBefore(deadline)) {
        throw new CredentialReportUnavailableException(
            "IAM had not finished the credential report after "
                + maxWait.toSeconds()
                + " s (state "
                + state
                + "); the audit checked nothing. Run it again in a few minutes, or raise"
                + " KEYROTATOR_AUDIT_REPORT_WAIT_SECONDS.");
      }
      try {
        sleeper.sleep(pollInterval);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CredentialReportUnavailableException(
            "interrupted while waiting for IAM's credential report; the audit checked nothing.");
      }
      state = iam.generateCredentialReport().state();
    }
    GetCredentialReportResponse report = iam.getCredentialReport();
    Instant generated = report.generatedTime() == null ? clock.instant() : report.generatedTime();
    return CredentialReportCsv.parse(report.content().asUtf8String(), generated);
  }

  @Override
  public Optional<PasswordPolicy> passwordPolicy() {
    try {
      var policy = iam.getAccountPasswordPolicy().passwordPolicy();
      return Optional.of(
          new PasswordPolicy(
              policy.minimumPasswordLength() == null ? 0 : policy.minimumPasswordLength(),
              Boolean.TRUE.equals(policy.requireUppercaseCharacters()),
              Boolean.TRUE.equals(policy.requireLowercaseCharacters()),
              Boolean.TRUE.equals(policy.requireNumbers()),
              Boolean.TRUE.equals(policy.requireSymbols()),
              Optional.ofNullable(policy.passwordReusePrevention()).filter(n -> n > 0),
              Optional.ofNullable(policy.maxPasswordAge()).filter(n -> n > 0)));
    } catch (NoSuchEntityException e) {
      return Optional.empty();
    }
  }
}
