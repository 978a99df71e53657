package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.infra.constructs.FunctionAlarmsProps;
import io.keyrotator.infra.constructs.HygieneAlarms;
import io.keyrotator.infra.constructs.HygieneFunction;
import io.keyrotator.infra.constructs.HygieneReportDelivery;
import io.keyrotator.infra.constructs.HygieneSchedule;
import io.keyrotator.infra.constructs.ManagedIamUser;
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
  private static final List<ManagedIamUser> USERS = List.of(new ManagedIamUser("app", "/"));
  private static final IFunction FUNCTION =
      Function.fromFunctionArn(
          new Stack(), "Fn", "arn:aws:lambda:eu-west-1:123456789012:function:keyrotator-hygiene");

  @Test
  void reportAndAlarmsNeedATopic() {
    assertThatThrownBy(() -> new HygieneReportDelivery.Props.Builder().function(FUNCTION).build())
        .hasMessage("Cannot build Props, some of required attributes are not set [topic]");
    assertThatThrownBy(() -> HygieneAlarms.props().build())
        .hasMessageContaining("required attributes are not set [function, topic]");
  }

  @Test
  void refusesToManageNobody() {
    assertThatThrownBy(() -> new HygieneFunction.Props.Builder().users(List.of()).build())
        .hasMessageContaining("no managed users");
  }

  @Test
  void timeoutAndRetriesStayWithinLambdasLimits() {
    assertThatThrownBy(
            () ->
                new HygieneFunction.Props.Builder()
                    .users(USERS)
                    .timeout(Duration.minutes(16))
                    .build())
        .hasMessageContaining("timeout 960 s is outside Lambda's 1-900 s");
    assertThatThrownBy(
            () -> new HygieneFunction.Props.Builder().users(USERS).retryAttempts(3).build())
        .hasMessageContaining("retryAttempts 3 is outside Lambda's 0-2");
  }

  @Test
  void settingsOutsideTheFunctionsRangesAreRefusedByName() {
    assertThatThrownBy(
            () -> new HygieneFunction.Props.Builder().users(USERS).deleteAfterDays(0).build())
        .hasMessage("HygieneFunction: deleteAfterDays 0 is outside 1-3650");
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    HygieneFunction.Props props = new HygieneFunction.Props.Builder().users(USERS).build();

    assertThat(props.memorySize()).isEqualTo(1024);
    assertThat(props.logGroupName()).isEqualTo("/aws/lambda/keyrotator-hygiene");
    assertThat(props.timeout().toMinutes()).isEqualTo(10);
    assertThat(props.retryAttempts()).isEqualTo(1);
    assertThat(props.deleteUnprovenKeys()).isFalse();
    assertThat(props.graceDays()).isEqualTo(FunctionSettings.GRACE.defaultValue());
    assertThat(props.deleteAfterDays()).isEqualTo(FunctionSettings.DELETE_AFTER.defaultValue());
  }

  @Test
  void alarmPeriodDefaultsToADayTheJobsInterval() {
    HygieneFunction function =
        new HygieneFunction(
            new Stack(),
            "Hygiene",
            new HygieneFunction.Props.Builder()
                .codePath(TestApps.fakeCode().toString())
                .users(USERS)
                .build());

    FunctionAlarmsProps<HygieneFunction> props =
        HygieneAlarms.props().function(function).topic(TOPIC).build();

    assertThat(props.period().toHours()).isEqualTo(24);
  }

  @Test
  void scheduleNeedsTheFunction() {
    assertThatThrownBy(() -> new HygieneSchedule.Props.Builder().build())
        .hasMessageContaining("required attributes are not set [function]");
    HygieneSchedule.Props props = new HygieneSchedule.Props.Builder().function(FUNCTION).build();

    assertThat(props.expression()).isEqualTo("cron(0 6 * * ? *)");
    assertThat(props.enabled()).isTrue();
  }
}
