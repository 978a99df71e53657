package io.keyrotator.cli;

import io.keyrotator.config.InvalidSettingsException;
import io.keyrotator.ports.AccountCredentials;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretNotFoundException;
import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** The {@code keyrotator} operator command. */
@Command(
    name = "keyrotator",
    mixinStandardHelpOptions = true,
    version = "keyrotator 0.1.0",
    description = "Rotate, inspect and repair IAM access keys managed by keyrotator.",
    subcommands = {
      DemoCommand.class,
      RotateCommand.class,
      StatusCommand.class,
      CredentialsCommand.class,
      DoctorCommand.class,
      HygieneCommand.class,
      AuditCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done; everything checked is healthy",
      "1:a rotation failed, problems were found, or a check failed",
      "2:the command line or a setting is wrong",
      "3:AWS could not be reached or refused (credentials, Region, access, throttling)",
      "4:the secret does not exist"
    })
public final class KeyrotatorCli {
  /** Lets commands read confirmations; tests replace it. */
  static InputStream input = System.in;

  private KeyrotatorCli() {}

  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /** Runs one command line; returns its exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(KeyrotatorCli.class);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          Failure failure = describe(e);
          commandLine.getErr().println("keyrotator: " + failure.message());
          if (System.getenv("KEYROTATOR_DEBUG") != null) {
            e.printStackTrace(commandLine.getErr());
          }
          return failure.exitCode();
        });
    return cli.execute(args);
  }

  /** What the user is told about an error, and the exit code. */
  record Failure(int exitCode, String message) {}

  static Failure describe(Exception e) {
    if (e instanceof CliFailure f) {
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
    if (e instanceof AwsServiceException aws) {
      if (aws.isThrottlingException()) {
        return new Failure(
            ExitCodes.AWS_ERROR,
            "AWS throttled the requests even after retries ("
                + aws.awsErrorDetails().errorCode()
                + "); wait a minute and run the command again.");
      }
      if (aws.statusCode() == 403) {
        return new Failure(
            ExitCodes.AWS_ERROR,
            "AWS refused the request: "
                + aws.getMessage()
                + ". Check that your credentials are"
                + " valid and allowed to do this (see docs/cli.md for the permissions).");
      }
      return new Failure(ExitCodes.AWS_ERROR, "AWS error: " + aws.getMessage());
    }
    if (e instanceof SdkClientException sdk) {
      String message = sdk.getMessage() == null ? "" : sdk.getMessage();
      if (message.contains("credentials")) {
        return new Failure(
            ExitCodes.AWS_ERROR,
            "no AWS credentials found: configure a profile (`aws configure`, then --profile or"
                + " AWS_PROFILE) or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.");
      }
      return new Failure(ExitCodes.AWS_ERROR, "could not reach AWS: " + message);
    }
    return new Failure(ExitCodes.PROBLEMS, e.getClass().getSimpleName() + ": " + e.getMessage());
  }
}
