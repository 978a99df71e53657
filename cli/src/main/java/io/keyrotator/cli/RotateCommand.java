package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.cli.local.InProcessRotation;
import io.keyrotator.config.Settings;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretNotFoundException;
import io.keyrotator.ports.SecretVersions;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.InvalidRequestException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Rotates a secret now. On AWS it asks Secrets Manager (which invokes the deployed function) and,
 * with --wait, follows the rotation to its end. Against an emulator it runs the handler in this
 * process, exactly as Secrets Manager would sequence it.
 */
@Command(
    name = "rotate",
    description = "Rotate a secret now; --wait follows the rotation to its end.")
final class RotateCommand extends ReportCommand {
  @Mixin SecretIdOption secret;

  @Mixin RotationWait wait;

  @Option(
      names = "--in-process",
      negatable = true,
      description =
          "Run the rotation steps in this process (default: only against an emulator endpoint)."
              + " --no-in-process asks Secrets Manager to invoke the deployed function.")
  Boolean inProcess;

  /** How often --wait looks at the secret; tests shorten it. */
  static Duration pollInterval = Duration.ofSeconds(3);

  @Override
  public Integer call() throws InterruptedException {
    wait.requireSensible();
    Settings settings = aws.settings();
    PrintWriter out = out();
    try (AwsClients clients = aws.clients(settings)) {
      DescribeSecretResponse described = requireSecret(clients.secretsManager());
      requireKeyrotatorSecret(described);
      boolean local = inProcess != null ? inProcess : aws.emulator();
      if (local && !aws.emulator()) {
        throw new CliException(
            ExitCodes.USAGE,
            "--in-process needs an emulator endpoint (--endpoint or AWS_ENDPOINT_URL);"
                + " on AWS the deployed function runs the rotation.");
      }
      return local
          ? rotateInProcess(out, clients, settings)
          : rotateOnAws(out, clients.secretsManager(), described);
    }
  }

  /**
   * Only keyrotator's secrets are rotated from here: a secret without the {@value
   * SecretVersions#USER_TAG} tag is someone else's (a database password, another team's key), and
   * starting its rotation would run whatever function it names, or set keyrotator's on it.
   */
  private static void requireKeyrotatorSecret(DescribeSecretResponse secret) {
    boolean tagged =
        secret.hasTags()
            && secret.tags().stream().anyMatch(t -> SecretVersions.USER_TAG.equals(t.key()));
    if (!tagged) {
      throw new CliException(
          ExitCodes.USAGE,
          "secret "
              + secret.name()
              + " is not one of keyrotator's: it has no "
              + SecretVersions.USER_TAG
              + " tag naming the IAM user it serves. Nothing was changed. To bring it under"
              + " keyrotator, see docs/rotation.md (secret format); if another function rotates"
              + " it, use `aws secretsmanager rotate-secret`.");
    }
  }

  private DescribeSecretResponse requireSecret(SecretsManagerClient secretsManager) {
    try {
      return secretsManager.describeSecret(r -> r.secretId(secret.id));
    } catch (ResourceNotFoundException e) {
      throw new SecretNotFoundException(
          "secret " + secret.id + " does not exist in this account and Region.");
    }
  }

  private int rotateInProcess(PrintWriter out, AwsClients clients, Settings settings) {
    URI endpoint = aws.endpoint().orElseThrow();
    List<String> functionLog = Collections.synchronizedList(new ArrayList<>());
    RotationHandler handler =
        new RotationHandler(
            settings, aws.clientOptions(), StructuredLog.to(functionLog::add, Clock.systemUTC()));
    InProcessRotation rotation =
        InProcessRotation.on(
            MotoServer.at(endpoint),
            clients.iam(),
            clients.secretsManager(),
            handler,
            settings.region());
    InProcessRotation.Outcome outcome;
    try {
      outcome =
          rotation.rotate(
              secret.id,
              step -> {
                if (!output.json()) {
                  out.println("  " + step);
                }
              });
    } catch (InvalidRequestException e) {
      throw refused(clients.secretsManager(), e);
    }
    writeLog(clients.secretsManager(), settings, functionLog);
    return result(
        out,
        outcome.token(),
        outcome.succeeded(),
        outcome.failure().map(RotateCommand::inProcess).orElse(null),
        null);
  }

  /**
   * Writes the function's log lines where Lambda would have ({@code /aws/lambda/<function>} on the
   * emulator), so that {@code status} reads why a rotation failed as it does on AWS. A log that
   * cannot be written costs only that: {@code status} then gives the general reason.
   */
  private void writeLog(
      SecretsManagerClient secretsManager, Settings settings, List<String> lines) {
    try (CloudWatchLogsClient logs = aws.logs(settings)) {
      String function =
          secretsManager.describeSecret(r -> r.secretId(secret.id)).rotationLambdaARN();
      if (function != null) {
        new RotationLog(logs).write(RotationLog.group(function), lines, Instant.now());
      }
    } catch (SdkException notWritten) {
      // not logged: status cannot tell this run's failure and shows the rotation as ROTATING
    }
  }

