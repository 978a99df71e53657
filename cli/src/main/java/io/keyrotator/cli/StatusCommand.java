package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.inspection.Finding;
import io.keyrotator.inspection.SecretStatus;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One row per managed secret: its user, keys, schedule, and flags for anything wrong. */
@Command(name = "status", description = "Show every managed secret's keys, schedule and problems.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AwsOptions aws;
  @Mixin OutputOptions output;

  @Option(
      names = "--secret-id",
      description =
          "Only these secrets (repeatable; default: every secret tagged keyrotator:user).")
  List<String> secretIds;

  @Option(
      names = "--stuck-after-minutes",
      description = "AWSPENDING older than this counts as stuck (default ${DEFAULT-VALUE}).")
  long stuckAfterMinutes = 60;

  @Override
  public Integer call() {
    Settings settings = aws.settings();
    List<SecretStatus> statuses;
    try (AwsClients clients = aws.clients(settings)) {
      statuses =
          Inspection.inspect(
              clients,
              settings,
              secretIds,
              Duration.ofMinutes(stuckAfterMinutes),
              Clock.systemUTC());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOptions.printJson(out, statuses.stream().map(Inspection::json).toList());
    } else {
      print(out, statuses, Instant.now());
    }
    return statuses.stream().allMatch(SecretStatus::healthy) ? ExitCodes.OK : ExitCodes.PROBLEMS;
  }

  static void print(PrintWriter out, List<SecretStatus> statuses, Instant now) {
    if (statuses.isEmpty()) {
      out.println("No managed secrets found (secrets tagged keyrotator:user).");
      return;
    }
    OutputOptions.printTable(
        out,
        List.of(
            "SECRET",
            "USER",
            "CURRENT KEY",
            "AGE",
            "LAST USED",
            "PREVIOUS KEY",
            "ROTATION",
            "LAST ROTATED",
            "NEXT ROTATION",
            "FLAGS"),
        statuses.stream()
            .map(
                s ->
                    List.of(
                        s.secretName(),
                        s.user().orElse("-"),
                        Inspection.key(s.currentKey()),
                        Inspection.age(s.currentKey(), now),
                        Inspection.lastUsed(s.currentKey(), now),
                        Inspection.key(s.previousKey()),
                        s.rotationEnabled() ? s.schedule().orElse("on") : "off",
                        s.lastRotated()
                            .map(t -> Inspection.duration(Duration.between(t, now)) + " ago")
                            .orElse("-"),
                        s.nextRotation().map(Instant::toString).orElse("-"),
                        flags(s)))
            .toList());
  }

  private static String flags(SecretStatus s) {
    String flags =
        s.findings().stream()
            .map(Finding::type)
            .map(Enum::name)
            .distinct()
            .collect(Collectors.joining(","));
    if (s.rotationInProgress()) {
      flags = flags.isEmpty() ? "ROTATING" : "ROTATING," + flags;
    }
    return flags.isEmpty() ? "ok" : flags;
  }
}
