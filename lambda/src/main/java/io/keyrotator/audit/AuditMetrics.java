package io.keyrotator.audit;

import io.keyrotator.contract.MetricNames;
import io.keyrotator.observability.MetricsDocument;
import java.util.Map;

/**
 * Turns an audit into one CloudWatch embedded-metric-format document, so alarms can watch the
 * counts. Namespace {@value MetricsDocument#NAMESPACE}, no dimensions (one account-wide series per
 * metric). Metrics (all {@code Count}): one per {@link FindingType#metricName()} ({@code
 * RootAccessKeys}, {@code OldAccessKeys}, {@code UnusedCredentials}, {@code
 * ConsoleUsersWithoutMfa}, {@code PasswordPolicyMissing}, {@code PasswordPolicyWeak}), every one
 * written even when zero so an alarm sees the finding go away; plus {@code AuditFindings} (total),
 * {@code AuditUsersChecked} and {@code AuditSkipped}.
 */
public final class AuditMetrics {
  public static final String TOTAL = MetricNames.AUDIT_FINDINGS;
  public static final String USERS_CHECKED = MetricNames.AUDIT_USERS_CHECKED;
  public static final String SKIPPED = MetricNames.AUDIT_SKIPPED;

  private AuditMetrics() {}

  /** The EMF document for one audit. */
  public static Map<String, Object> document(AuditReport report) {
    MetricsDocument document = MetricsDocument.at(report.auditedAt());
    report.counts().forEach((type, n) -> document.count(type.metricName(), n));
    return document
        .count(TOTAL, report.findings().size())
        .count(USERS_CHECKED, report.usersChecked())
        .count(SKIPPED, report.skipped().size())
        .build();
  }
}
