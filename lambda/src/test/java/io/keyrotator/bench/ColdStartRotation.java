package io.keyrotator.bench;

import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.RotationStep;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs one rotation in a new JVM on the shaded jar, as a Lambda cold start would: the handler is
 * built by its production constructor from environment variables alone ({@code AWS_ENDPOINT_URL},
 * {@code AWS_REGION}, credentials, settings), runs the four steps, and a line is printed when the
 * first step is done and when all are. Arguments: secret id, token.
 */
public final class ColdStartRotation {
  public static final String FIRST_STEP_DONE = "first-step-done";
  public static final String ROTATION_DONE = "rotation-done";

  private ColdStartRotation() {}

  public static void main(String[] args) {
    String secretId = args[0];
    String token = args[1];
    RotationHandler handler = new RotationHandler();
    boolean first = true;
    for (RotationStep step : RotationStep.values()) {
      handler.handle(
          new RotationRequest(step, secretId, token, Optional.empty()), Duration.ofMinutes(1));
      if (first) {
        System.out.println(FIRST_STEP_DONE);
        System.out.flush();
        first = false;
      }
    }
    System.out.println(ROTATION_DONE);
  }

  /** The environment a Lambda would give the function, pointed at the emulator. */
  public static java.util.Map<String, String> lambdaLikeEnvironment(java.net.URI endpoint) {
    java.util.Map<String, String> env =
        new java.util.HashMap<>(io.keyrotator.testing.LocalAws.testEnvironment());
    env.put("AWS_ENDPOINT_URL", endpoint.toString());
    env.put("AWS_ACCESS_KEY_ID", "testing");
    env.put("AWS_SECRET_ACCESS_KEY", "testing");
    env.put("AWS_LAMBDA_FUNCTION_NAME", "keyrotator-rotation");
    return env;
  }
}