  /**
   * The function's messages speak of AWS, where Secrets Manager retries; in-process nothing does.
   */
  private static String inProcess(String failure) {
    return failure.replace(
        "Secrets Manager retries the rotation",
        "nothing retries an in-process rotation (remove its AWSPENDING with `keyrotator doctor"
            + " --fix --stuck-after-minutes 0`, then rotate again)");
  }

  /**
   * RotateSecret refused: when a previous rotation's AWSPENDING is still there ("A previous
   * rotation isn't complete"; moto says "Previous rotation request is still in progress"), names
   * its version and the repair; otherwise the error as it is.
   */
  private RuntimeException refused(SecretsManagerClient secretsManager, InvalidRequestException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    if (!message.contains("previous rotation")) {
      return e;
    }
    String pending =
        secretsManager
            .describeSecret(r -> r.secretId(secret.id))
            .versionIdsToStages()
            .entrySet()
            .stream()
            .filter(v -> v.getValue().contains(SecretDescription.PENDING))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse("(gone by now: try again)");
    return new CliException(
        ExitCodes.PROBLEMS,
        "Secrets Manager refuses to start a rotation of "
            + secret.id
            + ": a previous rotation isn't complete (AWSPENDING is on version "
            + pending
            + "). If no rotation is under way, `keyrotator doctor --fix --secret-id "
            + secret.id
            + " --stuck-after-minutes 0` removes the label (or `aws secretsmanager"
            + " update-secret-version-stage --secret-id "
            + secret.id
            + " --version-stage AWSPENDING --remove-from-version-id "
            + pending
            + "`); then rotate again.");
  }

  private int rotateOnAws(
      PrintWriter out, SecretsManagerClient secretsManager, DescribeSecretResponse described)
      throws InterruptedException {
    if (described.rotationLambdaARN() == null || described.rotationLambdaARN().isEmpty()) {
      throw new CliException(
          ExitCodes.PROBLEMS,
          "secret "
              + secret.id
              + " has no rotation function: deploy it with"
              + " the CDK app (docs/deploy.md) before rotating it on AWS.");
    }
    // Naming the configured function changes nothing on AWS; moto needs it (it forgets it
    // otherwise).
    String token;
    try {
      token =
          secretsManager
              .rotateSecret(
                  r -> r.secretId(secret.id).rotationLambdaARN(described.rotationLambdaARN()))
              .versionId();
    } catch (InvalidRequestException e) {
      throw refused(secretsManager, e);
    }
    if (!wait.requested) {
      if (!output.json()) {
        out.println(
            "Rotation started: version "
                + token
                + ". Follow it with `keyrotator status --secret-id "
                + secret.id
                + "`, or run again with --wait.");
      }
      return result(out, token, true, null, "started");
    }
    Instant deadline = Instant.now().plus(wait.timeout());
    Instant start = Instant.now();
    while (true) {
      DescribeSecretResponse now = secretsManager.describeSecret(r -> r.secretId(secret.id));
      List<String> stages = now.versionIdsToStages().getOrDefault(token, List.of());
      if (stages.contains(SecretDescription.CURRENT)) {
        return result(out, token, true, null, "finished");
      }
      if (!stages.contains(SecretDescription.PENDING)) {
        return result(
            out,
            token,
            false,
            "the rotation stopped without making version "
                + token
                + " current (failed or abandoned). "
                + logsHint(now),
            "failed");
      }
      if (Instant.now().isAfter(deadline)) {
        return result(
            out,
            token,
            false,
            "the rotation is still running after "
                + wait.timeout().toSeconds()
                + " s (AWSPENDING is on "
                + token
                + "). Secrets Manager retries failed steps; "
                + logsHint(now),
            "timeout");
      }
      if (!output.json()) {
        out.println(
            "  waiting: AWSPENDING on "
                + token
                + " ("
                + Duration.between(start, Instant.now()).toSeconds()
                + " s)");
        out.flush();
      }
      Thread.sleep(pollInterval.toMillis());
    }
  }

  private static String logsHint(DescribeSecretResponse secret) {
    String function =
        Optional.ofNullable(secret.rotationLambdaARN())
            .map(arn -> arn.substring(arn.lastIndexOf(':') + 1))
            .orElse("<rotation function>");
    if (function.matches("\\d+|\\$LATEST|live")) {
      String withoutQualifier =
          secret.rotationLambdaARN().substring(0, secret.rotationLambdaARN().lastIndexOf(':'));
      function = withoutQualifier.substring(withoutQualifier.lastIndexOf(':') + 1);
    }
    return "The reason is in the function's log: `aws logs tail /aws/lambda/"
        + function
        + " --since 30m`.";
  }

  private int result(
      PrintWriter out, String token, boolean succeeded, String failure, String state) {
    if (output.json()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("secret", secret.id);
      m.put("version", token);
      m.put("succeeded", succeeded);
      m.put("state", state == null ? (succeeded ? "finished" : "failed") : state);
      m.put("error", failure);
      OutputOptions.printJson(out, m);
    } else if (succeeded && !"started".equals(state)) {
      out.println("Rotated " + secret.id + ": version " + token + " is now AWSCURRENT.");
    } else if (!succeeded) {
      out.println("Rotation of " + secret.id + " failed: " + failure);
    }
    return succeeded ? ExitCodes.OK : ExitCodes.PROBLEMS;
  }
}
