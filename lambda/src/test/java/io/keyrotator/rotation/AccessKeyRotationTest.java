package io.keyrotator.rotation;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.config.Settings;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.testing.FakeAccount;
import io.keyrotator.testing.FakeIam;
import io.keyrotator.testing.FakeProbe;
import io.keyrotator.testing.FakeSecrets;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every state each step can find, on in-memory IAM and Secrets Manager. */
class AccessKeyRotationTest {
  private static final String USER = "app-ci";
  private static final Instant T0 = Instant.parse("2026-06-01T10:00:00Z");

  private MutableClock clock;
  private FakeIam iam;
  private FakeSecrets secrets;
  private FakeProbe probe;
  private final Map<String, String> env = new HashMap<>();
  private final List<String> logLines = new ArrayList<>();

  @BeforeEach
  void setUp() {
    clock = new MutableClock(T0);
    iam = new FakeIam(clock);
    secrets = new FakeSecrets();
    secrets.clock = clock;
    probe = new FakeProbe(iam);
    iam.addUser(USER, "/keyrotator/", Map.of());
    env.put(Settings.PROPAGATION_INTERVAL_MILLIS, "100");
    env.put(Settings.SEAL_SECRET, FakeSecrets.SEAL_SECRET);
  }

  private AccessKeyRotation rotation(SecretVersions secretVersions) {
    return FakeAccount.rotation(
        secretVersions,
        iam,
        probe,
        Settings.from(env),
        clock,
        StructuredLog.to(logLines::add, clock));
  }

  private StepReport run(RotationStep step, String token) {
    return run(secrets, step, token);
  }

  /** Runs the step on Secrets Manager as {@code secretVersions} shows it to the rotation. */
  private StepReport run(SecretVersions secretVersions, RotationStep step, String token) {
    StepReport report = new StepReport();
    rotation(secretVersions)
        .run(
            new RotationRequest(step, FakeSecrets.ARN, token, Optional.empty()),
            report,
            Duration.ofMinutes(5));
    return report;
  }

  private String rotateFully() {
    String token = secrets.startRotation();
    for (RotationStep step : RotationStep.values()) {
      run(step, token);
    }
    clock.advance(Duration.ofMinutes(1));
    return token;
  }

  private String bootstrap() {
    return secrets.putCurrent("{\"UserName\":\"" + USER + "\"}");
  }

  /**
   * A bootstrap secret with a rotation started and createSecret run, as the later steps find it;
   * returns the token.
   */
  private String pendingKeyCreated() {
    bootstrap();
    String token = secrets.startRotation();
    run(RotationStep.CREATE_SECRET, token);
    return token;
  }

  private ManagedKeySecret stored(String version) {
    return ManagedKeySecret.parse(secrets.rawValue(version).orElseThrow(), "test");
  }

  private String currentKeyId() {
    return secrets.keyIn(CURRENT);
  }

  /** Arranges a user with one managed key, current after a full rotation; returns its id. */
  private String oneManagedKey() {
    bootstrap();
    rotateFully();
    return currentKeyId();
  }

  /** Arranges a user with a managed current key and a managed previous key, both active. */
  private void twoManagedKeys() {
    oneManagedKey();
    rotateFully();
    assertThat(iam.keysOf(USER)).hasSize(2);
  }

  @Nested
  class ChecksEveryStepStartsWith {
    @Test
    void refusesWhenRotationIsDisabled() {
      bootstrap();
      String token = secrets.startRotation();
      secrets.rotationEnabled = false;
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .isInstanceOf(RotationFailedException.class)
          .hasMessageContaining("rotation is not enabled");
      assertThat(iam.calls).isEmpty();
    }

