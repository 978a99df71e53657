package io.keyrotator.cli;

import io.keyrotator.config.InvalidSettingsException;
import io.keyrotator.ports.AccountCredentials;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretNotFoundException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * The one place errors reach the user: every command-line mistake and every exception a command
 * throws becomes one line on stderr, {@code keyrotator: <what happened and what to do>}, and the
 * exit code docs/cli.md lists. The stack trace is printed only with {@code KEYROTATOR_DEBUG=1}.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

  /** What the user is told about an error, and the exit code. */
  record Failure(int exitCode, String message) {}

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    ParseResult parsed = command.getParseResult();
    if (!(e instanceof UnmatchedArgumentException)
        && parsed != null
        && !parsed.unmatched().isEmpty()) {
      // A misspelt option also leaves a required one missing: the typo is the news.
      e = new UnmatchedArgumentException(command, parsed.unmatched());
    }
    StringBuilder message = new StringBuilder(e.getMessage().replaceAll("\\.$", ""));
    if (e.getMessage().startsWith("Missing required subcommand")) {
      List<String> names = new ArrayList<>(command.getSubcommands().keySet());
      names.remove("help");
      message = new StringBuilder("name a command: " + String.join(", ", names));
    }
    java.util.regex.Matcher unknown =
        java.util.regex.Pattern.compile("Unknown subcommand '(.*)'").matcher(e.getMessage());
    if (unknown.find()) {
      // `help statu`: picocli's help command does not suggest, as the parser does for `statu`.
      String typed = unknown.group(1);
      List<String> close =
          command.getParent() == null
              ? closest(typed, command.getSubcommands().keySet())
              : closest(typed, command.getParent().getSubcommands().keySet());
      if (!close.isEmpty()) {
        message.append("; did you mean ").append(String.join(" or ", close)).append('?');
      }
    }
    if (e instanceof UnmatchedArgumentException unmatched) {
      List<String> suggestions = unmatched.getSuggestions();
      if (!suggestions.isEmpty()) {
        message.append("; did you mean ").append(String.join(" or ", suggestions)).append('?');
      }
    }
    message.append(" (see `").append(command.getCommandSpec().qualifiedName()).append(" --help`)");
    return report(command.getErr(), e, new Failure(ExitCodes.USAGE, message.toString()));
  }

  /** The command names at most two edits away from what was typed. */
  static List<String> closest(String typed, java.util.Collection<String> names) {
    return names.stream().filter(n -> !n.equals("help") && edits(typed, n) <= 2).toList();
  }

  private static int edits(String a, String b) {
    int[] previous = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      int[] current = new int[b.length() + 1];
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      previous = current;
    }
    return previous[b.length()];
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine command, ParseResult parsed) {
    return report(command.getErr(), e, describe(e, awsOptions(command.getCommandSpec())));
  }

  private static int report(PrintWriter err, Exception e, Failure failure) {
    String message = failure.message().replaceAll("\\s*\\R\\s*", " ").strip();
    err.println(message.startsWith("keyrotator") ? message : "keyrotator: " + message);
    if ("1".equals(System.getenv("KEYROTATOR_DEBUG"))) {
      e.printStackTrace(err);
    }
    err.flush();
    return failure.exitCode();
  }

  /** The command's AWS options (its {@code aws} mixin), to name the endpoint and profile used. */
  private static Optional<AwsOptions> awsOptions(CommandSpec spec) {
    return Optional.ofNullable(spec.mixins().get("aws"))
        .map(CommandSpec::userObject)
        .filter(AwsOptions.class::isInstance)
        .map(AwsOptions.class::cast);
  }

  /** The message and exit code for an exception, without knowing where the command connected. */
  static Failure describe(Exception e) {
    return describe(e, Optional.empty());
  }

  static Failure describe(Exception e, Optional<AwsOptions> aws) {
    if (e instanceof CliException f) {
      return new Failure(f.exitCode(), f.getMessage());
    }
    if (e instanceof SecretNotFoundException || e instanceof ResourceNotFoundException) {
      return new Failure(ExitCodes.NOT_FOUND, e.getMessage());
    }
    if (e instanceof InvalidSettingsException) {
      return new Failure(ExitCodes.USAGE, e.getMessage());
    }
    if (e instanceof AccountCredentials.CredentialReportUnavailableException) {
      return new Failure(ExitCodes.AWS_ERROR, e.getMessage());
    }
    if (e instanceof RotationFailedException) {
      return new Failure(ExitCodes.PROBLEMS, e.getMessage());
    }
    String target = aws.map(AwsOptions::target).orElse("AWS");
    if (e instanceof AwsServiceException service) {
      return new Failure(ExitCodes.AWS_ERROR, awsError(service, target));
    }
    if (e instanceof SdkClientException sdk) {
      String message = sdk.getMessage() == null ? "" : sdk.getMessage();
      if (message.contains("credentials")) {
        String profile = aws.flatMap(AwsOptions::profileName).orElse(null);
        return new Failure(
            ExitCodes.AWS_ERROR,
            profile != null
                ? "no AWS credentials found in profile "
                    + profile
                    + ": set aws_access_key_id and aws_secret_access_key, sso_session,"
                    + " role_arn or credential_process in it (`aws configure --profile "
                    + profile
                    + "`)."
                : "no AWS credentials found (no --profile or AWS_PROFILE, and the SDK's default"
                    + " chain found none): configure a profile (`aws configure`, then --profile"
                    + " or AWS_PROFILE) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
      }
      return new Failure(
          ExitCodes.AWS_ERROR,
          "could not reach "
              + target
              + " ("
              + message
              + ")"
              + (target.startsWith("AWS")
                  ? ": check the network and the Region."
                  : ": is the emulator running there?"));
    }
    return new Failure(
        ExitCodes.PROBLEMS,
        "unexpected error "
            + e.getClass().getSimpleName()
            + ": "
            + e.getMessage()
            + " (KEYROTATOR_DEBUG=1 prints the stack trace)");
  }

  private static String awsError(AwsServiceException aws, String target) {
    if (aws.isThrottlingException()) {
      return "AWS throttled the requests even after retries ("
          + aws.awsErrorDetails().errorCode()
          + "); wait a minute and run the command again.";
    }
    if (aws.statusCode() == 403) {
      return "AWS refused the request: "
          + aws.getMessage()
          + ". Check that your credentials are"
          + " valid and allowed to do this (see docs/cli.md for the permissions).";
    }
    return "AWS error from " + target + ": " + aws.getMessage();
  }
}
