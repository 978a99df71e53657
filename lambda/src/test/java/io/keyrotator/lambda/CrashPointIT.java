package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.config.Settings;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.FaultInjector.When;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.MutableClock;
import java.time.Instant;
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
 * after; then rerun the rotation with the same token, as Secrets Manager retries it. Two rotations
 * are taken apart this way: one at the two-key limit with the deactivate policy (deletes the
 * inactive previous key, records the attempt on the secret, deactivates the replaced key), and the
 * first rotation of a bootstrap secret (claims the user for the secret). A crash that leaves a key
 * whose secret was never stored ends in one of two ways. If the attempt record names the key, the
 * retry deactivates it and is refused until no run that could still store it is alive ({@link
 * AttemptRecord#LONGEST_RUN}); the clock is then moved past that and the retry must finish. If the
 * crash came before the record named it (CreateAccessKey's answer lost), keyrotator cannot tell it
 * from a key made by hand: the retry is refused naming the key and the command that deletes it, the
 * test does what the message says, and the retry must finish.
 */
class CrashPointIT {
  private static final String USER = "app-ci";
  private static final String BYSTANDER = "other-app";
  private static final Map<String, String> POLICY =
      Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate");

  /** Account state before the rotation under test. */
  private record Arranged(
      LocalAws aws, String secret, List<String> previousKeys, String bystanderKey) {}

  /** Which rotation is taken apart. */
  private enum Scenario {
    /** The third rotation: two keys already, the previous one inactive. */
    AT_THE_KEY_LIMIT,
    /** The first rotation of a bootstrap secret: the user is claimed for the secret. */
    FIRST_ROTATION
  }

  private static Arranged arrange(Scenario scenario) {
    LocalAws aws = LocalAws.fresh();
    aws.createManagedUser(USER);
    aws.createManagedUser(BYSTANDER);
    String bystanderKey =
        aws.iam.createAccessKey(r -> r.userName(BYSTANDER)).accessKey().accessKeyId();
    String secret = aws.createBootstrapSecret("app-ci-key", USER);
    List<String> previousKeys = new ArrayList<>();
    if (scenario == Scenario.AT_THE_KEY_LIMIT) {
      RotationHandler handler = aws.handler(aws.settings(POLICY));
      aws.rotate(handler, secret);
      previousKeys.add(
          ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "c").accessKeyId().orElseThrow());
      aws.rotate(handler, secret);
      previousKeys.add(
          ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "c").accessKeyId().orElseThrow());
      assertThat(aws.keys(USER)).hasSize(2);
    }
    return new Arranged(aws, secret, previousKeys, bystanderKey);
  }

  @TestFactory
  Stream<DynamicTest> everyCallCrashingBeforeOrAfterItTakesEffectEndsWell() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Scenario scenario : Scenario.values()) {
      List<String> operations;
      Arranged dryRun = arrange(scenario);
      try {
        FaultInjector counter = new FaultInjector();
        dryRun
            .aws()
            .rotate(dryRun.aws().handler(dryRun.aws().settings(POLICY), counter), dryRun.secret());
        operations = List.copyOf(counter.operations);
      } finally {
        dryRun.aws().close();
      }
      assertThat(operations)
          .contains(
              "Iam:CreateAccessKey",
              "SecretsManager:PutSecretValue",
              "SecretsManager:UpdateSecretVersionStage",
              "SecretsManager:TagResource");
      assertThat(operations)
          .containsAll(
              scenario == Scenario.FIRST_ROTATION
                  ? List.of("Iam:TagUser")
                  : List.of("Iam:DeleteAccessKey", "Iam:UpdateAccessKey"));
      for (int i = 1; i <= operations.size(); i++) {
        for (When when : When.values()) {
          int call = i;
          String name =
              scenario
                  + ": call "
                  + call
                  + " ("
                  + operations.get(call - 1)
                  + ") fails "
                  + when.name().toLowerCase()
                  + " it takes effect";
          tests.add(DynamicTest.dynamicTest(name, () -> crashThenRetry(scenario, call, when)));
        }
      }
    }
    return tests.stream();
  }

  private void crashThenRetry(Scenario scenario, int call, When when) {
    Arranged arranged = arrange(scenario);
    LocalAws aws = arranged.aws();
    try {
      FaultInjector faults = new FaultInjector();
      MutableClock clock = new MutableClock(Instant.now());
      RotationHandler handler = aws.handler(aws.settings(POLICY), clock, faults);
      String token = aws.startRotation(arranged.secret());
      faults.arm(call, when);
      try {
        LocalAws.runSteps(handler, arranged.secret(), token);
      } catch (RotationFailedException expected) {
        // the crash; what matters is the state it left
      }
      if (scenario == Scenario.AT_THE_KEY_LIMIT) {
        assertCurrentKeyWorks(aws, arranged.secret());
      }

      faults.disarm();
      try {
        LocalAws.runSteps(handler, arranged.secret(), token);
      } catch (RotationFailedException waiting) {
        if (waiting.getMessage().contains("before it recorded which key it created")) {
          // The crash lost CreateAccessKey's answer before the attempt record named the key:
          // keyrotator cannot tell it from a key made by hand, leaves it alone and names it.
          String named =
              faults.createdKeyIds.stream()
                  .filter(waiting.getMessage()::contains)
                  .findFirst()
                  .orElseThrow(
                      () ->
                          new AssertionError(
                              "the refusal names the lost key: " + waiting.getMessage()));
          assertThat(aws.keys(USER))
              .filteredOn(k -> k.accessKeyId().equals(named))
              .singleElement()
              .extracting(AccessKeyMetadata::status)
              .isEqualTo(StatusType.ACTIVE);
          aws.iam.deleteAccessKey(
              r -> r.userName(USER).accessKeyId(named)); // the operator, as the message says
        } else {
          // The record named the key: it is deactivated now and deleted once no run can store it.
          assertThat(waiting.getMessage()).contains("nobody holds its secret");
          assertThat(aws.keys(USER))
              .as("the lost key is deactivated, never deleted while active")
              .filteredOn(k -> faults.createdKeyIds.contains(k.accessKeyId()))
              .allMatch(k -> k.status() == StatusType.INACTIVE);
          clock.advance(AttemptRecord.LONGEST_RUN);
        }
        LocalAws.runSteps(handler, arranged.secret(), token);
      }
      assertCurrentKeyWorks(aws, arranged.secret());
      ManagedKeySecret current =
          ManagedKeySecret.parse(aws.value(arranged.secret(), "AWSCURRENT"), "current");
      ManagedKeySecret previous =
          ManagedKeySecret.parse(aws.value(arranged.secret(), "AWSPREVIOUS"), "previous");
      assertThat(aws.stages(arranged.secret()).get(token))
          .as("the token's version")
          .containsExactly("AWSCURRENT");
      assertThat(aws.stages(arranged.secret()).values())
          .as("no other version is AWSPENDING")
          .noneMatch(stages -> stages.contains("AWSPENDING"));
      assertThat(aws.keys(USER))
          .as("no orphan key: every key is held by the secret")
          .allMatch(k -> current.holds(k.accessKeyId()) || previous.holds(k.accessKeyId()));
      assertThat(faults.errorCodes)
          .as("never a third key")
          .doesNotContain("LimitExceeded", "LimitExceededException");
      List<String> ownKeys = new ArrayList<>(faults.createdKeyIds);
      ownKeys.addAll(arranged.previousKeys());
      assertThat(ownKeys)
          .as("only keys the function owns were deleted")
          .containsAll(faults.deletedKeyIds);
      assertThat(aws.keys(BYSTANDER))
          .extracting(AccessKeyMetadata::accessKeyId)
          .containsExactly(arranged.bystanderKey());
      // The record stays after the key is stored (removing it would cost a call); left behind,
      // it must name the finished rotation, whose value is stored: such a record explains no key.
      assertThat(aws.secretsManager.describeSecret(r -> r.secretId(arranged.secret())).tags())
          .as("no open attempt record is left behind")
          .filteredOn(t -> t.key().equals(AttemptRecord.TAG))
          .allMatch(t -> t.value().startsWith(token + " "));
      assertThat(aws.iam.listUserTags(r -> r.userName(USER)).tags())
          .as("the user is claimed for the secret")
          .anyMatch(
              t -> t.key().equals(SecretBinding.CLAIM_TAG) && t.value().equals(arranged.secret()));
      for (String secretKey : faults.createdSecrets) {
        assertThat(aws.logLines)
            .as("logs never hold a secret access key")
            .noneMatch(l -> l.contains(secretKey));
      }
    } finally {
      aws.close();
    }
  }

  private static void assertCurrentKeyWorks(LocalAws aws, String secret) {
    ManagedKeySecret current =
        ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "AWSCURRENT");
    String keyId = current.accessKeyId().orElseThrow();
    assertThat(aws.keys(USER))
        .as("the AWSCURRENT key exists and is active")
        .anyMatch(k -> k.accessKeyId().equals(keyId) && k.status() == StatusType.ACTIVE);
    assertThat(aws.callerArn(keyId, current.secretAccessKey().orElseThrow()))
        .endsWith(":user/keyrotator/" + USER);
  }
}
