package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.rotation.AccessKeyRotation;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.MutableClock;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;

class RotationHandlerTest {
  private final List<String> lines = new ArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
  private final AccessKeyRotation rotation = mock(AccessKeyRotation.class);
  private final RotationHandler handler =
      new RotationHandler(rotation, StructuredLog.to(lines::add, clock), clock);

  private static ByteArrayInputStream event(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void passesTheStepAndTheLambdasRemainingTimeLessAMargin() throws Exception {
    Context context = mock(Context.class);
    Mockito.when(context.getRemainingTimeInMillis()).thenReturn(90_000);
    handler.handleRequest(
        event(
            "{\"Step\":\"create_secret\",\"SecretId\":\"arn:s\",\"ClientRequestToken\":\"t-1\",\"RotationToken\":\"rt\"}"),
        new ByteArrayOutputStream(),
        context);
    ArgumentCaptor<RotationRequest> request = ArgumentCaptor.forClass(RotationRequest.class);
    ArgumentCaptor<Duration> timeLeft = ArgumentCaptor.forClass(Duration.class);
    verify(rotation).run(request.capture(), any(), timeLeft.capture());
    assertThat(request.getValue())
        .isEqualTo(
            new RotationRequest(RotationStep.CREATE_SECRET, "arn:s", "t-1", Optional.of("rt")));
    assertThat(timeLeft.getValue()).isEqualTo(Duration.ofSeconds(85));
  }

  @Test
  void writesOneJsonLogLineAndOneMetricsDocumentPerStep() throws Exception {
    handler.handle(
        new RotationRequest(RotationStep.SET_SECRET, "arn:s", "t-1", Optional.empty()),
        Duration.ofMinutes(1));
    assertThat(lines).hasSize(2);
    Map<String, Object> log = JSON.std.mapFrom(lines.get(0));
    assertThat(log)
        .containsEntry("level", "INFO")
        .containsEntry("step", "setSecret")
        .containsEntry("secretId", "arn:s")
        .containsEntry("token", "t-1")
        .containsEntry("outcome", "succeeded");
    Map<String, Object> emf = JSON.std.mapFrom(lines.get(1));
    assertThat(emf)
        .containsKey("_aws")
        .containsEntry("Step", "setSecret")
        .containsEntry("StepSucceeded", 1)
        .containsEntry("StepFailed", 0);
  }

  @Test
  void aFailedStepLogsTheReasonCountsAFailureAndRethrows() throws Exception {
    doThrow(new RotationFailedException("user app-ci already has 2 access keys"))
        .when(rotation)
        .run(any(), any(), any());
    assertThatThrownBy(
            () ->
                handler.handle(
                    new RotationRequest(RotationStep.CREATE_SECRET, "arn:s", "t", Optional.empty()),
                    Duration.ofMinutes(1)))
        .hasMessage("user app-ci already has 2 access keys");
    assertThat(JSON.std.mapFrom(lines.get(0)))
        .containsEntry("level", "ERROR")
        .containsEntry("outcome", "failed")
        .containsEntry("message", "user app-ci already has 2 access keys");
    assertThat(JSON.std.mapFrom(lines.get(1))).containsEntry("StepFailed", 1);
  }

  @Test
  void anUnexpectedAwsErrorBecomesAClearFailure() {
    doThrow(new IllegalStateException("Rate exceeded")).when(rotation).run(any(), any(), any());
    assertThatThrownBy(
            () ->
                handler.handle(
                    new RotationRequest(RotationStep.FINISH_SECRET, "arn:s", "t", Optional.empty()),
                    Duration.ofMinutes(1)))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining(
            "step finishSecret failed on an AWS call: IllegalStateException: Rate exceeded")
        .hasMessageContaining("Secrets Manager retries the rotation");
  }

  @Test
  void anEventThatIsNotJsonNeverReachesTheRotation() {
    assertThatThrownBy(
            () -> handler.handleRequest(event("not json"), new ByteArrayOutputStream(), null))
        .hasMessageContaining("not a JSON object");
    verify(rotation, never()).run(any(), any(), any());
  }
}
