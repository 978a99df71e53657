package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.inspection.Finding;
import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.ports.SecretDescription;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** One row per managed secret: its user, keys, schedule, and flags for anything wrong. */
@Command(name = "status", description = "Show every managed secret's keys, schedule and problems.")
final class StatusCommand extends ReportCommand {
  /**
   * Why an emulator's rotation that left AWSPENDING behind has failed when the function's log does
   * not say: rotations there run in-process, start to end within one `rotate`, and nothing retries
   * them.
   */
  static final String IN_PROCESS_FAILURE =
      "the in-process rotation stopped before finishSecret (`keyrotator rotate` printed the step"
          + " and why); nothing retries it: fix the cause, remove AWSPENDING with `keyrotator"
          + " doctor --fix --stuck-after-minutes 0`, then rotate again.";

  @Mixin SecretSelection secrets;

  @Option(
      names = "--function",
      paramLabel = "NAME",
      description =
          "Also list secrets whose rotation function is this one (name or ARN), tagged or not.")
  String function;

  @Override
  public Integer call() {
    Settings settings = aws.settings();
    List<SecretStatus> statuses;
    Map<String, String> failures = new HashMap<>();
    try (AwsClients clients = aws.clients(settings);
        CloudWatchLogsClient logs = aws.logs(settings)) {
      statuses =
          Inspection.inspect(
              clients,
              settings,
              secrets.secretIds,
              Optional.ofNullable(function),
              secrets.stuckAfter(),
              Clock.systemUTC());
      RotationLog log = new RotationLog(logs);
      for (SecretStatus status : statuses) {
        if (status.rotationInProgress()) {
          failure(clients.secretsManager(), log, status.secretArn(), aws.emulator())
              .ifPresent(reason -> failures.put(status.secretName(), reason));
        }
      }
    }
    return report(
        statuses.stream()
            .map(s -> json(s, Optional.ofNullable(failures.get(s.secretName()))))
            .toList(),
        out -> print(out, statuses, Instant.now(), failures),
        statuses.stream().allMatch(SecretStatus::healthy));
  }

  /**
   * Why the rotation whose AWSPENDING version is still there failed, from the function's log; empty
   * while nothing failed (or the log cannot be read).
   */
  /**
   * Why the rotation that left AWSPENDING behind failed, as the function logged it; on an emulator,
   * where rotations run in-process and nothing retries them, any logged run without an ERROR line
   * counts as stopped too. A rotation the function never logged is not called failed.
   */
  private static Optional<String> failure(
      SecretsManagerClient secretsManager, RotationLog log, String secretArn, boolean emulator) {
    String function = secretsManager.describeSecret(r -> r.secretId(secretArn)).rotationLambdaARN();
    if (function == null || function.isEmpty()) {
      return Optional.empty();
    }
    return secretsManager.listSecretVersionIds(r -> r.secretId(secretArn)).versions().stream()
        .filter(v -> v.versionStages().contains(SecretDescription.PENDING))
        .filter(v -> !v.versionStages().contains(SecretDescription.CURRENT))
        .findFirst()
        .flatMap(
            pending ->
                log.logged(
                    RotationLog.group(function),
                    pending.versionId(),
                    // moto gives the time of the listing as CreatedDate: read its whole log
                    emulator ? Instant.EPOCH : pending.createdDate().minus(Duration.ofMinutes(1))))
        .flatMap(
            logged ->
                logged
                    .failure()
                    .or(() -> emulator ? Optional.of(IN_PROCESS_FAILURE) : Optional.empty()));
  }

  private static Map<String, Object> json(SecretStatus status, Optional<String> failure) {
    Map<String, Object> json = Inspection.json(status);
    json.put("rotationInProgress", status.rotationInProgress() && failure.isEmpty());
    json.put("rotationFailure", failure.orElse(null));
    return json;
  }

  /**
   * Prints one row per secret, then why each failed rotation failed.
   *
   * @param failures by secret name: why its rotation failed, for secrets whose AWSPENDING version
   *     belongs to a failed rotation rather than one under way
   */
  static void print(
      PrintWriter out, List<SecretStatus> statuses, Instant now, Map<String, String> failures) {
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
                        flags(s, failures.containsKey(s.secretName()))))
            .toList());
    statuses.stream()
        .filter(s -> s.rotationInProgress() && failures.containsKey(s.secretName()))
        .forEach(
            s -> out.println("FAILED " + s.secretName() + ": " + failures.get(s.secretName())));
  }

  private static String flags(SecretStatus s, boolean failed) {
    String flags =
        s.findings().stream()
            .map(Finding::type)
            .map(Enum::name)
            .distinct()
            .collect(Collectors.joining(","));
    if (s.rotationInProgress()) {
      String rotation = failed ? "FAILED" : "ROTATING";
      flags = flags.isEmpty() ? rotation : rotation + "," + flags;
    }
    return flags.isEmpty() ? "ok" : flags;
  }
}
