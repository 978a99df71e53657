package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.infra.constructs.ManagedIamUser;
import io.keyrotator.infra.constructs.RotationFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;

/** The construct's own invariants, used outside the app's validated configuration. */
class RotationFunctionTest {

  private static Stack stack() {
    return new Stack(
        new App(),
        "Test",
        StackProps.builder()
            .env(Environment.builder().account("123456789012").region("eu-west-1").build())
            .build());
  }

  @Test
  void timeoutBeyondLambdasLimitIsRefusedWhenThePropsAreBuilt() {
    assertThatThrownBy(
            () ->
                new RotationFunction.Props.Builder()
                    .codePath(TestApps.fakeCode().toString())
                    .propagationTimeoutSeconds(880)
                    .users(List.of(new ManagedIamUser("app", "/")))
                    .build())
        .hasMessageContaining(
            "RotationFunction: propagationTimeoutSeconds 880 plus 60 s of headroom exceeds");
  }

  @Test
  void settingsOutsideTheFunctionsRangesAreRefusedByName() {
    assertThatThrownBy(
            () ->
                new RotationFunction.Props.Builder()
                    .users(List.of(new ManagedIamUser("app", "/")))
                    .idleDays(-1)
                    .build())
        .hasMessage("RotationFunction: idleDays -1 is outside 0-3650");
    assertThatThrownBy(
            () ->
                new RotationFunction.Props.Builder()
                    .users(List.of(new ManagedIamUser("app", "/")))
                    .propagationIntervalMillis(5)
                    .build())
        .hasMessage("RotationFunction: propagationIntervalMillis 5 is outside 10-60000");
  }

  @Test
  void defaultsAreTheFunctionsOwn() {
    RotationFunction.Props props =
        new RotationFunction.Props.Builder().users(List.of(new ManagedIamUser("app", "/"))).build();

    assertThat(props.functionName()).isEqualTo("keyrotator-rotation");
    assertThat(props.logGroupName()).isEqualTo("/aws/lambda/keyrotator-rotation");
    assertThat(props.memorySize()).isEqualTo(512);
    assertThat(props.roleName()).isEmpty();
    assertThat(props.previousKeyPolicy()).isEqualTo(FunctionSettings.DEFAULT_PREVIOUS_KEY_POLICY);
    assertThat(props.keyLimitPolicy()).isEqualTo(FunctionSettings.DEFAULT_KEY_LIMIT_POLICY);
    assertThat(props.idleDays()).isEqualTo(FunctionSettings.IDLE.defaultValue());
    assertThat(props.propagationTimeoutSeconds())
        .isEqualTo(FunctionSettings.PROPAGATION_TIMEOUT.defaultValue());
  }

  @Test
  void refusesToManageNobody() {
    assertThatThrownBy(
            () ->
                new RotationFunction(
                    stack(),
                    "Rotation",
                    new RotationFunction.Props.Builder()
                        .codePath(TestApps.fakeCode().toString())
                        .users(List.of())
                        .build()))
        .hasMessageContaining("no managed users");
  }

  @Test
  void refusesAUserListTooLongForTheEnvironment() {
    List<ManagedIamUser> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(new ManagedIamUser(String.format("%060d", i), "/"));
    }

    assertThatThrownBy(() -> new RotationFunction.Props.Builder().users(users).build())
        .hasMessageContaining(
            "RotationFunction: users: the managed user names come to 3049 characters joined, more"
                + " than 3000");
  }

  @Test
  void refusesAUserNameWithTheListSeparator() {
    assertThatThrownBy(() -> new ManagedIamUser("a,b", "/")).hasMessageContaining("without commas");
  }
}
