package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.config.Settings;
import io.keyrotator.rotation.ManagedKeySecret;
import io.keyrotator.rotation.RotationFailure;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.FaultInjector.When;
import io.keyrotator.testing.LocalAws;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * For every AWS call a full rotation makes, in turn: make it fail before it takes effect, and
 * after; then rerun the rotation with the same token, as Secrets Manager retries it. The rotation
 * chosen makes every kind of change: at the two-key limit (deletes the inactive previous key),
 * with the deactivate policy (deactivates the replaced key).
 */
class CrashPointIT {
  private static final String USER = "app-ci";
  private static final String BYSTANDER = "other-app";
  private static final Map<String, String> POLICY = Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate");

  /** Account state before the rotation under test. */
  private record Arranged(LocalAws aws, String secret, String previousKey, String bystanderKey) {}

  private static Arranged arrange() {
    LocalAws aws = LocalAws.fresh();
    aws.createManagedUser(USER);
    aws.createManagedUser(BYSTANDER);
    String bystanderKey = aws.iam.createAccessKey(r -> r.userName(BYSTANDER)).accessKey().accessKeyId();
    String secret = aws.createBootstrapSecret("app-ci-key", USER);
    RotationHandler handler = aws.handler(aws.settings(POLICY));
    aws.rotate(handler, secret);
    String first = ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "c").accessKeyId().orElseThrow();
    aws.rotate(handler, secret);
    assertThat(aws.keys(USER)).hasSize(2);
    return new Arranged(aws, secret, first, bystanderKey);
  }

  @TestFactory
  Stream<DynamicTest> everyCallCrashingBeforeOrAfterItTakesEffectEndsWell() {
    List<String> operations;
    Arranged dryRun = arrange();
    try {
      FaultInjector counter = new FaultInjector();
      dryRun.aws().rotate(dryRun.aws().handler(dryRun.aws().settings(POLICY), counter), dryRun.secret());
      operations = List.copyOf(counter.operations);
    } finally {
      dryRun.aws().close();
    }
    assertThat(operations).contains("Iam:CreateAccessKey", "Iam:DeleteAccessKey", "Iam:UpdateAccessKey",
        "SecretsManager:PutSecretValue", "SecretsManager:UpdateSecretVersionStage");

    List<DynamicTest> tests = new ArrayList<>();
    for (int i = 1; i <= operations.size(); i++) {
      for (When when : When.values()) {
        int call = i;
        String name = "call " + call + " (" + operations.get(call - 1) + ") fails " + when.name().toLowerCase() + " it takes effect";
        tests.add(DynamicTest.dynamicTest(name, () -> crashThenRetry(call, when)));
      }
    }
    return tests.stream();
  }

  private void crashThenRetry(int call, When when) {
    Arranged arranged = arrange();
    LocalAws aws = arranged.aws();
    try {
      FaultInjector faults = new FaultInjector();
      RotationHandler handler = aws.handler(aws.settings(POLICY), faults);
      String token = aws.startRotation(arranged.secret());
      faults.arm(call, when);
      try {
        LocalAws.runSteps(handler, arranged.secret(), token);
      } catch (RotationFailure expected) {
        // the crash; what matters is the state it left
      }
      assertCurrentKeyWorks(aws, arranged.secret());

      faults.disarm();
      LocalAws.runSteps(handler, arranged.secret(), token);

      assertCurrentKeyWorks(aws, arranged.secret());
      ManagedKeySecret current = ManagedKeySecret.parse(aws.value(arranged.secret(), "AWSCURRENT"), "current");
      ManagedKeySecret previous = ManagedKeySecret.parse(aws.value(arranged.secret(), "AWSPREVIOUS"), "previous");
      assertThat(aws.stages(arranged.secret()).get(token)).as("the token's version").containsExactly("AWSCURRENT");
      assertThat(aws.stages(arranged.secret()).values()).as("no other version is AWSPENDING")
          .noneMatch(stages -> stages.contains("AWSPENDING"));
      assertThat(aws.keys(USER)).as("no orphan key: every key is held by the secret")
          .allMatch(k -> current.holds(k.accessKeyId()) || previous.holds(k.accessKeyId()));
      assertThat(faults.errorCodes).as("never a third key").doesNotContain("LimitExceeded", "LimitExceededException");
      List<String> ownKeys = new ArrayList<>(faults.createdKeyIds);
      ownKeys.add(arranged.previousKey());
      assertThat(ownKeys).as("only keys the function owns were deleted").containsAll(faults.deletedKeyIds);
      assertThat(aws.keys(BYSTANDER)).extracting(AccessKeyMetadata::accessKeyId).containsExactly(arranged.bystanderKey());
      for (String secretKey : faults.createdSecrets) {
        assertThat(aws.logLines).as("logs never hold a secret access key").noneMatch(l -> l.contains(secretKey));
      }
    } finally {
      aws.close();
    }
  }

  private static void assertCurrentKeyWorks(LocalAws aws, String secret) {
    ManagedKeySecret current = ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "AWSCURRENT");
    String keyId = current.accessKeyId().orElseThrow();
    assertThat(aws.keys(USER)).as("the AWSCURRENT key exists and is active")
        .anyMatch(k -> k.accessKeyId().equals(keyId) && k.status() == StatusType.ACTIVE);
    assertThat(aws.callerArn(keyId, current.secretAccessKey().orElseThrow()))
        .endsWith(":user/keyrotator/" + USER);
  }
}
