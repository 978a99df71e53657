package io.keyrotator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.keyrotator.ports.AccountCredentials.CredentialReportUnavailableException;
import io.keyrotator.ports.PasswordPolicy;
import io.keyrotator.testing.CredentialReportRows;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.mockito.Mock;
import org.mockito.junit.jupiter.MockitoExtension;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.GenerateCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.GetAccountPasswordPolicyResponse;
import software.amazon.awssdk.services.iam.model.GetCredentialReportResponse;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.ReportStateType;

@ExtendWith(MockitoExtension.class)
class SdkAccountCredentialsTest {
  private static final Instant GENERATED = Instant.parse("2026-11-23T10:00:00Z");

  @Mock IamClient iam;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));

  private SdkAccountCredentials credentials(Duration wait) {
    return new SdkAccountCredentials(iam, wait, Duration.ofSeconds(2), clock, clock::advance);
  }

  private static GenerateCredentialReportResponse state(ReportStateType state) {
    return GenerateCredentialReportResponse.builder().state(state).build();
  }

  @Test
  void pollsUntilTheReportIsCompleteThenReadsItOnce() {
    when(iam.generateCredentialReport())
        .thenReturn(
            state(ReportStateType.STARTED),
            state(ReportStateType.INPROGRESS),
            state(ReportStateType.COMPLETE));
    when(iam.getCredentialReport())
        .thenReturn(
            GetCredentialReportResponse.builder()
                .content(
                    SdkBytes.fromUtf8String(
                        new CredentialReportRows()
                            .keysOnly(
                                "alice",
                                GENERATED,
                                CredentialReportRows.none(),
                                CredentialReportRows.none())
                            .csv()))
                .generatedTime(GENERATED)
                .build());

    var report = credentials(Duration.ofMinutes(1)).credentialReport();

    assertThat(report.generatedAt()).isEqualTo(GENERATED);
    assertThat(report.rows())
        .singleElement()
        .satisfies(r -> assertThat(r.user()).isEqualTo("alice"));
    verify(iam, times(3)).generateCredentialReport();
    verify(iam, times(1)).getCredentialReport();
  }

  @Test
  void givesUpAtTheBoundSayingWhatToDo() {
    when(iam.generateCredentialReport()).thenReturn(state(ReportStateType.INPROGRESS));
    assertThatThrownBy(() -> credentials(Duration.ofSeconds(10)).credentialReport())
        .isInstanceOf(CredentialReportUnavailableException.class)
        .hasMessageContaining("after 10 s (state INPROGRESS)")
        .hasMessageContaining("KEYROTATOR_AUDIT_REPORT_WAIT_SECONDS");
    verify(iam, times(5)).generateCredentialReport();
  }

  @Test
  void noPasswordPolicyIsEmptyNotAnError() {
    when(iam.getAccountPasswordPolicy())
        .thenThrow(NoSuchEntityException.builder().message("none").build());
    assertThat(credentials(Duration.ofMinutes(1)).passwordPolicy()).isEmpty();
  }

  @Test
  void readsThePolicyWithUnsetValuesAsAbsent() {
    when(iam.getAccountPasswordPolicy())
        .thenReturn(
            GetAccountPasswordPolicyResponse.builder()
                .passwordPolicy(
                    p ->
                        p.minimumPasswordLength(12)
                            .requireSymbols(true)
                            .requireNumbers(true)
                            .requireUppercaseCharacters(false)
                            .requireLowercaseCharacters(true)
                            .passwordReusePrevention(5))
                .build());
    assertThat(credentials(Duration.ofMinutes(1)).passwordPolicy())
        .contains(
            new PasswordPolicy(12, false, true, true, true, Optional.of(5), Optional.empty()));
  }
}
