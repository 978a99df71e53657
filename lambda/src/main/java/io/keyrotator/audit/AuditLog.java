package io.keyrotator.audit;

import io.keyrotator.observability.StructuredLog;

/**
 * Writes an audit to the structured log: first the embedded-metric-format document (so CloudWatch
 * extracts the counts), then the findings as JSON lines of at most {@value #FINDINGS_PER_LINE}
 * findings each, so that no line exceeds what one CloudWatch Logs event holds (a finding is about
 * 400 bytes).
 */
public final class AuditLog {
  public static final int FINDINGS_PER_LINE = 200;

  private AuditLog() {}

  /** Logs the metrics and every finding; at WARN when there are findings, INFO when clean. */
  public static void write(StructuredLog log, AuditReport report) {
    log.raw(AuditMetrics.document(report));
    for (var batch : report.jsonBatches(FINDINGS_PER_LINE)) {
      if (report.clean()) {
        log.info("compliance audit: no findings", batch);
      } else {
        log.warn("compliance audit findings", batch);
      }
    }
  }
}