    @Test
    void refusesATokenThatIsNotAVersion() {
      bootstrap();
      secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, "not-a-version"))
          .hasMessageContaining("is not a version of secret");
      assertThat(iam.calls).isEmpty();
    }

    @Test
    void refusesAVersionThatIsNotPending() {
      bootstrap();
      String token = secrets.startRotation();
      secrets.removeStage(FakeSecrets.ARN, PENDING, token);
      secrets.putCurrent("{\"UserName\":\"" + USER + "\"}");
      String old =
          secrets.stages().keySet().stream()
              .filter(v -> secrets.stages().get(v).contains(PREVIOUS))
              .findFirst()
              .orElseThrow();
      assertThatThrownBy(() -> run(RotationStep.SET_SECRET, old))
          .hasMessageContaining("is not AWSPENDING");
    }

    @Test
    void doesNothingForAVersionThatIsAlreadyCurrent() {
      bootstrap();
      String token = rotateFully();
      iam.calls.clear();
      for (RotationStep step : RotationStep.values()) {
        run(step, token);
      }
      assertThat(iam.calls).isEmpty();
    }
  }

  @Nested
  class CreateSecret {
    @Test
    void bootstrapCreatesTheFirstKeyAndRecordsThatKeyrotatorMadeIt() {
      bootstrap();
      String token = secrets.startRotation();
      StepReport report = run(RotationStep.CREATE_SECRET, token);
      ManagedKeySecret pending = stored(token);
      assertThat(pending.userName()).isEqualTo(USER);
      AccessKey key = iam.keysOf(USER).get(0);
      assertThat(pending.holds(key.id())).isTrue();
      assertThat(provesCreation(pending, key, token, FakeSecrets.SEAL_KEY)).isTrue();
      assertThat(
              provesCreation(pending, key, token, "another-key-0123456789abcdef0123456789abcdef"))
          .as("a seal under another key proves nothing")
          .isFalse();
      assertThat(pending.secretAccessKey()).contains(iam.secrets.get(key.id()));
      assertThat(report.changes().keysCreated()).isEqualTo(1);
      assertThat(iam.user(USER).tags()).containsEntry(SecretBinding.CLAIM_TAG, FakeSecrets.ARN);
      // The record stays (removing it would cost a call); its token's value is stored, so it
      // explains no key from now on and the next attempt writes over it.
      assertThat(secrets.tags.get(AttemptRecord.TAG))
          .as("the attempt record names this token and the key it stored")
          .startsWith(token + " ")
          .contains(key.id());
    }

    @Test
    void keepsAValueAlreadyStoredForTheToken() {
      bootstrap();
      String token = secrets.startRotation();
      run(RotationStep.CREATE_SECRET, token);
      String first = secrets.rawValue(token).orElseThrow();
      iam.calls.clear();
      run(RotationStep.CREATE_SECRET, token);
      assertThat(secrets.rawValue(token)).contains(first);
      assertThat(iam.calls).doesNotContain("CreateAccessKey", "DeleteAccessKey");
    }

    @Test
    void failsWhenTheSecretHasNoCurrentValue() {
      String token = secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("has no AWSCURRENT value")
          .hasMessageContaining("put-secret-value");
      assertThat(iam.keysOf(USER)).isEmpty();
    }

    @Test
    void failsOnMalformedJsonWithoutRepeatingTheValue() {
      secrets.putCurrent("{\"UserName\":\"app-ci\",\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG\"");
      String token = secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("not valid JSON")
          .hasMessageNotContaining("wJalrXUtnFEMI");
      assertThat(iam.calls).isEmpty();
    }

    @Test
    void failsWhenTheUserDoesNotExist() {
      secrets.putCurrent("{\"UserName\":\"ghost\"}");
      String token = secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("IAM user ghost named in secret app-ci does not exist");
      assertThat(iam.calls).containsOnly("GetUser");
    }

    @Test
    void refusesAUserOutsideTheManagedScopeBeforeAnyChange() {
      iam.addUser("admin", "/", Map.of());
      iam.addKey("admin", true, T0);
      secrets.putCurrent("{\"UserName\":\"admin\"}");
      String token = secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("outside the users keyrotator manages")
          .hasMessageContaining("KEYROTATOR_MANAGED_USERS");
      assertThat(iam.calls).containsOnly("GetUser");
      assertThat(iam.keysOf("admin")).hasSize(1);
    }

    @Test
    void acceptsAListedUserButNeverOneOptedInOnlyByATag() {
      iam.addUser("legacy", "/", Map.of("keyrotator:managed", "true"));
      secrets.taggedUser = "legacy";
      secrets.putCurrent("{\"UserName\":\"legacy\"}");
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, secrets.startRotation()))
          .hasMessageContaining("outside the users keyrotator manages");
      assertThat(iam.keysOf("legacy")).isEmpty();

      env.put(Settings.MANAGED_USERS, "Legacy");
      run(RotationStep.CREATE_SECRET, secrets.startRotation());
      assertThat(iam.keysOf("legacy")).hasSize(1);
    }

    @Test
    void replacesACurrentKeyThatWasDeletedByHand() {
      oneManagedKey();
      String lost = currentKeyId();
      iam.deleteKey(USER, lost);
      String token = secrets.startRotation();
      run(RotationStep.CREATE_SECRET, token);
      assertThat(iam.keysOf(USER)).hasSize(1);
      assertThat(stored(token).holds(lost)).isFalse();
    }

    @Test
    void deactivatesAKeyLeftByAnInterruptedAttemptThenDeletesItOnceNoRunCanStoreIt() {
      String current = oneManagedKey();
      String token = secrets.startRotation();
      // An earlier attempt recorded itself on the secret, created a key, then stopped before
      // storing it.
      String orphan = iam.createKey(USER).id();
      recordAttempt(token, clock.instant(), Optional.of(orphan), current);
      clock.advance(Duration.ofSeconds(30));
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("nobody holds its secret")
          .hasMessageContaining("It is now inactive");
      assertThat(iam.key(USER, orphan).orElseThrow().active())
          .as("deactivated, not deleted")
          .isFalse();
      assertThat(iam.key(USER, current).orElseThrow().active()).isTrue();

      clock.advance(AttemptRecord.LONGEST_RUN);
      StepReport report = run(RotationStep.CREATE_SECRET, token);
      assertThat(iam.key(USER, orphan)).isEmpty();
      assertThat(iam.keysOf(USER)).extracting(AccessKey::id).contains(current).hasSize(2);
      assertThat(report.changes().keysDeleted()).isEqualTo(1);
    }

    /**
     * CreateAccessKey's answer was lost: either no record was written (keyrotator writes it once
     * the key is known), or an earlier version's record names no key.
     */
    @ParameterizedTest(name = "record written before CreateAccessKey: {0}")
    @ValueSource(booleans = {false, true})
    void leavesAKeyNothingNamesThatAppearedWhileTheAttemptWasOpen(boolean legacyRecord) {
      oneManagedKey();
      String token = secrets.startRotation();
      if (legacyRecord) {
        recordAttempt(token, clock.instant(), Optional.empty(), currentKeyId());
      }
      clock.advance(Duration.ofSeconds(2));
      String appeared = iam.addKey(USER, true, clock.instant());
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("appeared while the rotation attempt " + token + " was open")
          .hasMessageContaining(
              "aws iam delete-access-key --user-name app-ci --access-key-id " + appeared);
      assertThat(iam.key(USER, appeared).orElseThrow().active()).isTrue();
    }

    @Test
    void aKeyMadeBeforeTheRotationBeganIsNeverTakenForALostOne() {
      bootstrap();
      String handMade = iam.addKey(USER, true, clock.instant());
      clock.advance(Duration.ofMinutes(1));
      String token = secrets.startRotation();
      run(RotationStep.CREATE_SECRET, token);
      assertThat(stored(token).holds(handMade)).isFalse();
      assertThat(iam.key(USER, handMade).orElseThrow().active()).isTrue();
    }

    @Test
    void leavesAKeyThatLooksOrphanedButHasBeenUsed() {
      String token = openAttemptAfterOneRotation();
      String someoneElses = iam.addKey(USER, true, clock.instant());
      iam.use(someoneElses, clock.instant());
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("already has 2 access keys")
          .hasMessageContaining("does not own it");
      assertThat(iam.key(USER, someoneElses).orElseThrow().active()).isTrue();
    }

    @Test
    void leavesAKeyTheAttemptRecordDoesNotExplain() {
      oneManagedKey();
      String older = iam.addKey(USER, false, clock.instant().minus(Duration.ofHours(1)));
      String token = secrets.startRotation();
      recordAttempt(token, clock.instant(), Optional.empty(), currentKeyId());
      refusesForeignKey(token, older);
    }

    @Test
    void aUserTagNeverMakesAKeyAnOrphan() {
      oneManagedKey();
      // Made before the rotation began: only the forged tag could make it look like the attempt's.
      String handMade = iam.addKey(USER, true, clock.instant());
      clock.advance(Duration.ofMinutes(1));
      String token = secrets.startRotation();
      iam.tagUser(
          USER,
          AccessKeyRotation.LEGACY_INTENT_TAG,
          token + " " + clock.instant().getEpochSecond());
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("does not own it");
      assertThat(iam.key(USER, handMade).orElseThrow().active()).isTrue();
    }

    @Test
    void deletesAnInactivePreviousKeyToMakeRoom() {
      twoManagedKeys();
      String current = currentKeyId();
      String previous =
          iam.keysOf(USER).stream()
              .filter(k -> !k.id().equals(current))
              .findFirst()
              .orElseThrow()
              .id();
      iam.deactivateKey(USER, previous);
      String token = secrets.startRotation();
      StepReport report = run(RotationStep.CREATE_SECRET, token);
      assertThat(iam.key(USER, previous)).isEmpty();
      assertThat(iam.key(USER, current)).isPresent();
      assertThat(report.changes().keysDeleted()).isEqualTo(1);
    }

    @Test
    void deletesAnActivePreviousKeyIdleLongerThanTheIdlePeriod() {
      twoManagedKeys();
      String current = currentKeyId();
      String previous = otherKey(current);
      iam.use(previous, clock.instant());
      clock.advance(Duration.ofDays(8));
      run(RotationStep.CREATE_SECRET, secrets.startRotation());
      assertThat(iam.key(USER, previous)).isEmpty();
      assertThat(iam.key(USER, current)).isPresent();
    }

    @Test
    void refusesWhenThePreviousKeyIsStillInUseAndChangesNothing() {
      twoManagedKeys();
      String current = currentKeyId();
      String previous = otherKey(current);
      clock.advance(Duration.ofDays(2));
      iam.use(previous, clock.instant());
      List<AccessKey> before = iam.keysOf(USER);
      iam.calls.clear();
      String token = secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
          .isInstanceOf(RotationFailedException.class)
          .hasMessageContaining("user app-ci already has 2 access keys")
          .hasMessageContaining(io.keyrotator.ports.KeyIds.shorten(previous))
          .hasMessageContaining("is AWSCURRENT and is never deleted")
          .hasMessageContaining("within the last 7 days")
          .hasMessageContaining("Nothing was changed");
      assertThat(iam.keysOf(USER)).isEqualTo(before);
      assertThat(iam.calls)
          .doesNotContain("CreateAccessKey", "DeleteAccessKey", "UpdateAccessKey", "TagUser");
      assertThat(secrets.rawValue(token)).isEmpty();
    }

    @Test
    void limitPolicyInactiveRefusesAnActivePreviousKeyEvenIfIdle() {
      env.put(Settings.KEY_LIMIT_POLICY, "inactive");
      twoManagedKeys();
      clock.advance(Duration.ofDays(30));
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, secrets.startRotation()))
          .hasMessageContaining("still active (key limit policy inactive)");
      assertThat(iam.keysOf(USER)).hasSize(2);
    }

    @Test
    void limitPolicyNeverRefusesEvenAnInactivePreviousKey() {
      env.put(Settings.KEY_LIMIT_POLICY, "never");
      twoManagedKeys();
      iam.deactivateKey(USER, otherKey(currentKeyId()));
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, secrets.startRotation()))
          .hasMessageContaining("key limit policy is never");
      assertThat(iam.keysOf(USER)).hasSize(2);
    }

    @Test
    void refusesToDeleteAnImportedPreviousKeyUnlessAllowed() {
      String imported = iam.addKey(USER, true, T0);
      secrets.putCurrent(
          "{\"UserName\":\"app-ci\",\"AccessKeyId\":\""
              + imported
              + "\",\"SecretAccessKey\":\""
              + iam.secrets.get(imported)
              + "\"}");
      rotateFully();
      iam.deactivateKey(USER, imported);
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, secrets.startRotation()))
          .hasMessageContaining(
              "keyrotator cannot prove it created it (held by AWSPREVIOUS, not proven to be keyrotator's (imported by hand?))")
          .hasMessageContaining(Settings.DELETE_UNPROVEN_KEYS);
      assertThat(iam.key(USER, imported)).isPresent();

      env.put(Settings.DELETE_UNPROVEN_KEYS, "true");
      String token = secrets.startRotation();
      run(RotationStep.CREATE_SECRET, token);
      assertThat(iam.key(USER, imported)).isEmpty();
    }

    @Test
    void neverDeletesAForeignKeyNotEvenAnInactiveOneWhenUnprovenKeysMayGo() {
      oneManagedKey();
      String foreign = iam.addKey(USER, false, T0.minus(Duration.ofDays(400)));
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, secrets.startRotation()))
          .hasMessageContaining("no version of app-ci proves keyrotator created it")
          .hasMessageContaining("does not own it");
      assertThat(iam.key(USER, foreign)).isPresent();

      env.put(Settings.DELETE_UNPROVEN_KEYS, "true");
      assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, secrets.startRotation()))
          .hasMessageContaining("does not own it");
      assertThat(iam.key(USER, foreign))
          .as("held by no version: no setting makes it keyrotator's")
          .isPresent();
    }

    @Test
    void neverDeletesAnActiveForeignKeyEvenWhenUnprovenKeysMayGo() {
      env.put(Settings.DELETE_UNPROVEN_KEYS, "true");
      oneManagedKey();
      String foreign = iam.addKey(USER, true, T0);
      refusesForeignKey(secrets.startRotation(), foreign);
    }

    @Test
    void deletesTheNewKeyWhenItsValueCannotBeStored() {
      bootstrap();
      String token = secrets.startRotation();
      SecretVersions failingPut =
          putPendingFails(false, "ResourceExistsException: a concurrent run stored another value");
      assertThatThrownBy(() -> run(failingPut, RotationStep.CREATE_SECRET, token))
          .hasMessageContaining("the new key was deleted again");
      assertThat(iam.keysOf(USER)).isEmpty();
    }

    @Test
    void keepsTheNewKeyWhenTheValueLandedDespiteAnError() {
      bootstrap();
      String token = secrets.startRotation();
      SecretVersions putThenFail = putPendingFails(true, "read timed out");
      run(putThenFail, RotationStep.CREATE_SECRET, token);
      assertThat(iam.keysOf(USER)).hasSize(1);
      assertThat(stored(token).holds(iam.keysOf(USER).get(0).id())).isTrue();
    }
  }

  private String otherKey(String current) {
    return iam.keysOf(USER).stream()
        .filter(k -> !k.id().equals(current))
        .findFirst()
        .orElseThrow()
        .id();
  }

  @Nested
  class SetSecret {
    @Test
    void failsWhenCreateSecretHasNotRun() {
      bootstrap();
      String token = secrets.startRotation();
      assertThatThrownBy(() -> run(RotationStep.SET_SECRET, token))
          .hasMessageContaining("createSecret has not run");
    }

    // setSecret changes nothing and reads only the pending value; a pending key deleted or
    // deactivated by hand is refused by testSecret (with the repair) and again by finishSecret,
    // before anything is promoted.
    @ParameterizedTest
    @EnumSource(
        value = RotationStep.class,
        names = {"TEST_SECRET", "FINISH_SECRET"})
    void laterStepsFailWithTheRepairWhenThePendingKeyWasDeletedByHand(RotationStep step) {
      String token = pendingKeyCreated();
      iam.deleteKey(USER, stored(token).accessKeyId().orElseThrow());
      run(RotationStep.SET_SECRET, token);
      assertThatThrownBy(() -> run(step, token))
          .hasMessageContaining("no longer exists on user app-ci")
          .hasMessageContaining("--remove-from-version-id " + token);
    }

    @ParameterizedTest
    @EnumSource(
        value = RotationStep.class,
        names = {"TEST_SECRET", "FINISH_SECRET"})
    void laterStepsFailWhenThePendingKeyWasDeactivatedByHand(RotationStep step) {
      String token = pendingKeyCreated();
      iam.deactivateKey(USER, stored(token).accessKeyId().orElseThrow());
      run(RotationStep.SET_SECRET, token);
      assertThatThrownBy(() -> run(step, token)).hasMessageContaining("is inactive");
    }

    @Test
    void confirmsThePendingValueWithoutCallingIam() {
      String token = pendingKeyCreated();
      iam.calls.clear();
      secrets.calls.clear();
      run(RotationStep.SET_SECRET, token);
      run(RotationStep.SET_SECRET, token);
      assertThat(iam.calls).isEmpty();
      assertThat(secrets.calls).containsOnly("GetSecretValue");
    }
  }

  @Nested
  class TestSecret {
    @Test
    void waitsForANewKeyToPropagateAndNeedsConsecutiveSuccesses() {
      String token = pendingKeyCreated();
      probe.rejectNext = 2;
      StepReport report = run(RotationStep.TEST_SECRET, token);
      assertThat(probe.probedKeys).hasSize(5);
      // two failures (100 ms, then 200 ms pauses) and two pauses between the three successes
      assertThat(report.changes().propagationWait())
          .isEqualTo(Duration.ofMillis(100 + 200 + 100 + 100));
    }

    @Test
    void failsAfterTheTimeoutWithElapsedTimeAndLastError() {
      env.put(Settings.PROPAGATION_TIMEOUT_SECONDS, "3");
      String token = pendingKeyCreated();
      probe.rejectNext = 1000;
      assertThatThrownBy(() -> run(RotationStep.TEST_SECRET, token))
          .hasMessageContaining("did not work 3 times in a row within 3 s")
          .hasMessageContaining("last error: InvalidClientTokenId");
      assertThat(clock.instant()).isBefore(T0.plusSeconds(4));
    }

    @Test
    void failsAtOnceWhenTheKeyBelongsToSomeoneElse() {
      String token = pendingKeyCreated();
      probe.forcedArn = "arn:aws:iam::123456789012:user/other";
      assertThatThrownBy(() -> run(RotationStep.TEST_SECRET, token))
          .hasMessageContaining("authenticates as arn:aws:iam::123456789012:user/other");
      assertThat(probe.probedKeys).hasSize(1);
    }

    @Test
    void testOnlyRunWithoutAPendingValueChecksTheCurrentKey() {
      oneManagedKey();
      String token = secrets.startRotation();
      probe.probedKeys.clear();
      iam.calls.clear();
      run(RotationStep.TEST_SECRET, token);
      assertThat(probe.probedKeys).containsOnly(currentKeyId());
      assertThat(iam.calls).doesNotContain("CreateAccessKey");
    }

    @Test
    void testOnlyRunOnABootstrapSecretChecksTheUserOnly() {
      bootstrap();
      String token = secrets.startRotation();
      run(RotationStep.TEST_SECRET, token);
      assertThat(probe.probedKeys).isEmpty();
    }
  }

  @Nested
  class FinishSecret {
    @Test
    void promotesKeepsThePreviousKeyAndLeavesNoPendingLabel() {
      twoManagedKeys();
      String current = currentKeyId();
      assertThat(iam.key(USER, otherKey(current)).orElseThrow().active()).isTrue();
      assertThat(secrets.stages().values()).noneMatch(l -> l.contains(PENDING));
      assertThat(secrets.tags.get(AttemptRecord.TAG))
          .as("the record left names the version now AWSCURRENT")
          .startsWith(
              secrets.stages().entrySet().stream()
                      .filter(e -> e.getValue().contains(CURRENT))
                      .findFirst()
                      .orElseThrow()
                      .getKey()
                  + " ");
    }

    @Test
    void deactivatesThePreviousKeyWhenConfigured() {
      env.put(Settings.PREVIOUS_KEY_POLICY, "deactivate");
      twoManagedKeys();
      assertThat(iam.key(USER, otherKey(currentKeyId())).orElseThrow().active()).isFalse();
    }

    @Test
    void deletesAPreviousKeyKeyrotatorCreatedWhenConfigured() {
      env.put(Settings.PREVIOUS_KEY_POLICY, "delete");
      oneManagedKey();
      rotateFully();
      assertThat(iam.keysOf(USER)).extracting(AccessKey::id).containsOnly(currentKeyId());
    }

    @Test
    void leavesAnImportedPreviousKeyAloneUnderPolicyDeleteOrDeactivate() {
      for (String policy : List.of("delete", "deactivate")) {
        setUp();
        env.put(Settings.PREVIOUS_KEY_POLICY, policy);
        String imported = iam.addKey(USER, true, T0);
        secrets.putCurrent(
            "{\"UserName\":\"app-ci\",\"AccessKeyId\":\""
                + imported
                + "\",\"SecretAccessKey\":\"x\"}");
        rotateFully();
        assertThat(iam.key(USER, imported))
            .as(policy)
            .hasValueSatisfying(k -> assertThat(k.active()).isTrue());
        assertThat(logLines).anyMatch(l -> l.contains("imported by hand"));
      }
    }

    @Test
    void resumesAfterACrashThatFollowedThePromotion() {
      env.put(Settings.PREVIOUS_KEY_POLICY, "deactivate");
      oneManagedKey();
      String previous = currentKeyId();
      String token = secrets.startRotation();
      run(RotationStep.CREATE_SECRET, token);
      String oldVersion =
          secrets.stages().entrySet().stream()
              .filter(e -> e.getValue().contains(CURRENT))
              .findFirst()
              .orElseThrow()
              .getKey();
      secrets.moveCurrent(
          FakeSecrets.ARN, token, oldVersion); // the crash came right after this call
      assertThat(secrets.stages().get(token)).contains(CURRENT, PENDING);
      run(RotationStep.FINISH_SECRET, token);
      assertThat(secrets.stages().get(token)).containsOnly(CURRENT);
      assertThat(iam.key(USER, previous).orElseThrow().active()).isFalse();
    }

    @Test
    void neverPromotesAPendingKeyThatNoLongerExists() {
      String current = oneManagedKey();
      String token = secrets.startRotation();
      run(RotationStep.CREATE_SECRET, token);
      iam.deleteKey(USER, stored(token).accessKeyId().orElseThrow());
      assertThatThrownBy(() -> run(RotationStep.FINISH_SECRET, token))
          .hasMessageContaining("no longer exists");
      assertThat(currentKeyId()).isEqualTo(current);
    }

    @Test
    void runningItTwiceIsHarmless() {
      env.put(Settings.PREVIOUS_KEY_POLICY, "delete");
      oneManagedKey();
      String token = secrets.startRotation();
      for (RotationStep step : RotationStep.values()) {
        run(step, token);
      }
      Map<String, List<String>> stages = secrets.stages();
      List<AccessKey> keys = iam.keysOf(USER);
      run(RotationStep.FINISH_SECRET, token);
      assertThat(secrets.stages()).isEqualTo(stages);
      assertThat(iam.keysOf(USER)).isEqualTo(keys);
    }
  }

  /**
   * Whether {@code pending}, sealed under {@code sealKey}, proves keyrotator created {@code key}.
   */
  private boolean provesCreation(
      ManagedKeySecret pending, AccessKey key, String token, String sealKey) {
    return pending.provesCreationOf(
        key,
        FakeSecrets.ARN,
        token,
        iam.user(USER),
        io.keyrotator.ownership.EvidenceSeal.withKey(sealKey));
  }

  /** createSecret refuses because keyrotator does not own {@code key}, and leaves the key alone. */
  private void refusesForeignKey(String token, String key) {
    assertThatThrownBy(() -> run(RotationStep.CREATE_SECRET, token))
        .hasMessageContaining("does not own it");
    assertThat(iam.key(USER, key)).isPresent();
  }

  /**
   * One full rotation, then a new one whose attempt is recorded on the secret (created nothing yet,
   * the current key the only one before it); returns its token.
   */
  private String openAttemptAfterOneRotation() {
    oneManagedKey();
    String token = secrets.startRotation();
    recordAttempt(token, clock.instant(), Optional.empty(), currentKeyId());
    return token;
  }

  private void recordAttempt(
      String token, java.time.Instant at, Optional<String> created, String... keysBefore) {
    AttemptRecord record =
        AttemptRecord.starting(token, iam.user(USER).id(), at, Set.of(keysBefore));
    secrets.tagSecret(
        FakeSecrets.ARN,
        AttemptRecord.TAG,
        created
            .map(record::created)
            .orElse(record)
            .tagValue(
                FakeSecrets.ARN,
                io.keyrotator.ownership.EvidenceSeal.withKey(FakeSecrets.SEAL_KEY)));
  }

  /**
   * The fake secrets, except that putPending fails with {@code error}: after storing the value when
   * {@code valueLands} (the caller sees an error for a change that happened), else before.
   */
  private SecretVersions putPendingFails(boolean valueLands, String error) {
    return new DelegatingSecrets(secrets) {
      @Override
      public void putPending(String secretId, String token, String value) {
        if (valueLands) {
          super.putPending(secretId, token, value);
        }
        throw new IllegalStateException(error);
      }
    };
  }

  /** Passes every call to the real fake; {@link #putPendingFails} overrides one to fail. */
  private static class DelegatingSecrets implements SecretVersions {
    private final FakeSecrets delegate;

    DelegatingSecrets(FakeSecrets delegate) {
      this.delegate = delegate;
    }

    @Override
    public io.keyrotator.ports.SecretDescription describe(String secretId) {
      return delegate.describe(secretId);
    }

    @Override
    public List<TaggedSecret> taggedSecrets() {
      return delegate.taggedSecrets();
    }

    @Override
    public Optional<String> versionValue(String secretId, String versionId) {
      return delegate.versionValue(secretId, versionId);
    }

    @Override
    public void tagSecret(String secretId, String key, String value) {
      delegate.tagSecret(secretId, key, value);
    }

    @Override
    public void untagSecret(String secretId, String key) {
      delegate.untagSecret(secretId, key);
    }

    @Override
    public List<Version> versions(String secretId) {
      return delegate.versions(secretId);
    }

    @Override
    public Optional<StoredValue> stored(String secretId, Optional<String> versionId, String stage) {
      return delegate.stored(secretId, versionId, stage);
    }

    @Override
    public void putPending(String secretId, String token, String value) {
      delegate.putPending(secretId, token, value);
    }

    @Override
    public void moveCurrent(String secretId, String toVersion, String fromVersion) {
      delegate.moveCurrent(secretId, toVersion, fromVersion);
    }

    @Override
    public void removeStage(String secretId, String stage, String fromVersion) {
      delegate.removeStage(secretId, stage, fromVersion);
    }
  }
}
