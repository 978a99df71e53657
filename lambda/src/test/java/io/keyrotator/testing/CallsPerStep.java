package io.keyrotator.testing;

import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.rotation.RotationStep;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The AWS calls each step of one rotation makes, as an SDK interceptor ({@link FaultInjector})
 * counts them: "Service:Operation" names, in call order, per step.
 */
public record CallsPerStep(Map<RotationStep, List<String>> calls) {

  /** Runs the four steps of the rotation started with {@code token}, counting each step's calls. */
  public static CallsPerStep of(
      RotationHandler handler, FaultInjector counter, String secretId, String token) {
    Map<RotationStep, List<String>> perStep = new EnumMap<>(RotationStep.class);
    for (RotationStep step : RotationStep.values()) {
      counter.operations.clear();
      LocalAws.runStep(handler, step, secretId, token);
      perStep.put(step, new ArrayList<>(counter.operations));
    }
    return new CallsPerStep(perStep);
  }

  /** All calls of the rotation. */
  public int total() {
    return calls.values().stream().mapToInt(List::size).sum();
  }

  /** One step's calls. */
  public List<String> of(RotationStep step) {
    return calls.get(step);
  }

  /** One line per step: "createSecret 9: {Iam:CreateAccessKey=1, ...}", then the total. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    calls.forEach(
        (step, list) -> {
          Map<String, Integer> counts = new TreeMap<>();
          list.forEach(call -> counts.merge(call, 1, Integer::sum));
          text.append(String.format("  %-13s %2d: %s%n", step.wireName(), list.size(), counts));
        });
    return text.append(String.format("  %-13s %2d", "rotation", total())).toString();
  }
}
