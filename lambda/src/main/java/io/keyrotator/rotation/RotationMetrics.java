package io.keyrotator.rotation;

import io.keyrotator.contract.MetricNames;
import io.keyrotator.observability.MetricsDocument;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Turns a step's report into one CloudWatch embedded-metric-format document: CloudWatch Logs
 * extracts the metrics from the log line, so no PutMetricData call and no extra permission.
 *
 * <p>Namespace {@value MetricsDocument#NAMESPACE}, dimension {@code Step}. Metrics: {@code
 * StepSucceeded}, {@code StepFailed}, {@code KeysCreated}, {@code KeysDeactivated}, {@code
 * KeysDeleted} (counts), {@code StepDuration} and {@code PropagationWait} (milliseconds).
 */
public final class RotationMetrics {
  private RotationMetrics() {}

  /** The EMF document for one finished step. */
  public static Map<String, Object> document(
      String step,
      String secretId,
      boolean succeeded,
      StepReport report,
      Duration duration,
      Instant at) {
    StepReport.Changes changes = report.changes();
    MetricsDocument document =
        MetricsDocument.at(at)
            .dimension(MetricNames.STEP_DIMENSION, step)
            .property("SecretId", secretId)
            .count(MetricNames.STEP_SUCCEEDED, succeeded ? 1 : 0)
            .count(MetricNames.STEP_FAILED, succeeded ? 0 : 1)
            .count(MetricNames.KEYS_CREATED, changes.keysCreated())
            .count(MetricNames.KEYS_DEACTIVATED, changes.keysDeactivated())
            .count(MetricNames.KEYS_DELETED, changes.keysDeleted())
            .milliseconds(MetricNames.STEP_DURATION, duration.toMillis());
    if (changes.propagationWait() != null) {
      document.milliseconds(MetricNames.PROPAGATION_WAIT, changes.propagationWait().toMillis());
    }
    return document.build();
  }
}
