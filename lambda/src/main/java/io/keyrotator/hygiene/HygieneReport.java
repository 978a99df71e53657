package io.keyrotator.hygiene;

import io.keyrotator.audit.AuditReport;
import io.keyrotator.contract.MetricNames;
import io.keyrotator.observability.MetricsDocument;
import io.keyrotator.ports.KeyIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * What one hygiene run did and found: the job's result, its notification text, its log line and its
 * metrics. Built up as the run goes, so a secret that fails half-way still reports what happened
 * before.
 */
public final class HygieneReport {
  /** A change the run made (or, in a dry run, would make). */
  public record Action(
      ActionKind kind, String secret, String user, String keyId, String reason, boolean applied) {
    String describe() {
      return (applied ? "" : "[dry run] would ")
          + kind.name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + " "
          + (keyId == null ? "" : KeyIds.shorten(keyId) + " ")
          + "of "
          + user
          + " ("
          + secret
          + "): "
          + reason;
    }
  }

  /** What an action changed; its name is the action's {@code kind} in the JSON report. */
  public enum ActionKind {
    DEACTIVATE_PREVIOUS_KEY,
    DELETE_PREVIOUS_KEY,
    /** A repair of an inspection finding, as {@code keyrotator doctor --fix} makes it. */
    REPAIR
  }

  /** Something a person should look at; nothing was changed for it. */
  public record Notice(NoticeKind kind, String secret, String message) {}

  /** A secret the run could not process, and why; the others were processed. */
  public record Skipped(String secret, String reason) {}

  /** Findings of each type the summary lists; the log has them all. */
  private static final int AUDIT_FINDINGS_IN_SUMMARY = 10;

  private final boolean dryRun;
  private AuditReport audit;
  private String auditFailure;
  private final List<Action> actions = new ArrayList<>();
  private final List<Notice> notices = new ArrayList<>();
  private final List<Skipped> skipped = new ArrayList<>();
  private int secretsChecked;

  public HygieneReport(boolean dryRun) {
    this.dryRun = dryRun;
  }

  synchronized void action(Action action) {
    actions.add(action);
  }

  synchronized void notice(Notice notice) {
    notices.add(notice);
  }

  synchronized void skipped(Skipped entry) {
    skipped.add(entry);
  }

  synchronized void checked() {
    secretsChecked++;
  }

  /** Adds the account's compliance audit to the report. */
  public synchronized void audit(AuditReport report) {
    audit = report;
  }

  /** Records that the audit could not run, and why. */
  public synchronized void auditFailed(String reason) {
    auditFailure = reason;
  }

  public boolean dryRun() {
    return dryRun;
  }

  public synchronized List<Action> actions() {
    return actions.stream().sorted(Comparator.comparing(Action::secret)).toList();
  }

  public synchronized List<Notice> notices() {
    return notices.stream().sorted(Comparator.comparing(Notice::secret)).toList();
  }

  public synchronized List<Skipped> skipped() {
    return skipped.stream().sorted(Comparator.comparing(Skipped::secret)).toList();
  }

  /** Whether anything happened that people should hear about. */
  public synchronized boolean needsAttention() {
    return !actions.isEmpty()
        || !notices.isEmpty()
        || !skipped.isEmpty()
        || auditFailure != null
        || (audit != null && !audit.clean());
  }

