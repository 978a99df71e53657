package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * A careless operator makes a key by hand while a rotation attempt is open (after a failed
 * CreateAccessKey, or racing the rotation). Only a key the attempt record names is ever taken for
 * the attempt's: the hand-made key, which merely appeared at that time, stays active. (Found by a
 * red-team review: an earlier design took "the only new key in the window" for keyrotator's.)
 */
@ExtendWith(LocalAwsExtension.class)
class AttemptWindowIT {
  private static final String USER = "app-ci";
  private LocalAws aws;
  private MutableClock clock;

  private String setUpRotatedSecret() {
    String a = aws.rotatedOnce(USER, "a-key", aws.handler(aws.settings(Map.of()), clock));
    return a;
  }

  /** Runs an interceptor action once, right before the first IAM CreateAccessKey. */
  private static ExecutionInterceptor beforeFirstCreateKey(Runnable action) {
    AtomicBoolean done = new AtomicBoolean();
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if ("CreateAccessKey".equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            && done.compareAndSet(false, true)) {
          action.run();
        }
      }
    };
  }

  /**
   * CreateAccessKey fails (throttled/timeout); the operator then makes a key by hand; Secrets
   * Manager retries.
   */
  @Test
  void aKeyMadeByHandAfterAFailedCreateAccessKeyIsDeactivatedAndDeleted() {
    String a = setUpRotatedSecret();
    String current =
        ManagedKeySecret.parse(aws.value(a, "AWSCURRENT"), "c").accessKeyId().orElseThrow();
    RotationHandler failing =
        aws.handler(
            aws.settings(Map.of()),
            clock,
            beforeFirstCreateKey(
                () -> {
                  throw SdkClientException.create("Unable to execute HTTP request: Read timed out");
                }));
    String token = aws.startRotation(a);
    Throwable first =
        catchThrowable(() -> LocalAws.runStep(failing, RotationStep.CREATE_SECRET, a, token));
    assertThat(first).isNotNull();

    // The operator, seeing rotation fail, issues a key by hand for a consumer (not used yet).
    String handMade = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();

    RotationHandler handler = aws.handler(aws.settings(Map.of()), clock);
    Throwable retry =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, a, token));
    assertThat(aws.keyStatus(USER, handMade))
        .as(
            "hand-made key after the retry; retry said: "
                + (retry == null ? "-" : retry.getMessage()))
        .isEqualTo(StatusType.ACTIVE);
    clock.advance(Duration.ofMinutes(16));
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, a, token));
    assertThat(aws.keyStatus(USER, handMade))
        .as("hand-made key after a later retry")
        .isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * No fault at all: the operator makes a key by hand while createSecret runs (between record and
   * CreateAccessKey).
   */
  @Test
  void aKeyMadeByHandRacingCreateSecretIsDeactivatedAndDeleted() {
    String a = setUpRotatedSecret();
    AtomicReference<String> handMade = new AtomicReference<>();
    RotationHandler racing =
        aws.handler(
            aws.settings(Map.of()),
            clock,
            beforeFirstCreateKey(
                () ->
                    handMade.set(
                        aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId())));
    String token = aws.startRotation(a);
    Throwable first =
        catchThrowable(() -> LocalAws.runStep(racing, RotationStep.CREATE_SECRET, a, token));
    assertThat(first).as("CreateAccessKey hits the 2-key limit").isNotNull();

    RotationHandler handler = aws.handler(aws.settings(Map.of()), clock);
    Throwable retry =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, a, token));
    assertThat(aws.keyStatus(USER, handMade.get()))
        .as(
            "hand-made key after the retry; first: "
                + first.getMessage()
                + "; retry said: "
                + (retry == null ? "-" : retry.getMessage()))
        .isEqualTo(StatusType.ACTIVE);
    clock.advance(Duration.ofMinutes(16));
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, a, token));
    assertThat(aws.keyStatus(USER, handMade.get()))
        .as("hand-made key after a later retry")
        .isEqualTo(StatusType.ACTIVE);
  }
}
