package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.config.Settings;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.KeyActionRecorder;
import io.keyrotator.testing.LocalAws;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Two rotations interleaved at every step boundary, for all 70 orders of their 4 + 4 steps (the
 * second rotation starts right before its first step; a rotation stops at its first refused step,
 * as Secrets Manager stops it):
 *
 * <ul>
 *   <li>two rotations (two tokens) of one secret. moto accepts the second RotateSecret while the
 *       first is under way (AWS refuses it), which is how two runs of one secret overlap here;
 *   <li>rotations of two secrets that both name the same user (the second created by hand with the
 *       same {@value SecretVersions#USER_TAG} tag).
 * </ul>
 *
 * <p>Whatever the order: every secret's AWSCURRENT key exists on the user, is active and
 * authenticates; the user never has more than 2 keys and IAM never answers LimitExceeded;
 * keyrotator removes only keys it created and never the AWSCURRENT key; one secret has exactly one
 * AWSCURRENT version, the one the last completed rotation promoted; and of two secrets naming one
 * user at most one gets a new key, the other refused with a message naming the first.
 */
class ConcurrentRotationIT {
  private static final String USER = "app";
  private static final Map<String, String> POLICY =
      Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate");
  private static final List<RotationStep> STEPS = List.of(RotationStep.values());

  /** Every order of 4 steps of rotation 1 and 4 of rotation 2, as strings like "11212122". */
  static List<String> interleavings() {
    List<String> all = new ArrayList<>();
    for (int mask = 0; mask < 256; mask++) {
      if (Integer.bitCount(mask) == 4) {
        StringBuilder order = new StringBuilder();
        for (int bit = 7; bit >= 0; bit--) {
          order.append((mask >> bit & 1) == 1 ? '2' : '1');
        }
        all.add(order.toString());
      }
    }
    all.sort(null);
    return all;
  }

  @TestFactory
  Stream<DynamicTest> twoRotationsOfOneSecret() {
    return interleavings().stream()
        .map(order -> DynamicTest.dynamicTest("order " + order, () -> oneSecret(order)));
  }

  @TestFactory
  Stream<DynamicTest> rotationsOfTwoSecretsNamingOneUser() {
    return interleavings().stream()
        .map(order -> DynamicTest.dynamicTest("order " + order, () -> twoSecrets(order)));
  }

  /** One rotation driven step by step; stops at its first refusal. */
  private static final class Run {
    final String secret;
    String token;
    int done;
    Optional<String> refusal = Optional.empty();
    final List<String> trace = new ArrayList<>();

    Run(String secret) {
      this.secret = secret;
    }

    boolean completed() {
      return done == 4 && refusal.isEmpty();
    }

    void step(LocalAws aws, RotationHandler handler, List<String> events, String who) {
      if (refusal.isPresent() || done == 4) {
        return;
      }
      if (token == null) {
        try {
          token = aws.startRotation(secret);
        } catch (SdkException e) {
          refusal = Optional.of("RotateSecret refused: " + e.getMessage());
          events.add(who + " RotateSecret refused: " + e.getMessage());
          return;
        }
        events.add(who + " started, token " + token);
      }
      RotationStep step = STEPS.get(done);
      try {
        LocalAws.runStep(handler, step, secret, token);
        done++;
        events.add(who + " " + step.wireName() + " ok");
      } catch (RotationFailedException e) {
        refusal = Optional.of(e.getMessage());
        events.add(who + " " + step.wireName() + " refused: " + e.getMessage());
      }
    }
  }

  private void oneSecret(String order) {
    try (LocalAws aws = LocalAws.fresh()) {
      KeyActionRecorder recorder = new KeyActionRecorder();
      RotationHandler handler = aws.handler(aws.settings(POLICY), recorder);
      String secret = aws.rotatedOnce(USER, "app-key", handler);
      Run first = new Run(secret);
      Run second = new Run(secret);
      List<String> events = new ArrayList<>();
      List<Run> completedInOrder = new ArrayList<>();
      first.token = aws.startRotation(secret); // rotation 1 starts before anything else
      events.add("rotation 1 started, token " + first.token);
      for (char c : order.toCharArray()) {
        Run run = c == '1' ? first : second;
        boolean before = run.completed();
        run.step(aws, handler, events, "rotation " + c);
        if (!before && run.completed()) {
          completedInOrder.add(run);
        }
      }
      String as =
          "order "
              + order
              + ": "
              + String.join("\n  ", events)
              + "\n  stages "
              + aws.stages(secret)
              + "\n  keys "
              + aws.keys(USER)
              + "\n  keyrotator removed "
              + recorder.removals;

      Map<String, List<String>> stages = aws.stages(secret);
      assertThat(stages.values().stream().filter(s -> s.contains("AWSCURRENT")).count())
          .as("exactly one AWSCURRENT version; " + as)
          .isEqualTo(1);
      if (!completedInOrder.isEmpty()) {
        String last = completedInOrder.get(completedInOrder.size() - 1).token;
        assertThat(stages.get(last))
            .as("the last rotation to complete is AWSCURRENT; " + as)
            .contains("AWSCURRENT");
      }
      if (first.completed() && second.completed()) {
        assertThat(events.indexOf("rotation 2 started, token " + second.token))
            .as(
                "both rotations completed only if the second started after the first finished; "
                    + as)
            .isGreaterThan(events.indexOf("rotation 1 finishSecret ok"));
      }
      assertCommon(aws, recorder, List.of(secret), as);
    }
  }

  private void twoSecrets(String order) {
    try (LocalAws aws = LocalAws.fresh()) {
      KeyActionRecorder recorder = new KeyActionRecorder();
      RotationHandler handler = aws.handler(aws.settings(POLICY), recorder);
      String a = aws.rotatedOnce(USER, "secret-A", handler);
      String initialKey = currentKey(aws, a).orElseThrow();
      String b = aws.createBootstrapSecret("secret-B", USER); // by hand, naming the same user
      Run runA = new Run(a);
      Run runB = new Run(b);
      List<String> events = new ArrayList<>();
      for (char c : order.toCharArray()) {
        (c == '1' ? runA : runB).step(aws, handler, events, c == '1' ? "A" : "B");
      }
      String as =
          "order "
              + order
              + " (1 = secret-A, 2 = secret-B): "
              + String.join("\n  ", events)
              + "\n  keys "
              + aws.keys(USER)
              + "\n  keyrotator removed "
              + recorder.removals;

      boolean aServedNew = currentKey(aws, a).filter(k -> !k.equals(initialKey)).isPresent();
      boolean bServedNew = currentKey(aws, b).isPresent();
      assertThat(aServedNew && bServedNew)
          .as("at most one secret serves the user with a new key; " + as)
          .isFalse();
      if (!aServedNew) {
        assertThat(runA.refusal)
            .as("secret-A got no new key: it was refused naming secret-B; " + as)
            .hasValueSatisfying(m -> assertThat(m).contains("secret-B"));
      }
      if (!bServedNew) {
        assertThat(runB.refusal)
            .as("secret-B got no new key: it was refused naming secret-A; " + as)
            .hasValueSatisfying(m -> assertThat(m).contains("secret-A"));
      }
      assertCommon(aws, recorder, List.of(a, b), as);
    }
  }

  private static void assertCommon(
      LocalAws aws, KeyActionRecorder recorder, List<String> secrets, String as) {
    List<AccessKeyMetadata> keys = aws.keys(USER);
    assertThat(keys).as("at most 2 keys; " + as).hasSizeLessThanOrEqualTo(2);
    assertThat(recorder.errorCodes)
        .as("never LimitExceeded; " + as)
        .doesNotContain("LimitExceeded", "LimitExceededException");
    for (String secret : secrets) {
      ManagedKeySecret current =
          ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "AWSCURRENT of " + secret);
      if (current.accessKeyId().isEmpty()) {
        continue;
      }
      String keyId = current.accessKeyId().get();
      assertThat(keys)
          .as("AWSCURRENT key " + keyId + " of " + secret + " exists and is active; " + as)
          .anyMatch(k -> k.accessKeyId().equals(keyId) && k.status() == StatusType.ACTIVE);
      assertThat(aws.callerArn(keyId, current.secretAccessKey().orElseThrow()))
          .as("AWSCURRENT key of " + secret + " authenticates as the user; " + as)
          .endsWith(":user/keyrotator/" + USER);
      assertThat(recorder.removals)
          .as("keyrotator never removed the AWSCURRENT key of " + secret + "; " + as)
          .noneMatch(r -> r.keyId().equals(keyId));
    }
    for (KeyActionRecorder.Action removal : recorder.removals) {
      assertThat(recorder.createdKeyIds)
          .as("keyrotator removed only keys it created: " + removal + "; " + as)
          .contains(removal.keyId());
    }
  }

  private static Optional<String> currentKey(LocalAws aws, String secret) {
    return ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "AWSCURRENT").accessKeyId();
  }
}
