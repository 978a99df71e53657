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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One row per managed secret: its user, keys, schedule, and flags for anything wrong. */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    versionProvider = ProjectVersion.class,
    description = "Show every managed secret's keys, schedule and problems.")
final class StatusCommand implements Callable<Integer> {
  /**
   * Why an emulator's rotation that left AWSPENDING behind has failed: rotations there run
   * in-process, start to end within one `rotate`, and nothing retries them.
   */
  static final String IN_PROCESS_FAILURE =
      "the in-process rotation stopped before finishSecret (`keyrotator rotate` printed the step"
          + " and why); nothing retries it: fix the cause, remove AWSPENDING with `keyrotator"
          + " doctor --fix --stuck-after-minutes 0`, then rotate again";

  @Spec CommandSpec spec;
  @Mixin AwsOptions aws;
  @Mixin OutputOptions output;

  @Option(
      names = "--secret-id",
      paramLabel = "ID",
      description =
          "Only these secrets (repeatable; default: every secret tagged keyrotator:user).")
  List<String> secretIds;

  @Option(
      names = "--function",
      paramLabel = "NAME",
      description =
          "Also list secrets whose rotation function is this one (name or ARN), tagged or not.")
  String function;

  @Option(
      names = "--stuck-after-minutes",
      paramLabel = "MINUTES",
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
              Optional.ofNullable(function),
              Duration.ofMinutes(stuckAfterMinutes),
              Clock.systemUTC());
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean inProcess = aws.emulator();
    if (output.json()) {
      OutputOptions.printJson(out, statuses.stream().map(s -> json(s, inProcess)).toList());
    } else {
      print(out, statuses, Instant.now(), inProcess);
    }
    return statuses.stream().allMatch(SecretStatus::healthy) ? ExitCodes.OK : ExitCodes.PROBLEMS;
  }

  private static Map<String, Object> json(SecretStatus status, boolean inProcess) {
    Map<String, Object> json = Inspection.json(status);
    boolean failed = inProcess && status.rotationInProgress();
    json.put("rotationInProgress", status.rotationInProgress() && !failed);
    json.put("rotationFailure", failed ? IN_PROCESS_FAILURE : null);
    return json;
  }

  /**
   * Prints one row per secret.
   *
   * @param inProcess whether rotations run in-process (an emulator), where an AWSPENDING version
   *     left behind is a failed rotation rather than one under way
   */
  static void print(PrintWriter out, List<SecretStatus> statuses, Instant now, boolean inProcess) {
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
                        flags(s, inProcess)))
            .toList());
    if (inProcess && statuses.stream().anyMatch(SecretStatus::rotationInProgress)) {
      out.println();
      out.println("FAILED: " + IN_PROCESS_FAILURE + ".");
    }
  }

  private static String flags(SecretStatus s, boolean inProcess) {
    String flags =
        s.findings().stream()
            .map(Finding::type)
            .map(Enum::name)
            .distinct()
            .collect(Collectors.joining(","));
    if (s.rotationInProgress()) {
      String rotation = inProcess ? "FAILED" : "ROTATING";
      flags = flags.isEmpty() ? rotation : rotation + "," + flags;
    }
    return flags.isEmpty() ? "ok" : flags;
  }
}
