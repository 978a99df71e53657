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
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsResponse;

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
    return hygiene(Map.of(), env);
  }

  /**
   * One hygiene pass with the function settings in {@code functionEnv} over the test defaults (the
   * managed users, say), the hygiene settings in {@code env}, and extra SDK interceptors.
   */
  public HygieneReport hygiene(
      Map<String, String> functionEnv,
      Map<String, String> env,
      ExecutionInterceptor... interceptors) {
    Settings settings = aws.settings(functionEnv);
    AwsClients clients = aws.clients(settings, interceptors);
    return new HygieneRun(
            clients.secretVersions(),
            clients.iamKeys(),
            ManagedScope.of(settings),
            HygieneSettings.from(env),
            false,
            clock)
        .run();
  }

  /**
   * Gives every version ListSecretVersionIds lists the creation date {@code created} answers. moto
   * answers with the time of the listing (moto 5.2.1), where AWS gives the time the version was
   * stored, which the hygiene job takes as the rotation's time; a test puts back what AWS would
   * say.
   */
  public static ExecutionInterceptor versionsCreatedAt(Supplier<Instant> created) {
    return new ExecutionInterceptor() {
      @Override
      public SdkResponse modifyResponse(
          Context.ModifyResponse context, ExecutionAttributes executionAttributes) {
        if (context.response() instanceof ListSecretVersionIdsResponse listing) {
          return listing.toBuilder()
              .versions(
                  listing.versions().stream()
                      .map(v -> v.toBuilder().createdDate(created.get()).build())
                      .toList())
              .build();
        }
        return context.response();
      }
    };
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
