package io.keyrotator.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of one compliance audit, and its three renderings: a readable summary (for the
 * notification), JSON (for logs and the CLI) and, via {@link io.keyrotator.audit.AuditMetrics},
 * metrics.
 *
 * @param auditedAt when the audit ran; ages are measured from here
 * @param reportGeneratedAt when IAM generated the credential report (up to 4 hours earlier)
 * @param usersChecked IAM users in the report (the root row not counted)
 * @param managedUsers users keyrotator manages (named by a secret's keyrotator:user tag)
 * @param findings what was found, in rule order
 * @param skipped report rows or users that could not be checked, each with the reason
 */
public record AuditReport(
    Instant auditedAt,
    Instant reportGeneratedAt,
    int usersChecked,
    int managedUsers,
    List<AuditFinding> findings,
    List<String> skipped) {

  /** How many findings of each type; every type is present, zero when none were found. */
  public Map<FindingType, Integer> counts() {
    Map<FindingType, Integer> counts = new EnumMap<>(FindingType.class);
    for (FindingType type : FindingType.values()) {
      counts.put(type, 0);
    }
    findings.forEach(f -> counts.merge(f.type(), 1, Integer::sum));
    return counts;
  }

  public boolean clean() {
    return findings.isEmpty();
  }

  /** A map for JSON output: counts, findings and skipped rows. */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("auditedAt", auditedAt.toString());
    json.put("reportGeneratedAt", reportGeneratedAt.toString());
    json.put("usersChecked", usersChecked);
    json.put("managedUsers", managedUsers);
    json.put("findingCount", findings.size());
    Map<String, Object> counts = new LinkedHashMap<>();
    counts().forEach((type, n) -> counts.put(type.name(), n));
    json.put("counts", counts);
    json.put("findings", findings.stream().map(AuditFinding::json).toList());
    json.put("skipped", skipped);
    return json;
  }

  /**
   * The JSON split into documents of at most {@code perBatch} findings each, for logs: a full
   * account can have tens of thousands of findings, far beyond one CloudWatch Logs event. Each
   * document carries the counts and its place ({@code batch} of {@code batches}); skipped rows go
   * in the first. A clean account gives one document with no findings.
   */
  public List<Map<String, Object>> jsonBatches(int perBatch) {
    if (perBatch < 1) {
      throw new IllegalArgumentException("perBatch must be at least 1, was " + perBatch);
    }
    int batches = Math.max(1, (findings.size() + perBatch - 1) / perBatch);
    List<Map<String, Object>> documents = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      Map<String, Object> json = json();
      json.put("batch", b + 1);
      json.put("batches", batches);
      json.put(
          "findings",
          findings.subList(b * perBatch, Math.min(findings.size(), (b + 1) * perBatch)).stream()
              .map(AuditFinding::json)
              .toList());
      if (b > 0) {
        json.put("skipped", List.of());
      }
      documents.add(json);
    }
    return documents;
  }

  /**
   * A readable multi-line summary for an SNS notification. Lists at most {@code perType} findings
   * of each type (a full account could exceed the 256 KB message limit); the JSON has them all.
   */
  public String summary(int perType) {
    StringBuilder text = new StringBuilder();
    text.append("keyrotator compliance audit: ")
        .append(
            findings.isEmpty()
                ? "no findings"
                : findings.size() + (findings.size() == 1 ? " finding" : " findings"))
        .append(" in ")
        .append(usersChecked)
        .append(usersChecked == 1 ? " IAM user (" : " IAM users (")
        .append(managedUsers)
        .append(" managed by keyrotator)\n")
        .append("Audited ")
        .append(auditedAt)
        .append(" from the credential report generated ")
        .append(reportGeneratedAt)
        .append(".\n");
    Map<FindingType, List<AuditFinding>> byType = new EnumMap<>(FindingType.class);
    findings.forEach(f -> byType.computeIfAbsent(f.type(), t -> new ArrayList<>()).add(f));
    byType.forEach(
        (type, list) -> {
          text.append('\n')
              .append(type.name())
              .append(" (")
              .append(list.size())
              .append("): ")
              .append(type.text().title())
              .append('\n');
          list.stream()
              .limit(perType)
              .forEach(
                  f ->
                      text.append("  - ")
                          .append(f.subject())
                          .append(": ")
                          .append(f.found())
                          .append('\n'));
          if (list.size() > perType) {
            text.append("  ... and ")
                .append(list.size() - perType)
                .append(" more: run `keyrotator audit -o json` for the full list\n");
          }
          text.append("  What to do: ").append(type.text().fix()).append('\n');
        });
    if (!skipped.isEmpty()) {
      text.append("\nNot checked (").append(skipped.size()).append("):\n");
      skipped.stream().limit(perType).forEach(s -> text.append("  - ").append(s).append('\n'));
    }
    return text.toString();
  }
}
