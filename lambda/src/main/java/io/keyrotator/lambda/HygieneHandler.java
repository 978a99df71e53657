package io.keyrotator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.audit.AccountAudit;
import io.keyrotator.audit.AuditLog;
import io.keyrotator.audit.AuditReport;
import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.hygiene.HygieneRun;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.rotation.ManagedScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hygiene job's Lambda entry point: {@code io.keyrotator.lambda.HygieneHandler::handleRequest},
 * run by an EventBridge schedule. Retires previous keys, reports stuck rotations and orphan keys,
 * and runs the account's compliance audit. It returns its report; the function's on-success
 * destination hands it to EventBridge, and a rule sends the {@code summary} to the notification
 * topic when {@code notify} is true. An input of {@code {"dryRun": true}} reports without changing
 * anything.
 */
public final class HygieneHandler implements RequestStreamHandler {
  private final Settings settings;
  private final HygieneSettings hygiene;
  private final AuditSettings auditSettings;
  private final AwsClients aws;
  private final StructuredLog log;
  private final Clock clock;

  /** Used by Lambda: settings from the environment, clients built once per container. */
  public HygieneHandler() {
    this(
        Settings.from(System.getenv()),
        HygieneSettings.from(System.getenv()),
        AuditSettings.from(System.getenv()),
        AwsClients.Options.standard(),
        StructuredLog.toStandardOut(),
        Clock.systemUTC());
  }

  /** Builds the job from explicit settings (tests). */
  public HygieneHandler(
      Settings settings,
      HygieneSettings hygiene,
      AuditSettings audit,
      AwsClients.Options options,
      StructuredLog log,
      Clock clock) {
    this.settings = settings;
    this.hygiene = hygiene;
    this.auditSettings = audit;
    this.aws = AwsClients.create(settings, options);
    this.log = log.with("job", "hygiene");
    this.clock = clock;
    aws.secretVersions();
    aws.iamKeys();
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    boolean dryRun = hygiene.dryRun() || requestsDryRun(input);
    HygieneReport report = run(dryRun);
    output.write(JSON.std.asString(report.toMap()).getBytes(StandardCharsets.UTF_8));
  }

  /** Runs one pass, logs its report and metrics, and returns it. */
  public HygieneReport run(boolean dryRun) {
    HygieneRun run =
        new HygieneRun(
            aws.secretVersions(),
            aws.iamKeys(),
            ManagedScope.of(settings),
            hygiene.withDryRun(dryRun),
            settings.deleteUnprovenKeys(),
            clock);
    HygieneReport report = run.run();
    audit(report);
    Map<String, Object> fields = new LinkedHashMap<>(report.toMap());
    fields.remove("summary");
    if (report.needsAttention()) {
      log.warn("hygiene run needs attention", fields);
    } else {
      log.info("hygiene run done", fields);
    }
    log.raw(report.metrics(clock.instant()));
    return report;
  }

  /**
   * The account-wide audit; a failure is reported, never the end of the run. It changes nothing.
   */
  private void audit(HygieneReport report) {
    try {
      AuditReport audit =
          new AccountAudit(
                  aws.accountCredentials(auditSettings), aws.secretVersions(), auditSettings, clock)
              .run();
      AuditLog.write(log, audit);
      report.audit(audit);
    } catch (RuntimeException e) {
      report.auditFailed(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  private static boolean requestsDryRun(InputStream input) {
    try {
      Object event = JSON.std.anyFrom(input);
      return event instanceof Map<?, ?> map && Boolean.TRUE.equals(map.get("dryRun"));
    } catch (IOException | RuntimeException e) {
      return false; // a scheduled event or anything else: a normal run
    }
  }
}
