package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.infra.constructs.HygieneFunction;
import io.keyrotator.infra.constructs.HygieneSchedule;
import io.keyrotator.infra.constructs.IamUser;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;

/** The constructs' own invariants, checked when their props are built (no synthesis needed). */
class HygieneFunctionTest {
  private static final ITopic TOPIC =
      Topic.fromTopicArn(new Stack(), "Topic", "arn:aws:sns:eu-west-1:123456789012:alerts");
  private static final List<IamUser> USERS = List.of(new IamUser("app", "/"));

  @Test
  void needsATopicForItsReportsAndAlarms() {
    assertThatThrownBy(() -> HygieneFunction.Props.builder().build())
        .hasMessageContaining("topic is required");
  }

  @Test
  void refusesToManageNobody() {
    assertThatThrownBy(() -> HygieneFunction.Props.builder().topic(TOPIC).users(List.of()).build())
        .hasMessageContaining("no managed users");
  }

  @Test
  void timeoutAndRetriesStayWithinLambdasLimits() {
    assertThatThrownBy(
            () ->
                HygieneFunction.Props.builder()
                    .topic(TOPIC)
                    .users(USERS)
                    .timeout(Duration.minutes(16))
                    .build())
        .hasMessageContaining("timeout 960 s is outside Lambda's 1-900 s");
    assertThatThrownBy(
            () ->
                HygieneFunction.Props.builder().topic(TOPIC).users(USERS).retryAttempts(3).build())
        .hasMessageContaining("retryAttempts 3 is outside Lambda's 0-2");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    HygieneFunction.Props props = HygieneFunction.Props.builder().topic(TOPIC).users(USERS).build();

    assertThat(props.memorySize()).isEqualTo(1024);
    assertThat(props.timeout().toMinutes()).isEqualTo(10);
    assertThat(props.retryAttempts()).isEqualTo(1);
    assertThat(props.alarmPeriod().toHours()).isEqualTo(24);
    assertThat(props.deleteUnprovenKeys()).isFalse();
    assertThat(props.settings().schedule()).isEqualTo("cron(0 6 * * ? *)");
  }

  @Test
  void scheduleNeedsTheFunction() {
    assertThatThrownBy(() -> HygieneSchedule.Props.builder().build())
        .hasMessageContaining("function is required");
    IFunction function =
        Function.fromFunctionArn(
            new Stack(), "Fn", "arn:aws:lambda:eu-west-1:123456789012:function:keyrotator-hygiene");

    HygieneSchedule.Props props = HygieneSchedule.Props.builder().function(function).build();

    assertThat(props.expression()).isEqualTo("cron(0 6 * * ? *)");
    assertThat(props.enabled()).isTrue();
  }
}
