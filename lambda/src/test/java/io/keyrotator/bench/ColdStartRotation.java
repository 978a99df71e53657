package io.keyrotator.bench;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.RotationStep;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Runs one rotation in a new JVM on the shaded jar, as a Lambda cold start would: builds the
 * handler, runs the four steps, and prints a line when the first step is done and when all are.
 * Arguments: endpoint, secret id, token. Settings come from the environment.
 */
public final class ColdStartRotation {
  public static final String FIRST_STEP_DONE = "first-step-done";
  public static final String ROTATION_DONE = "rotation-done";

  private ColdStartRotation() {}

  public static void main(String[] args) {
    URI endpoint = URI.create(args[0]);
    String secretId = args[1];
    String token = args[2];
    AwsClients.Options options =
        new AwsClients.Options(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")),
            Optional.of(endpoint),
            List.of());
    RotationHandler handler =
        new RotationHandler(
            Settings.fromEnvironment(), options, StructuredLog.to(line -> {}, Clock.systemUTC()));
    boolean first = true;
    for (RotationStep step : RotationStep.values()) {
      handler.handle(new RotationRequest(step, secretId, token, Optional.empty()), Duration.ofMinutes(1));
      if (first) {
        System.out.println(FIRST_STEP_DONE);
        System.out.flush();
        first = false;
      }
    }
    System.out.println(ROTATION_DONE);
  }
}
