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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Finds what is broken around managed secrets and, with --fix, repairs what is safe to repair. */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    versionProvider = ProjectVersion.class,
    description =
        "Find stuck rotations, orphan keys and broken secrets; --fix repairs what is safe.")
final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AwsOptions aws;
  @Mixin OutputOptions output;

  @Option(
      names = "--secret-id",
      paramLabel = "ID",
      description =
          "Only these secrets (repeatable; default: every secret tagged keyrotator:user).")
  List<String> secretIds;

  @Option(names = "--fix", description = "Repair what is safe to repair, after confirmation.")
  boolean fix;

  @Option(
      names = {"-y", "--yes"},
      description = "With --fix: do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--stuck-after-minutes",
      paramLabel = "MINUTES",
      description = "AWSPENDING older than this counts as stuck (default ${DEFAULT-VALUE}).")
  long stuckAfterMinutes = 60;

  @Override
  public Integer call() {
    Settings settings = aws.settings();
    PrintWriter out = spec.commandLine().getOut();
    Duration stuckAfter = Inspection.stuckAfter(stuckAfterMinutes);
    try (AwsClients clients = aws.clients(settings)) {
      List<SecretStatus> statuses =
          Inspection.inspect(clients, settings, secretIds, stuckAfter, Clock.systemUTC());
      List<Repair> repairs = SecretInspector.repairs(statuses);
      List<String> applied = new ArrayList<>();
      if (fix
          && !repairs.isEmpty()
          // with -o json, stdout carries only JSON: the question goes to stderr
          && confirmed(output.json() ? spec.commandLine().getErr() : out, repairs)) {
        Repairs repairer =
            new Repairs(
                clients.secretVersions(),
                clients.iamKeys(),
                Inspection.inspector(clients, settings, stuckAfter, Clock.systemUTC()));
        for (Repair repair : repairs) {
          applied.add(
              repairer.apply(repair)
                  ? repair.describe()
                  : repair.describe() + " (skipped: the state changed since the inspection)");
        }
        statuses = Inspection.inspect(clients, settings, secretIds, stuckAfter, Clock.systemUTC());
      }
      report(out, statuses, applied);
      return statuses.stream().allMatch(SecretStatus::healthy) ? ExitCodes.OK : ExitCodes.PROBLEMS;
    }
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

  private void report(PrintWriter out, List<SecretStatus> statuses, List<String> applied) {
    if (output.json()) {
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("repaired", applied);
      result.put("secrets", statuses.stream().map(Inspection::json).toList());
      OutputOptions.printJson(out, result);
      return;
    }
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
