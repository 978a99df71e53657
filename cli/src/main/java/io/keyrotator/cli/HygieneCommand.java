package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.hygiene.HygieneRun;
import io.keyrotator.rotation.ManagedScope;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the hygiene job's pass on demand: the same code the scheduled function runs. */
@Command(
    name = "hygiene",
    mixinStandardHelpOptions = true,
    versionProvider = ProjectVersion.class,
    description = "Retire previous keys and report stuck rotations now; --dry-run changes nothing.")
final class HygieneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AwsOptions aws;
  @Mixin OutputOptions output;

  @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    Settings settings = aws.settings();
    HygieneSettings hygiene = HygieneSettings.fromEnvironment();
    HygieneReport report;
    try (AwsClients clients = aws.clients(settings)) {
      report =
          new HygieneRun(
                  clients.secretVersions(),
                  clients.iamKeys(),
                  ManagedScope.of(settings),
                  hygiene.withDryRun(dryRun || hygiene.dryRun()),
                  settings.deleteUnprovenKeys(),
                  Clock.systemUTC())
              .run();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (output.json()) {
      OutputOptions.printJson(out, report.toMap());
    } else {
      out.print(report.summary());
    }
    return report.notices().isEmpty() && report.skipped().isEmpty()
        ? ExitCodes.OK
        : ExitCodes.PROBLEMS;
  }
}
