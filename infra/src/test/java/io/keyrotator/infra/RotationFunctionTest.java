package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import io.keyrotator.infra.config.KeyrotatorConfig.RotationSettings;
import io.keyrotator.infra.constructs.IamUser;
import io.keyrotator.infra.constructs.RotationFunction;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

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
  void timeoutBeyondLambdasLimitFailsSynthesis() {
    Stack stack = stack();
    new RotationFunction(
        stack,
        "Rotation",
        RotationFunction.Props.builder()
            .codePath(TestApps.fakeCode().toString())
            .settings(
                new RotationSettings(
                    PreviousKeyPolicy.KEEP, KeyLimitPolicy.IDLE, 7, false, 3, 880, 1000))
            .users(List.of(new IamUser("app", "/")))
            .build());

    assertThatThrownBy(() -> Template.fromStack(stack))
        .hasMessageContaining("propagationTimeoutSeconds 880 plus 60 s of headroom exceeds");
  }

  @Test
  void refusesToManageNobody() {
    assertThatThrownBy(
            () ->
                new RotationFunction(
                    stack(),
                    "Rotation",
                    RotationFunction.Props.builder()
                        .codePath(TestApps.fakeCode().toString())
                        .users(List.of())
                        .build()))
        .hasMessageContaining("no managed users");
  }

  @Test
  void refusesAUserListTooLongForTheEnvironment() {
    List<IamUser> users = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      users.add(new IamUser(String.format("%060d", i), "/"));
    }

    assertThatThrownBy(() -> RotationFunction.Props.builder().users(users).build())
        .hasMessageContaining("come to 3049 characters joined, more than 3000");
  }

  @Test
  void refusesAUserNameWithTheListSeparator() {
    assertThatThrownBy(() -> new IamUser("a,b", "/")).hasMessageContaining("without commas");
  }
}
