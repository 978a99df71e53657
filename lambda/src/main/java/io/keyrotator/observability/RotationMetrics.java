package io.keyrotator.observability;

import io.keyrotator.rotation.StepReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a step's report into one CloudWatch embedded-metric-format document: CloudWatch Logs
 * extracts the metrics from the log line, so no PutMetricData call and no extra permission.
 *
 * <p>Namespace {@value #NAMESPACE}, dimension {@code Step}. Metrics: {@code StepSucceeded},
 * {@code StepFailed}, {@code KeysCreated}, {@code KeysDeactivated}, {@code KeysDeleted} (counts),
 * {@code StepDuration} and {@code PropagationWait} (milliseconds).
 */
public final class RotationMetrics {
  public static final String NAMESPACE = "keyrotator";

  private RotationMetrics() {}

  /** The EMF document for one finished step. */
  public static Map<String, Object> document(
      String step, String secretId, boolean succeeded, StepReport report, Duration duration,
      Instant at) {
    List<Map<String, String>> definitions = new ArrayList<>();
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("Step", step);
    root.put("SecretId", secretId);
    add(root, definitions, "StepSucceeded", succeeded ? 1 : 0, "Count");
    add(root, definitions, "StepFailed", succeeded ? 0 : 1, "Count");
    add(root, definitions, "KeysCreated", report.keysCreated(), "Count");
    add(root, definitions, "KeysDeactivated", report.keysDeactivated(), "Count");
    add(root, definitions, "KeysDeleted", report.keysDeleted(), "Count");
    add(root, definitions, "StepDuration", duration.toMillis(), "Milliseconds");
    if (report.propagationWait() != null) {
      add(root, definitions, "PropagationWait", report.propagationWait().toMillis(), "Milliseconds");
    }
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", NAMESPACE);
    directive.put("Dimensions", List.of(List.of("Step")));
    directive.put("Metrics", definitions);
    Map<String, Object> aws = new LinkedHashMap<>();
    aws.put("Timestamp", at.toEpochMilli());
    aws.put("CloudWatchMetrics", List.of(directive));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("_aws", aws);
    document.putAll(root);
    return document;
  }

  private static void add(
      Map<String, Object> root,
      List<Map<String, String>> definitions,
      String name,
      long value,
      String unit) {
    definitions.add(Map.of("Name", name, "Unit", unit));
    root.put(name, value);
  }
}