  /** Counts per kind, as metrics and in the report. */
  public synchronized Map<String, Integer> counts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    counts.put(MetricNames.SECRETS_CHECKED, secretsChecked);
    counts.put(
        MetricNames.PREVIOUS_KEYS_DEACTIVATED,
        count(actions, Action::kind, ActionKind.DEACTIVATE_PREVIOUS_KEY));
    counts.put(
        MetricNames.PREVIOUS_KEYS_DELETED,
        count(actions, Action::kind, ActionKind.DELETE_PREVIOUS_KEY));
    counts.put(
        MetricNames.PREVIOUS_KEYS_STILL_IN_USE,
        count(notices, Notice::kind, NoticeKind.PREVIOUS_KEY_STILL_IN_USE));
    counts.put(
        MetricNames.STUCK_ROTATIONS, count(notices, Notice::kind, NoticeKind.STUCK_ROTATION));
    counts.put(MetricNames.ORPHAN_KEYS, count(notices, Notice::kind, NoticeKind.ORPHAN_KEY));
    counts.put(MetricNames.UNOWNED_KEYS, count(notices, Notice::kind, NoticeKind.UNOWNED_KEY));
    counts.put(MetricNames.REPAIRS, count(actions, Action::kind, ActionKind.REPAIR));
    counts.put(MetricNames.SECRETS_SKIPPED, skipped.size());
    counts.put(MetricNames.AUDIT_FINDINGS, audit == null ? 0 : audit.findings().size());
    counts.put(MetricNames.AUDIT_FAILED, auditFailure == null ? 0 : 1);
    return counts;
  }

  private static <T, K extends Enum<K>> int count(List<T> entries, Function<T, K> kind, K wanted) {
    return (int) entries.stream().filter(e -> kind.apply(e) == wanted).count();
  }

  /** Appends "heading:" and one "- line" per entry, or nothing when there are no entries. */
  private static <T> void list(
      StringBuilder text, String heading, List<T> entries, Function<T, String> line) {
    if (!entries.isEmpty()) {
      text.append('\n').append(heading).append(":\n");
      entries.forEach(e -> text.append("- ").append(line.apply(e)).append('\n'));
    }
  }

  /** The readable text of the notification. */
  public synchronized String summary() {
    StringBuilder text = new StringBuilder();
    text.append("keyrotator hygiene")
        .append(dryRun ? " (dry run: nothing was changed)" : "")
        .append(": ")
        .append(secretsChecked)
        .append(" managed secret(s) checked.\n");
    list(text, "Done", actions(), Action::describe);
    list(
        text,
        "Needs a person",
        notices(),
        n -> "[" + n.kind() + "] " + n.secret() + ": " + n.message());
    list(
        text,
        "Not checked (the run went on with the others)",
        skipped(),
        s -> s.secret() + ": " + s.reason());
    if (audit != null && !audit.clean()) {
      text.append('\n').append(audit.summary(AUDIT_FINDINGS_IN_SUMMARY));
    }
    if (auditFailure != null) {
      text.append("\nThe compliance audit could not run: ").append(auditFailure).append('\n');
    }
    if (!needsAttention()) {
      text.append("Nothing to do.\n");
    }
    return text.toString();
  }

  /** The job's result: what the Lambda returns, logs, and what the CLI prints as JSON. */
  public synchronized Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("notify", needsAttention());
    map.put("summary", summary());
    map.put("dryRun", dryRun);
    map.put("counts", counts());
    map.put(
        "actions",
        actions().stream()
            .map(
                a -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("kind", a.kind().name());
                  m.put("secret", a.secret());
                  m.put("user", a.user());
                  m.put("key", a.keyId() == null ? null : KeyIds.shorten(a.keyId()));
                  m.put("reason", a.reason());
                  m.put("applied", a.applied());
                  return m;
                })
            .toList());
    map.put(
        "notices",
        notices().stream()
            .map(n -> Map.of("kind", n.kind().name(), "secret", n.secret(), "message", n.message()))
            .toList());
    map.put(
        "skipped",
        skipped().stream().map(s -> Map.of("secret", s.secret(), "reason", s.reason())).toList());
    if (audit != null) {
      Map<String, Object> auditSummary = new LinkedHashMap<>(audit.json());
      auditSummary.remove("findings"); // can be thousands: they are in the log, in batches
      map.put("audit", auditSummary);
    }
    if (auditFailure != null) {
      map.put("auditFailure", auditFailure);
    }
    return map;
  }

  /**
   * The CloudWatch embedded-metric-format document: namespace keyrotator, dimension Job=hygiene.
   */
  public Map<String, Object> metrics(Instant at) {
    MetricsDocument document =
        MetricsDocument.at(at).dimension(MetricNames.JOB_DIMENSION, MetricNames.HYGIENE_JOB);
    counts().forEach(document::count);
    return document.build();
  }
}
