package io.keyrotator.observability;

import io.keyrotator.contract.MetricNames;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one CloudWatch embedded metric format (EMF) document: a JSON log line from which
 * CloudWatch Logs extracts metrics, so no PutMetricData call and no extra permission is needed.
 * Shape: {@code {"_aws": {"Timestamp": <epoch ms>, "CloudWatchMetrics": [{"Namespace",
 * "Dimensions", "Metrics": [{"Name", "Unit"}]}]}, <dimension and property values>, <metric
 * values>}} (see "Specification: Embedded metric format" in the CloudWatch User Guide). The one
 * builder behind the rotation step's, the hygiene job's and the audit's metrics.
 */
public final class MetricsDocument {
  /** The namespace of every keyrotator metric. */
  public static final String NAMESPACE = MetricNames.NAMESPACE;

  private final Instant at;
  private final List<String> dimensions = new ArrayList<>();
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final List<Map<String, String>> metrics = new ArrayList<>();

  private MetricsDocument(Instant at) {
    this.at = at;
  }

  /** A document in namespace {@value #NAMESPACE}, timestamped {@code at}. */
  public static MetricsDocument at(Instant at) {
    return new MetricsDocument(at);
  }

  /** A dimension of every metric in the document, with its value. */
  public MetricsDocument dimension(String name, String value) {
    dimensions.add(name);
    values.put(name, value);
    return this;
  }

  /** A value written beside the metrics but not a metric (searchable in Logs Insights). */
  public MetricsDocument property(String name, Object value) {
    values.put(name, value);
    return this;
  }

  /** A metric with unit {@code Count}. */
  public MetricsDocument count(String name, long value) {
    return metric(name, value, "Count");
  }

  /** A metric with unit {@code Milliseconds}. */
  public MetricsDocument milliseconds(String name, long value) {
    return metric(name, value, "Milliseconds");
  }

  private MetricsDocument metric(String name, long value, String unit) {
    metrics.add(Map.of("Name", name, "Unit", unit));
    values.put(name, value);
    return this;
  }

  /** The document, ready for {@link StructuredLog#raw}. */
  public Map<String, Object> build() {
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", NAMESPACE);
    directive.put("Dimensions", List.of(List.copyOf(dimensions)));
    directive.put("Metrics", List.copyOf(metrics));
    Map<String, Object> aws = new LinkedHashMap<>();
    aws.put("Timestamp", at.toEpochMilli());
    aws.put("CloudWatchMetrics", List.of(directive));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("_aws", aws);
    document.putAll(values);
    return document;
  }
}
