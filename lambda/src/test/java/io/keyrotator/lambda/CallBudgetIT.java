package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.config.Settings;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.CallsPerStep;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The AWS calls a steady-state rotation makes, counted per step by an SDK interceptor on moto:
 * every step reads what it needs once and passes it on, and still re-reads everything an earlier
 * invocation read (a step may be the first after a crash). The budget is the one
 * docs/performance.md states; `bench/rotation` prints the same counts.
 */
@ExtendWith(LocalAwsExtension.class)
class CallBudgetIT {
  /**
   * At most this many AWS calls for the four steps of a steady-state rotation: today's count, so
   * that no change adds a call unnoticed. The target is 20 (docs/performance.md says where the
   * calls go and which ones are still read twice).
   */
  static final int ROTATION_BUDGET = 21;

  private LocalAws aws;

  @Test
  void steadyStateRotationStaysWithinTheCallBudget() {
    FaultInjector counter = new FaultInjector();
    RotationHandler handler =
        aws.handler(
            aws.settings(
                Map.of(
                    Settings.PREVIOUS_KEY_POLICY,
                    "deactivate",
                    Settings.PROPAGATION_SUCCESSES,
                    "1")),
            counter);
    aws.createManagedUser("budget-user");
    String secret = aws.createBootstrapSecret("budget-key", "budget-user");
    for (int i = 0; i < 3; i++) {
      aws.rotate(handler, secret);
    }

    CallsPerStep calls = CallsPerStep.of(handler, counter, secret, aws.startRotation(secret));

    assertThat(calls.total())
        .as("AWS calls per step:%n%s", calls)
        .isLessThanOrEqualTo(ROTATION_BUDGET);
    assertThat(calls.of(RotationStep.CREATE_SECRET))
        .as("the steady state was reached: the inactive previous key made room")
        .contains("Iam:DeleteAccessKey", "Iam:CreateAccessKey");
    assertThat(calls.of(RotationStep.FINISH_SECRET)).contains("Iam:UpdateAccessKey");
  }
}
