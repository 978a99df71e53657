package io.keyrotator.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.rotation.AccessKeyRotation;
import io.keyrotator.rotation.InvalidRequestException;
import io.keyrotator.rotation.KeyPropagation;
import io.keyrotator.rotation.RotationMetrics;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.StepReport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Lambda entry point Secrets Manager invokes once per rotation step: {@code
 * io.keyrotator.lambda.RotationHandler::handleRequest}.
 *
 * <p>Thin by design: it parses the raw event (so that {@code RotationToken} is not lost), runs the
 * step, and writes one log line and one metrics document per step. A failed step throws, which is
 * how Secrets Manager learns the rotation failed.
 */
public final class RotationHandler implements RequestStreamHandler {
  /** Time kept back from the Lambda timeout so a failing step can still log and report. */
  private static final Duration REPORTING_MARGIN = Duration.ofSeconds(5);

  private final AccessKeyRotation rotation;
  private final StructuredLog log;
  private final Clock clock;

  /** Kept so the CRaC context, which holds its resources weakly, keeps the hook. */
  @SuppressWarnings({"unused", "FieldCanBeLocal"})
  private SnapStartPriming priming;

  /**
   * Used by Lambda: settings from the environment, clients built once per container, and the
   * SnapStart priming hook registered ({@link SnapStartPriming}).
   */
  public RotationHandler() {
    this(Settings.from(System.getenv()));
  }

  private RotationHandler(Settings settings) {
    this(settings, AwsClients.Options.standard(), StructuredLog.toStandardOut());
    this.priming = SnapStartPriming.register(settings, log);
  }

  /** Builds the function from explicit settings and AWS options (tests, the CLI, the demo). */
  public RotationHandler(Settings settings, AwsClients.Options options, StructuredLog log) {
    this(settings, options, log, Clock.systemUTC());
  }

  /**
   * As {@link #RotationHandler(Settings, AwsClients.Options, StructuredLog)}, with the clock the
   * steps judge their records by (tests move it forward to stand for time passing). The wait for a
   * new key to work always runs on the system clock.
   */
  public RotationHandler(
      Settings settings, AwsClients.Options options, StructuredLog log, Clock clock) {
    this(wire(settings, AwsClients.create(settings, options), log, clock), log, Clock.systemUTC());
  }

  RotationHandler(AccessKeyRotation rotation, StructuredLog log, Clock clock) {
    this.rotation = rotation;
    this.log = log;
    this.clock = clock;
  }

  private static AccessKeyRotation wire(
      Settings settings, AwsClients aws, StructuredLog log, Clock clock) {
    KeyPropagation propagation =
        new KeyPropagation(
            aws.keyProbe(),
            Clock.systemUTC(),
            duration -> Thread.sleep(duration.toMillis()),
            settings.propagationSuccesses(),
            settings.propagationTimeout(),
            settings.propagationInterval());
    return new AccessKeyRotation(
        aws.secretVersions(), aws.iamKeys(), propagation, settings, clock, log);
  }

  @Override
  public void handleRequest(InputStream input, OutputStream output, Context context)
      throws IOException {
    Map<String, Object> event;
    try {
      event = JSON.std.mapFrom(input);
    } catch (IOException | RuntimeException e) {
      event = null;
    }
    if (event == null) {
      RotationFailedException failure =
          new InvalidRequestException(
              "the rotation event is not a JSON object; this function only serves Secrets"
                  + " Manager rotation events");
      log.error(failure.getMessage(), Map.of("outcome", "failed"));
      throw failure;
    }
    RotationRequest request;
    try {
      request = RotationRequest.fromEvent(event);
    } catch (InvalidRequestException e) {
      log.error(e.getMessage(), Map.of("outcome", "failed"));
      throw e;
    }
    Duration timeLeft =
        context == null
            ? Duration.ofMinutes(15)
            : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(REPORTING_MARGIN);
    handle(request, timeLeft);
    output.write("null".getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Runs one step and reports it.
   *
   * @throws RotationFailedException when the step failed; the message says what to do
   */
  public void handle(RotationRequest request, Duration timeLeft) {
    StructuredLog stepLog =
        log.with("secretId", request.secretId())
            .with("step", request.step().wireName())
            .with("token", request.token());
    StepReport report = new StepReport();
    Instant start = clock.instant();
    boolean succeeded = false;
    try {
      rotation.run(request, report, timeLeft);
      succeeded = true;
    } catch (RotationFailedException e) {
      stepLog.error(e.getMessage(), fields(report, start, "failed"));
      throw e;
    } catch (RuntimeException e) {
      // An AWS error the steps do not expect (throttling after retries, access denied, network).
      String message =
          "step "
              + request.step().wireName()
              + " failed on an AWS call: "
              + e.getClass().getSimpleName()
              + ": "
              + e.getMessage()
              + ". Every key that worked before still works; Secrets Manager retries the rotation.";
      stepLog.error(message, fields(report, start, "failed"));
      throw new RotationFailedException(message, e);
    } finally {
      Duration duration = Duration.between(start, clock.instant());
      if (succeeded) {
        stepLog.info("step done", fields(report, start, "succeeded"));
      }
      log.raw(
          RotationMetrics.document(
              request.step().wireName(),
              request.secretId(),
              succeeded,
              report,
              duration,
              clock.instant()));
    }
  }

  private Map<String, Object> fields(StepReport report, Instant start, String outcome) {
    Map<String, Object> fields = new LinkedHashMap<>(report.fields());
    fields.put("outcome", outcome);
    fields.put("durationMs", Duration.between(start, clock.instant()).toMillis());
    return fields;
  }
}
