package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.config.Settings;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.testing.LocalAws;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapStartPrimingTest {
  /** Every operation a rotation step calls: 7 Secrets Manager, 3 IAM, 1 STS. */
  private static final int OPERATIONS = 11;

  @Test
  void primingRunsEveryOperationOfTheStepsWithoutReachingAws() {
    // Only requests the priming HTTP client answered are counted; none leaves the process.
    Map<String, String> env = new HashMap<>(LocalAws.testEnvironment());
    env.put(Settings.MANAGED_USERS, "app-ci");

    assertThat(SnapStartPriming.prime(Settings.from(env))).isEqualTo(OPERATIONS);
  }

  @Test
  void theHookLogsWhatItPrimedAndNoSecret() {
    StringBuilder out = new StringBuilder();
    StructuredLog log = StructuredLog.to(line -> out.append(line).append('\n'), Clock.systemUTC());
    Map<String, String> env = new HashMap<>(LocalAws.testEnvironment());
    env.put(Settings.MANAGED_USERS, "app-ci");

    SnapStartPriming.register(Settings.from(env), log).beforeCheckpoint(null);

    String logged = out.toString();
    assertThat(logged).contains("primed before the SnapStart snapshot", "\"awsOperations\":11");
    assertThat(logged).doesNotContain("priming-not-a-secret");
  }
}
