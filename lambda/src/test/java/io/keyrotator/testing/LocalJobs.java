package io.keyrotator.testing;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.hygiene.HygieneRun;
import io.keyrotator.inspection.Repair;
import io.keyrotator.inspection.Repairs;
import io.keyrotator.inspection.SecretInspector;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.rotation.ManagedScope;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The hygiene job and {@code keyrotator doctor --fix} on a {@link LocalAws}, built from the
 * production clients and the test settings, judging time by the given clock (tests move it to stand
 * for days passing).
 */
public final class LocalJobs {
  private final LocalAws aws;
  private final Clock clock;

  public LocalJobs(LocalAws aws, Clock clock) {
    this.aws = aws;
    this.clock = clock;
  }

  /**
   * The real rotation handler on moto, judging its records by the jobs' clock, with the settings in
   * {@code env} over the test defaults.
   */
  public RotationHandler handler(Map<String, String> env) {
    return aws.handler(aws.settings(env), clock);
  }

  /** One hygiene pass over every managed secret, with the hygiene settings in {@code env}. */
  public HygieneReport hygiene(Map<String, String> env) {
    Settings settings = aws.settings(Map.of());
    AwsClients clients = aws.clients(settings);
    return new HygieneRun(
            clients.secretVersions(),
            clients.iamKeys(),
            ManagedScope.of(settings),
            HygieneSettings.from(env),
            false,
            clock)
        .run();
  }

  /** The inspection behind status and doctor. */
  public SecretInspector inspector(Duration stuckAfter) {
    Settings settings = aws.settings(Map.of());
    AwsClients clients = aws.clients(settings);
    return new SecretInspector(
        clients.secretVersions(), clients.iamKeys(), ManagedScope.of(settings), clock, stuckAfter);
  }

  /**
   * doctor --fix over every managed secret, any AWSPENDING counting as stuck; returns what it
   * applied.
   */
  public List<Repair> doctorFix() {
    Settings settings = aws.settings(Map.of());
    AwsClients clients = aws.clients(settings);
    SecretInspector inspector = inspector(Duration.ZERO);
    Repairs repairs = new Repairs(clients.secretVersions(), clients.iamKeys(), inspector);
    return SecretInspector.repairs(inspector.inspectAll()).stream().filter(repairs::apply).toList();
  }
}
