package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;

/**
 * How AWS's answers to a managed user's own key are explained. moto refuses only unknown and
 * deleted keys (SelfServedConsumerIT); AWS answers an inactive key the same way, which only this
 * test can show.
 */
class CurrentKeyTest {
  private static AwsServiceException answer(int status, String code, String body) {
    return AwsServiceException.builder()
        .statusCode(status)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage("The security token included in the request is invalid.")
                .rawResponse(SdkBytes.fromUtf8String(body))
                .build())
        .build();
  }

  private static String explained(AwsServiceException e) {
    return CurrentKey.explain(
            e, "AKIAIOSFODNN7EXAMPLE", "app-ci-key", "the enrolled key", "enroll.")
        .getMessage();
  }

  @Test
  void anInactiveOrDeletedKeyIsSaidNotToWork() {
    // Secrets Manager's answer to an inactive or deleted key (a JSON service).
    assertThat(explained(answer(400, "UnrecognizedClientException", "{}")))
        .isEqualTo(
            "the enrolled key AKIA...MPLE for secret app-ci-key does not work"
                + " (UnrecognizedClientException): enroll.");
    // moto's: an XML body the SDK does not read for a JSON service.
    assertThat(
            explained(answer(403, null, "<ErrorResponse><Error><Code>InvalidClientTokenId</Code>")))
        .contains("does not work (InvalidClientTokenId)");
  }

  @Test
  void aDenialNamesTheSettingThatAllowsTheRead() {
    assertThat(explained(answer(400, "AccessDeniedException", "{}")))
        .contains(
            "may not read secret app-ci-key (AccessDeniedException)", "\"readers\": [\"self\"]");
  }

  @Test
  void otherErrorsAreLeftToTheErrorHandler() {
    AwsServiceException throttled = answer(400, "ThrottlingException", "{}");
    assertThat(CurrentKey.explain(throttled, "AKIAIOSFODNN7EXAMPLE", "s", "k", "w"))
        .isSameAs(throttled);
  }
}
