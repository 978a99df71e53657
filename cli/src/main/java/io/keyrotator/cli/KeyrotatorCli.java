package io.keyrotator.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code keyrotator} operator command. */
@Command(
    name = "keyrotator",
    mixinStandardHelpOptions = true,
    versionProvider = ProjectVersion.class,
    description = "Rotate, inspect and repair IAM access keys managed by keyrotator.",
    subcommands = {
      DemoCommand.class,
      RotateCommand.class,
      StatusCommand.class,
      CredentialsCommand.class,
      EnrollCommand.class,
      DoctorCommand.class,
      HygieneCommand.class,
      AuditCommand.class,
      AdoptCommand.class,
      HelpCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done; everything checked is healthy",
      "1:a rotation failed, problems were found, or a check failed",
      "2:the command line or a setting is wrong",
      "3:AWS could not be reached or refused (credentials, profile, Region, endpoint, access,"
          + " throttling; moto missing for demo)",
      "4:the secret does not exist"
    })
public final class KeyrotatorCli {
  /** Columns of every --help; docs/cli.md holds the same text (CliDocsTest). */
  static final int USAGE_WIDTH = 100;

  /** Lets commands read confirmations; tests replace it. */
  static InputStream input = System.in;

  private KeyrotatorCli() {}

  /** Runs the command line and exits with its code, after everything printed has been flushed. */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int exitCode = run(out, err, args);
    out.flush();
    err.flush();
    System.exit(exitCode);
  }

  /** Runs one command line; returns its exit code (see {@link ExitCodes}). */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    String endpoint = System.getenv(AwsOptions.ENDPOINT_VARIABLE);
    if (endpoint != null && endpoint.isBlank()) {
      // An empty AWS_ENDPOINT_URL means "no endpoint" to the AWS CLI; the SDK would read it as a
      // URL without a scheme. keyrotator passes its endpoint to every client itself.
      System.setProperty("aws.ignoreConfiguredEndpointUrls", "true");
    }
    return commandLine(out, err).execute(args);
  }

  /** The command tree with its output, error handling and help settings, ready to execute. */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    ErrorHandler errors = new ErrorHandler();
    CommandLine cli = new CommandLine(KeyrotatorCli.class);
    cli.setOut(out);
    cli.setErr(err);
    cli.setExecutionExceptionHandler(errors);
    cli.setParameterExceptionHandler(errors);
    // Wide enough that an endpoint URL in a description is not broken at its dots.
    cli.setUsageHelpWidth(USAGE_WIDTH);
    return cli;
  }
}
