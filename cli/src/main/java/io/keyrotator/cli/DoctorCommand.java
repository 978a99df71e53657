package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.inspection.Finding;
import io.keyrotator.inspection.Repair;
import io.keyrotator.inspection.Repairs;
import io.keyrotator.inspection.SecretInspector;
import io.keyrotator.inspection.SecretStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Finds what is broken around managed secrets and, with --fix, repairs what is safe to repair. */
@Command(
    name = "doctor",
    description =
        "Find stuck rotations, orphan keys and broken secrets; --fix repairs what is safe.")
final class DoctorCommand extends ReportCommand {
  @Mixin SecretSelection secrets;

  @Option(names = "--fix", description = "Repair what is safe to repair, after confirmation.")
  boolean fix;

  @Option(
      names = {"-y", "--yes"},
      description = "With --fix: do not ask for confirmation.")
  boolean yes;

  @Override
  public Integer call() {
    if (yes && !fix) {
      throw new CliException(ExitCodes.USAGE, "--yes only applies with --fix: add --fix.");
    }
    Settings settings = aws.settings();
    try (AwsClients clients = aws.clients(settings)) {
      List<SecretStatus> before = inspect(clients, settings);
      List<Repair> repairs = SecretInspector.repairs(before);
      List<String> applied =
          fix
                  && !repairs.isEmpty()
                  // with -o json, stdout carries only JSON: the question goes to stderr
                  && confirmed(output.json() ? spec.commandLine().getErr() : out(), repairs)
              ? apply(repairs, clients, settings)
              : List.of();
      // After repairs, the report shows the state they left.
      List<SecretStatus> statuses = applied.isEmpty() ? before : inspect(clients, settings);
      return report(
          json(statuses, applied),
          out -> print(out, statuses, applied),
          statuses.stream().allMatch(SecretStatus::healthy));
    }
  }

  private List<SecretStatus> inspect(AwsClients clients, Settings settings) {
    return Inspection.inspect(
        clients, settings, secrets.secretIds, secrets.stuckAfter(), Clock.systemUTC());
  }

  /** Applies each repair; returns what was done (or skipped, where the state had changed). */
  private List<String> apply(List<Repair> repairs, AwsClients clients, Settings settings) {
    Repairs repairer =
        new Repairs(
            clients.secretVersions(),
            clients.iamKeys(),
            Inspection.inspector(clients, settings, secrets.stuckAfter(), Clock.systemUTC()));
    List<String> applied = new ArrayList<>();
    for (Repair repair : repairs) {
      applied.add(
          repairer.apply(repair)
              ? repair.describe()
              : repair.describe() + " (skipped: the state changed since the inspection)");
    }
    return applied;
  }

  private boolean confirmed(PrintWriter out, List<Repair> repairs) {
    if (yes) {
      return true;
    }
    out.println("keyrotator doctor will:");
    repairs.forEach(r -> out.println("  - " + r.describe()));
    out.print("Apply these " + repairs.size() + " repairs? [y/N] ");
    out.flush();
    String answer;
    try {
      answer =
          new BufferedReader(new InputStreamReader(KeyrotatorCli.input, StandardCharsets.UTF_8))
              .readLine();
    } catch (IOException e) {
      answer = null;
    }
    if (answer == null) {
      throw new CliException(
          ExitCodes.USAGE,
          "no answer to the confirmation (no terminal?): run again with --yes to apply the"
              + " repairs.");
    }
    boolean go = answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes");
    if (!go) {
      out.println("Nothing was changed.");
    }
    return go;
  }

  private static Map<String, Object> json(List<SecretStatus> statuses, List<String> applied) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("repaired", applied);
    json.put("secrets", statuses.stream().map(Inspection::json).toList());
    return json;
  }

  private void print(PrintWriter out, List<SecretStatus> statuses, List<String> applied) {
    applied.forEach(a -> out.println("repaired: " + a));
    List<List<String>> rows = new ArrayList<>();
    for (SecretStatus s : statuses) {
      for (Finding f : s.findings()) {
        String action =
            f.repair()
                .map(r -> fix ? "not repaired" : "doctor --fix: " + r.describe())
                .orElse("left alone: needs a person");
        rows.add(List.of(s.secretName(), f.type().name(), action, f.message()));
      }
    }
    if (rows.isEmpty()) {
      out.println("No problems found in " + statuses.size() + " managed secret(s).");
      return;
    }
    OutputOptions.printTable(out, List.of("SECRET", "FINDING", "ACTION", "DETAILS"), rows);
  }
}
