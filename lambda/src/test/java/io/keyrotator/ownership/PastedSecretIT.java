package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A careless operator pastes a secret access key into the wrong place: the value's UserName, or the
 * keyrotator:user tag (the hand step docs/rotation.md asks for on hand-made secrets). It must never
 * be repeated in a refusal, a log line, or a status/doctor finding. (Found by two red-team
 * reviews.)
 */
@ExtendWith(LocalAwsExtension.class)
class PastedSecretIT {
  private static final String USER = "app-ci";
  private static final String PASTED = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12";
  private LocalAws aws;
  private LocalJobs jobs;

  @BeforeEach
  void setUp() {
    aws.createManagedUser(USER);
  }

  private String report(SecretStatus status) {
    return status.findings().stream()
        .map(f -> f.type() + ": " + f.message())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void rotationRefusalDoesNotRepeatASecretPastedIntoTheUserTag() {
    String arn = aws.createSecret("pasted-tag", "{\"UserName\":\"" + USER + "\"}", PASTED);
    RotationHandler handler = jobs.handler(Map.of());
    Throwable refused = catchThrowable(() -> aws.rotate(handler, arn));
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).doesNotContain(PASTED);
    assertThat(String.join("\n", aws.logLines)).doesNotContain(PASTED);
  }

  @Test
  void doctorDoesNotRepeatASecretPastedIntoTheUserTag() {
    String arn = aws.createSecret("pasted-tag", "{\"UserName\":\"" + USER + "\"}", PASTED);
    String text = report(jobs.inspector(Duration.ofDays(1)).inspectSafely(arn));
    assertThat(text).doesNotContain(PASTED);
  }

  @Test
  void scheduledForDeletionFindingDoesNotRepeatASecretPastedIntoTheUserTag() {
    String arn = aws.createSecret("pasted-tag", "{\"UserName\":\"" + USER + "\"}", PASTED);
    aws.secretsManager.deleteSecret(r -> r.secretId(arn).recoveryWindowInDays(7L));
    String text = report(jobs.inspector(Duration.ofDays(1)).inspectSafely(arn));
    assertThat(text).contains("SECRET_SCHEDULED_FOR_DELETION").doesNotContain(PASTED);
  }

  @Test
  void aSecretPastedIntoUserNameIsNeverRepeated() {
    String a = aws.createSecret("pasted-user-key", "{\"UserName\":\"" + PASTED + "\"}");
    RotationHandler handler = jobs.handler(Map.of());
    Throwable refused = catchThrowable(() -> aws.rotate(handler, a));
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).doesNotContain(PASTED);
    assertThat(String.join("\n", aws.logLines)).doesNotContain(PASTED);
  }
}
