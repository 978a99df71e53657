package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.hygiene.HygieneRun;
import io.keyrotator.rotation.ManagedScope;
import java.time.Clock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the hygiene job's pass on demand: the same code the scheduled function runs. */
@Command(
    name = "hygiene",
    description = "Retire previous keys and report stuck rotations now; --dry-run changes nothing.")
final class HygieneCommand extends ReportCommand {
  @Option(names = "--dry-run", description = "Report what would be done; change nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    Settings settings = aws.settings();
    HygieneSettings hygiene = HygieneSettings.from(System.getenv());
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
    return report(
        report.toMap(),
        out -> out.print(report.summary()),
        report.notices().isEmpty() && report.skipped().isEmpty());
  }
}
