package io.keyrotator.cli;

import io.keyrotator.audit.AccountAudit;
import io.keyrotator.audit.AuditFinding;
import io.keyrotator.audit.AuditReport;
import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.contract.WholeNumberSetting;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The account-wide compliance audit from the IAM credential report: the same {@link AccountAudit}
 * the scheduled hygiene function runs.
 */
@Command(
    name = "audit",
    description = {
      "Audit the whole account from the IAM credential report; exit 1 when anything is found.",
      "Checks old or unused credentials, root access keys, console users without MFA and the"
          + " password policy."
    })
final class AuditCommand extends ReportCommand {
  /** Environment the audit settings are read from; tests replace it. */
  static Map<String, String> environment = System.getenv();

  @Option(
      names = "--max-key-age-days",
      paramLabel = "DAYS",
      description =
          "Flag unmanaged access keys older than this"
              + " (default: KEYROTATOR_AUDIT_MAX_KEY_AGE_DAYS or 90).")
  Integer maxKeyAgeDays;

  @Option(
      names = "--unused-days",
      paramLabel = "DAYS",
      description =
          "Flag credentials unused for longer than this"
              + " (default: KEYROTATOR_AUDIT_UNUSED_DAYS or 45).")
  Integer unusedDays;

  @Override
  public Integer call() {
    Map<String, String> env = new HashMap<>(environment);
    override(env, "--max-key-age-days", maxKeyAgeDays, FunctionSettings.MAX_KEY_AGE);
    override(env, "--unused-days", unusedDays, FunctionSettings.UNUSED);
    AuditSettings auditSettings = AuditSettings.from(env);
    Settings settings = aws.settings();
    AuditReport report;
    try (AwsClients clients = aws.clients(settings)) {
      report =
          new AccountAudit(
                  clients.accountCredentials(auditSettings),
                  clients.secretVersions(),
                  auditSettings,
                  Clock.systemUTC())
              .run();
    }
    return report(report.json(), out -> print(out, report), report.clean());
  }

  /**
   * Puts an option's value in place of its environment variable, after checking it against the
   * setting's range so that an error names the option, not the variable.
   */
  private static void override(
      Map<String, String> env, String option, Integer value, WholeNumberSetting setting) {
    if (value == null) {
      return;
    }
    if (!setting.allows(value)) {
      throw new CliException(ExitCodes.USAGE, option + " " + value + ": " + setting.expectation());
    }
    env.put(setting.variable(), value.toString());
  }

  static void print(PrintWriter out, AuditReport report) {
    if (report.clean()) {
      out.printf(
          "No findings: %s checked (%d managed by keyrotator), credential report generated %s.%n",
          users(report.usersChecked()), report.managedUsers(), report.reportGeneratedAt());
    } else {
      OutputOptions.printTable(
          out,
          List.of("FINDING", "USER", "CREDENTIAL", "FOUND"),
          report.findings().stream()
              .map(f -> List.of(f.type().name(), f.subject(), f.credential(), f.found()))
              .toList());
      out.println();
      out.printf(
          "%d %s in %s (%d managed by keyrotator); credential report generated %s.%n",
          report.findings().size(),
          report.findings().size() == 1 ? "finding" : "findings",
          users(report.usersChecked()),
          report.managedUsers(),
          report.reportGeneratedAt());
      out.println("What to do:");
      report.findings().stream()
          .map(AuditFinding::type)
          .distinct()
          .forEach(type -> out.printf("  %s: %s%n", type.name(), type.text().fix()));
    }
    if (!report.skipped().isEmpty()) {
      out.printf("Not checked (%d):%n", report.skipped().size());
      report.skipped().forEach(s -> out.println("  " + s));
    }
  }

  private static String users(int n) {
    return n + (n == 1 ? " IAM user" : " IAM users");
  }
}
