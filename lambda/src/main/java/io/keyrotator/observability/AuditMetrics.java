package io.keyrotator.observability;

import io.keyrotator.audit.AuditReport;
import io.keyrotator.audit.FindingType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns an audit into one CloudWatch embedded-metric-format document, so alarms can watch the
 * counts. Namespace {@value RotationMetrics#NAMESPACE}, no dimensions (one account-wide series per
 * metric). Metrics (all {@code Count}): one per {@link FindingType#metricName()}
 * ({@code RootAccessKeys}, {@code OldAccessKeys}, {@code UnusedCredentials},
 * {@code ConsoleUsersWithoutMfa}, {@code PasswordPolicyMissing}, {@code PasswordPolicyWeak}), every
 * one written even when zero so an alarm sees the finding go away; plus {@code AuditFindings}
 * (total), {@code AuditUsersChecked} and {@code AuditSkipped}.
 */
public final class AuditMetrics {
  public static final String TOTAL = "AuditFindings";
  public static final String USERS_CHECKED = "AuditUsersChecked";
  public static final String SKIPPED = "AuditSkipped";

  private AuditMetrics() {}

  /** The EMF document for one audit. */
  public static Map<String, Object> document(AuditReport report) {
    List<Map<String, String>> definitions = new ArrayList<>();
    Map<String, Object> values = new LinkedHashMap<>();
    report.counts().forEach((type, n) -> count(values, definitions, type.metricName(), n));
    count(values, definitions, TOTAL, report.findings().size());
    count(values, definitions, USERS_CHECKED, report.usersChecked());
    count(values, definitions, SKIPPED, report.skipped().size());
    Map<String, Object> directive = new LinkedHashMap<>();
    directive.put("Namespace", RotationMetrics.NAMESPACE);
    directive.put("Dimensions", List.of(List.of()));
    directive.put("Metrics", definitions);
    Map<String, Object> aws = new LinkedHashMap<>();
    aws.put("Timestamp", report.auditedAt().toEpochMilli());
    aws.put("CloudWatchMetrics", List.of(directive));
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("_aws", aws);
    document.putAll(values);
    return document;
  }

  private static void count(
      Map<String, Object> values, List<Map<String, String>> definitions, String name, long n) {
    definitions.add(Map.of("Name", name, "Unit", "Count"));
    values.put(name, n);
  }
}
