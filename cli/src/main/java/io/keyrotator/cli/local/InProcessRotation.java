package io.keyrotator.cli.local;

import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.RotationStep;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.EntityAlreadyExistsException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;

/**
 * Rotates a secret on a local emulator the way Secrets Manager would on AWS: RotateSecret registers
 * the new AWSPENDING version, then the real handler runs the four steps with its token, here in
 * this process (the emulator cannot run a Java function).
 */
public final class InProcessRotation {
  private static final String FUNCTION_NAME = "keyrotator-rotation";

  /** How one rotation ended. */
  public record Outcome(String token, Optional<RotationStep> failedStep, Optional<String> failure) {
    public boolean succeeded() {
      return failure.isEmpty();
    }
  }

  private final SecretsManagerClient secretsManager;
  private final RotationHandler handler;
  private final String functionArn;

  private InProcessRotation(
      SecretsManagerClient secretsManager, RotationHandler handler, String functionArn) {
    this.secretsManager = secretsManager;
    this.handler = handler;
    this.functionArn = functionArn;
  }

  /**
   * Rotations with the handler on the emulator, after registering there the placeholder function
   * (and its role) that RotateSecret names: the emulator needs one to accept RotateSecret.
   */
  public static InProcessRotation on(
      MotoServer moto,
      IamClient iam,
      SecretsManagerClient secretsManager,
      RotationHandler handler,
      String region) {
    moto.post("/moto-api/config", "{\"lambda\":{\"use_docker\":false}}");
    String role;
    try {
      role =
          iam.createRole(
                  r ->
                      r.roleName(FUNCTION_NAME)
                          .assumeRolePolicyDocument(
                              "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                                  + "\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},"
                                  + "\"Action\":\"sts:AssumeRole\"}]}"))
              .role()
              .arn();
    } catch (EntityAlreadyExistsException e) {
      role = iam.getRole(r -> r.roleName(FUNCTION_NAME)).role().arn();
    }
    return new InProcessRotation(
        secretsManager, handler, moto.registerPlaceholderFunction(FUNCTION_NAME, region, role));
  }

  /** Starts a rotation (turning rotation on, every 30 days, if it is off) and returns its token. */
  public String start(String secretId) {
    DescribeSecretResponse secret = secretsManager.describeSecret(r -> r.secretId(secretId));
    boolean configured =
        Boolean.TRUE.equals(secret.rotationEnabled())
            && secret.rotationLambdaARN() != null
            && !secret.rotationLambdaARN().isEmpty();
    // Always name the function: moto forgets it when RotateSecret omits it, then labels the empty
    // new version AWSCURRENT itself. Naming the configured function is equivalent on AWS.
    String function = configured ? secret.rotationLambdaARN() : functionArn;
    return secretsManager
        .rotateSecret(
            r -> {
              r.secretId(secretId).rotationLambdaARN(function);
              if (!configured) {
                r.rotationRules(rules -> rules.automaticallyAfterDays(30L));
              }
            })
        .versionId();
  }

  /** Starts a rotation and runs its four steps; {@code progress} hears each step as it ends. */
  public Outcome rotate(String secretId, Consumer<String> progress) {
    String token = start(secretId);
    for (RotationStep step : RotationStep.values()) {
      try {
        handler.handle(
            new RotationRequest(step, secretId, token, Optional.empty()), Duration.ofMinutes(5));
        progress.accept(step.wireName() + ": done");
      } catch (RotationFailedException e) {
        progress.accept(step.wireName() + ": FAILED");
        return new Outcome(token, Optional.of(step), Optional.of(e.getMessage()));
      }
    }
    return new Outcome(token, Optional.empty(), Optional.empty());
  }
}
