package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.ports.AccountCredentials;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretNotFoundException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

class ErrorMessagesTest {
  private static AwsServiceException aws(String code, int status) {
    return AwsServiceException.builder()
        .statusCode(status)
        .message(code + " happened")
        .awsErrorDetails(
            AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened").build())
        .build();
  }

  @Test
  void throttlingAfterRetriesSaysToWait() {
    KeyrotatorCli.Failure failure = KeyrotatorCli.describe(aws("ThrottlingException", 400));
    assertThat(failure.exitCode()).isEqualTo(3);
    assertThat(failure.message()).contains("throttled", "ThrottlingException", "wait a minute");
  }

  @Test
  void anUnfinishedCredentialReportIsAnAwsErrorWithItsAdvice() {
    KeyrotatorCli.Failure failure =
        KeyrotatorCli.describe(
            new AccountCredentials.CredentialReportUnavailableException(
                "IAM had not finished the credential report after 120 s (state INPROGRESS); run it again"));
    assertThat(failure.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(failure.message())
        .startsWith("IAM had not finished the credential report")
        .contains("run it again");
  }

  @Test
  void accessDeniedPointsAtThePermissions() {
    KeyrotatorCli.Failure failure = KeyrotatorCli.describe(aws("AccessDeniedException", 403));
    assertThat(failure.exitCode()).isEqualTo(3);
    assertThat(failure.message()).contains("AWS refused the request", "docs/cli.md");
  }

  @Test
  void missingCredentialsSayHowToConfigureThem() {
    KeyrotatorCli.Failure failure =
        KeyrotatorCli.describe(
            SdkClientException.create(
                "Unable to load credentials from any of the providers in the chain"));
    assertThat(failure.exitCode()).isEqualTo(3);
    assertThat(failure.message()).contains("no AWS credentials found", "aws configure");
  }

  @Test
  void aMissingSecretIsExitCode4AndARotationFailureExitCode1() {
    assertThat(
            KeyrotatorCli.describe(new SecretNotFoundException("secret x does not exist"))
                .exitCode())
        .isEqualTo(4);
    assertThat(
            KeyrotatorCli.describe(
                new RotationFailedException("user app-ci already has 2 access keys")))
        .isEqualTo(new KeyrotatorCli.Failure(1, "user app-ci already has 2 access keys"));
  }
}
