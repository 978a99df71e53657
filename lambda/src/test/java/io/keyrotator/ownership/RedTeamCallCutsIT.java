package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyrotator.config.Settings;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueRequest;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/**
 * Red-team review of commit 6e97e08 (issue 12: 20 AWS calls per steady-state rotation instead of
 * 30): an attacker with the deployment role and a careless operator against the cuts (setSecret and
 * testSecret without DescribeSecret/GetUser, the sealed PreviousVersionId/PreviousAccessKeyId
 * record, the attempt record written once after CreateAccessKey and left in place, createSecret
 * reading the token's value only when the record names the token, "unconfirmed" keys inferred from
 * the pending version's CreatedDate). Each case runs the real handler on moto; where a case puts a
 * value by hand for the token, PutSecretValue answers as AWS does ({@link #awsPutSemantics}).
 *
 * <p>h1, h2, h3, h9 and h10 failed at the commit they were written against (a0aed58) and passed
 * before 6e97e08: regressions of the call cuts, fixed since (createSecret reads the token's value
 * first again; testSecret trusts a value's UserId only when keyrotator sealed the value for this
 * secret and token). h7 fails before and after the call cuts: a known defect, disabled with its
 * reason (docs/rotation.md, "Known limits").
 */
@ExtendWith(LocalAwsExtension.class)
class RedTeamCallCutsIT {
  private static final String USER = "app-ci";
  private static final String OTHER = "app-other";
  private LocalAws aws;
  private MutableClock clock;
  private LocalJobs jobs;

  private ManagedKeySecret value(String secret, String stage) {
    return ManagedKeySecret.parse(aws.value(secret, stage), stage);
  }

  private String pendingJson(String secret, String token) {
    return aws.secretsManager
        .getSecretValue(r -> r.secretId(secret).versionId(token).versionStage("AWSPENDING"))
        .secretString();
  }

  private List<String> keyIds(String user) {
    return aws.keys(user).stream().map(AccessKeyMetadata::accessKeyId).toList();
  }

  private static String keyJson(String user, String keyId, String secretKey) {
    return "{\"UserName\":\""
        + user
        + "\",\"AccessKeyId\":\""
        + keyId
        + "\",\"SecretAccessKey\":\""
        + secretKey
        + "\"}";
  }

  /**
   * H1: createSecret runs again (Secrets Manager retries the whole rotation from createSecret when
   * testSecret or finishSecret fails) for a token whose value is stored, but the attempt record no
   * longer names that token: keyrotator before issue 12 removed the record right after storing (a
   * rotation started before the upgrade and retried after it), or an operator cleared the tag. The
   * stored value must be kept, as before the change, and the rotation must finish.
   */
  @Test
  void h1_aRetriedCreateSecretKeepsTheStoredValueWhenTheRecordNoLongerNamesTheToken() {
    RotationHandler handler = awsLike(Map.of());
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    String token = aws.rotateUpTo(handler, secret, RotationStep.CREATE_SECRET);
    String stored = pendingJson(secret, token);
    aws.secretsManager.untagResource(r -> r.secretId(secret).tagKeys(AttemptRecord.TAG));

    Throwable retry =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token));

    assertThat(retry).as("the retried createSecret said: " + said(retry)).isNull();
    assertThat(pendingJson(secret, token)).isEqualTo(stored);
    finishRotation(handler, secret, token);
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isNotEqualTo(current);
  }

  /**
   * H2: the operator imports a key through the rotation (docs: "if another value is stored there
   * (put by hand, or a concurrent run), deletes the new key and keeps that value"): a key made by
   * hand is put for the token under AWSPENDING before createSecret runs. The value must be kept and
   * the rotation must finish; it must not stop at the 2-key limit on every retry.
   */
  @Test
  void h2_aValuePutByHandForTheTokenIsKeptAndTheRotationFinishes() {
    RotationHandler handler = awsLike(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate"));
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    String token = aws.startRotation(secret);
    var handMade = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey();
    String json = keyJson(USER, handMade.accessKeyId(), handMade.secretAccessKey());
    putPendingByHand(secret, token, json);

    Throwable create =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token));

    assertThat(create).as("createSecret said: " + said(create)).isNull();
    assertThat(pendingJson(secret, token)).isEqualTo(json);
    assertThat(keyIds(USER)).containsExactlyInAnyOrder(current, handMade.accessKeyId());
    finishRotation(handler, secret, token);
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isEqualTo(handMade.accessKeyId());
    assertThat(aws.keyStatus(USER, handMade.accessKeyId())).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * H3: testSecret now checks STS's UserId against the UserId the pending value records, without
   * GetUser. A value put by hand for the token that names this secret's user but records another
   * user's id, with that user's key, must not pass testSecret as "the new key works as the secret's
   * user"; and nothing may be promoted or retired.
   */
  @Test
  void h3_aPendingValueRecordingAnotherUsersIdDoesNotPassTestSecret() {
    RotationHandler handler = awsLike(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate"));
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    aws.createManagedUser(OTHER);
    var otherKey = aws.iam.createAccessKey(r -> r.userName(OTHER)).accessKey();
    String otherId = aws.iam.getUser(r -> r.userName(OTHER)).user().userId();
    String token = aws.startRotation(secret);
    String forged =
        "{\"UserName\":\""
            + USER
            + "\",\"UserId\":\""
            + otherId
            + "\",\"AccessKeyId\":\""
            + otherKey.accessKeyId()
            + "\",\"SecretAccessKey\":\""
            + otherKey.secretAccessKey()
            + "\"}";
    putPendingByHand(secret, token, forged);
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token));
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.SET_SECRET, secret, token));

    Throwable test =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.TEST_SECRET, secret, token));
    Throwable finish =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.FINISH_SECRET, secret, token));

    assertThat(aws.keyIn(secret, "AWSCURRENT")).as("never promoted").isEqualTo(current);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(OTHER, otherKey.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(finish).as("finishSecret refuses").isInstanceOf(RotationFailedException.class);
    assertThat(test)
        .as(
            "testSecret of a key that authenticates as "
                + OTHER
                + " for a secret of "
                + USER
                + "; finishSecret then said: "
                + finish.getMessage())
        .isInstanceOf(RotationFailedException.class);
  }

  /**
   * H4 (regression): a rollback by hand (AWSCURRENT moved back to the version the last rotation
   * replaced, its key reactivated: consumers use it again) must not let the sealed
   * PreviousVersionId/PreviousAccessKeyId record of the rolled-back-from version make the next
   * rotation retire the key consumers use before a new one is promoted, nor lose the new one.
   */
  @Test
  void h4_aRollbackByHandNeverLetsTheSealedRecordRetireTheKeyConsumersUse() {
    RotationHandler handler = jobs.handler(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate"));
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    aws.rotate(handler, secret);
    String v2Token = aws.rotate(handler, secret); // v2's value records v1 and its key
    String v1 =
        aws.stages(secret).entrySet().stream()
            .filter(e -> e.getValue().contains("AWSPREVIOUS"))
            .map(Map.Entry::getKey)
            .findFirst()
            .orElseThrow();
    String k1 =
        ManagedKeySecret.parse(
                aws.secretsManager
                    .getSecretValue(r -> r.secretId(secret).versionId(v1))
                    .secretString(),
                "v1")
            .accessKeyId()
            .orElseThrow();
    assertThat(
            value(secret, "AWSCURRENT")
                .provenReplacedKey(
                    secret,
                    v2Token,
                    io.keyrotator.ownership.EvidenceSeal.withKey(LocalAws.SEAL_KEY)))
        .as("the sealed record names v1")
        .isNotEmpty();
    // Rollback: v1 is AWSCURRENT again, its key active (consumers use k1), the newer key inactive.
    String k2 = aws.keyIn(secret, "AWSCURRENT");
    aws.iam.updateAccessKey(r -> r.userName(USER).accessKeyId(k1).status(StatusType.ACTIVE));
    aws.iam.updateAccessKey(r -> r.userName(USER).accessKeyId(k2).status(StatusType.INACTIVE));
    aws.secretsManager.updateSecretVersionStage(
        r ->
            r.secretId(secret)
                .versionStage("AWSCURRENT")
                .moveToVersionId(v1)
                .removeFromVersionId(v2Token));

    String token = aws.rotateUpTo(handler, secret, RotationStep.TEST_SECRET);
    assertThat(aws.keyStatus(USER, k1))
        .as("the key consumers use, before promotion")
        .isEqualTo(StatusType.ACTIVE);
    LocalAws.runStep(handler, RotationStep.FINISH_SECRET, secret, token);
    ManagedKeySecret promoted = value(secret, "AWSCURRENT");
    assertThat(aws.stages(secret).get(token)).contains("AWSCURRENT");
    assertThat(aws.keyStatus(USER, promoted.accessKeyId().orElseThrow()))
        .isEqualTo(StatusType.ACTIVE);
    assertThat(
            aws.callerArn(
                promoted.accessKeyId().orElseThrow(), promoted.secretAccessKey().orElseThrow()))
        .endsWith(":user/keyrotator/" + USER);
  }

  /**
   * H5 (regression): rotation is disabled (cancel-rotate-secret) after createSecret. setSecret and
   * testSecret no longer DescribeSecret, so they do not look; finishSecret still must refuse and
   * change nothing.
   */
  @Test
  void h5_aDisabledRotationIsNeverFinished() {
    RotationHandler handler = jobs.handler(Map.of(Settings.PREVIOUS_KEY_POLICY, "delete"));
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    String token = aws.rotateUpTo(handler, secret, RotationStep.CREATE_SECRET);
    aws.secretsManager.cancelRotateSecret(r -> r.secretId(secret));

    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.SET_SECRET, secret, token));
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.TEST_SECRET, secret, token));
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.FINISH_SECRET, secret, token))
        .hasMessageContaining("rotation is not enabled");
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isEqualTo(current);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * H6 (regression): the function stops between CreateAccessKey and the attempt record (the answer
   * of CreateAccessKey is lost): no record names the key. The retry must leave it alone, refuse
   * naming it with both ways out, and once the operator deleted it, finish.
   */
  @Test
  void h6_aKeyWhoseCreateAccessKeyAnswerWasLostIsLeftAloneAndNamed() {
    RotationHandler handler = jobs.handler(Map.of());
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    RotationHandler losing =
        aws.handler(aws.settings(Map.of()), clock, answerLost("CreateAccessKey"));
    String token = aws.startRotation(secret);
    assertThat(
            catchThrowable(
                () -> LocalAws.runStep(losing, RotationStep.CREATE_SECRET, secret, token)))
        .isNotNull();
    String lost = keyIds(USER).stream().filter(k -> !k.equals(current)).findFirst().orElseThrow();

    clock.advance(Duration.ofMinutes(16));
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token))
        .hasMessageContaining(lost)
        .hasMessageContaining("delete-access-key")
        .hasMessageContaining("--remove-from-version-id " + token);
    assertThat(aws.keyStatus(USER, lost)).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);

    aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(lost)); // the first way out
    LocalAws.runSteps(handler, secret, token);
    assertThat(aws.stages(secret).get(token)).contains("AWSCURRENT");
  }

  /**
   * H7: two createSecret runs of one token (Secrets Manager's retry overlapping `keyrotator
   * rotate`, say) on a bootstrap secret. Run A creates its key, records it, and stops without
   * knowing whether its value landed (PutSecretValue and the read-back both time out), so it keeps
   * the key for a later run to recognise by the record. Run B, which described the secret before
   * A's record, creates its own key, writes its record over A's and stores its value. A's key is
   * keyrotator's, useless (nobody has its secret) and no longer named anywhere: every crash/retry
   * state must end well, so a later rotation must still be able to run.
   */
  @Test
  @Disabled(
      "known defect older than issue 12: two concurrent createSecret runs of one token, the first"
          + " losing its PutSecretValue outcome, leave a key no record names (docs/rotation.md,"
          + " Known limits)")
  void h7_aKeyRecordedByARunWhoseRecordAnotherRunOverwroteDoesNotBlockLaterRotations() {
    aws.createManagedUser(USER);
    String secret = aws.createBootstrapSecret("a-key", USER);
    String token = aws.startRotation(secret);
    AtomicBoolean putSeen = new AtomicBoolean();
    ExecutionInterceptor storeOutcomeUnknown =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            String op = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
            if ("PutSecretValue".equals(op)) {
              putSeen.set(true);
            }
            if (putSeen.get() && ("PutSecretValue".equals(op) || "GetSecretValue".equals(op))) {
              throw SdkClientException.create("injected: " + op + " timed out");
            }
          }
        };
    RotationHandler runA = aws.handler(aws.settings(Map.of()), clock, storeOutcomeUnknown);
    java.util.concurrent.atomic.AtomicReference<Throwable> aSaid =
        new java.util.concurrent.atomic.AtomicReference<>();
    RotationHandler runB =
        aws.handler(
            aws.settings(Map.of()),
            clock,
            beforeFirst(
                "CreateAccessKey",
                () ->
                    aSaid.set(
                        catchThrowable(
                            () ->
                                LocalAws.runStep(
                                    runA, RotationStep.CREATE_SECRET, secret, token)))));
    LocalAws.runStep(runB, RotationStep.CREATE_SECRET, secret, token);
    assertThat(aSaid.get())
        .as("run A stopped not knowing")
        .isInstanceOf(RotationFailedException.class);
    RotationHandler handler = jobs.handler(Map.of());
    finishRotation(handler, secret, token);
    String current = aws.keyIn(secret, "AWSCURRENT");
    String aKey = keyIds(USER).stream().filter(k -> !k.equals(current)).findFirst().orElseThrow();

    clock.advance(Duration.ofMinutes(16));
    // The next rotation starts seconds later, as it would in AWS (versions are dated in seconds).
    LocalAws.sleep(Duration.ofMillis(2100));
    Throwable next = catchThrowable(() -> aws.rotate(handler, secret));
    Throwable again = catchThrowable(() -> aws.rotate(handler, secret));
    assertThat(again)
        .as(
            "run A's key "
                + aKey
                + " ("
                + aws.keyStatus(USER, aKey)
                + ") blocks every later rotation; the next said: "
                + said(next))
        .isNull();
    assertThat(aws.keyStatus(USER, aws.keyIn(secret, "AWSCURRENT"))).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * H8 (regression): two createSecret runs of one token on a bootstrap secret, with PutSecretValue
   * answering as AWS does. Run A runs whole while run B is about to call CreateAccessKey; B then
   * creates its key and writes its record over A's, and its PutSecretValue is refused (A's value is
   * stored). B must delete only its own key and keep A's value; the rotation finishes with A's key
   * and no key is left over to block the next one.
   */
  @Test
  void h8_theLoserOfTwoCreateSecretRunsDeletesOnlyItsOwnKey() {
    aws.createManagedUser(USER);
    String secret = aws.createBootstrapSecret("a-key", USER);
    String token = aws.startRotation(secret);
    RotationHandler runA = awsLike(Map.of());
    RotationHandler runB =
        aws.handler(
            aws.settings(Map.of()),
            clock,
            awsPutSemantics(),
            beforeFirst(
                "CreateAccessKey",
                () -> LocalAws.runStep(runA, RotationStep.CREATE_SECRET, secret, token)));
    String storedByA;

    LocalAws.runStep(runB, RotationStep.CREATE_SECRET, secret, token);
    storedByA = ManagedKeySecret.parse(pendingJson(secret, token), "p").accessKeyId().orElseThrow();

    assertThat(keyIds(USER)).containsExactly(storedByA);
    finishRotation(runA, secret, token);
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isEqualTo(storedByA);
    aws.rotate(runA, secret);
    assertThat(aws.keyStatus(USER, aws.keyIn(secret, "AWSCURRENT"))).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * H9: a value put by hand for the token hands out the AWSPREVIOUS key (the operator steps back to
   * it through the rotation). createSecret no longer reads the token's value (the record names an
   * older token), so it does not see that the AWSPREVIOUS key is now the AWSPENDING one, frees a
   * slot by deleting it (idle for 8 days, key limit policy idle), creates a key, is refused by
   * PutSecretValue, deletes that key too and reports the hand-put value "kept": a value naming a
   * key keyrotator just deleted. The key an AWSPENDING value hands out must never be deleted.
   */
  @Test
  void h9_createSecretNeverDeletesTheKeyAValuePutByHandForTheTokenHandsOut() {
    RotationHandler handler = awsLike(Map.of());
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    ManagedKeySecret first = value(secret, "AWSCURRENT");
    String previous = first.accessKeyId().orElseThrow();
    aws.rotate(handler, secret); // previous-key policy keep: the first key stays active
    String current = aws.keyIn(secret, "AWSCURRENT");
    clock.advance(Duration.ofDays(8)); // the first key has been idle since
    String token = aws.startRotation(secret);
    putPendingByHand(secret, token, keyJson(USER, previous, first.secretAccessKey().orElseThrow()));

    Throwable create =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token));

    assertThat(aws.keyStatus(USER, previous))
        .as("the key AWSPENDING hands out, after createSecret said: " + said(create))
        .isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * H10: testSecret no longer asks IAM whether the value's user is managed when the value records a
   * UserId. A value put by hand for the token that names a user outside the deployment's scope
   * (with that user's key) must be refused by testSecret, as docs/rotation.md's checks say every
   * step does ("the secret's user must exist and be managed"), instead of keyrotator signing STS
   * calls with a key of a user it may not touch; finishSecret must refuse and change nothing.
   */
  @Test
  void h10_testSecretRefusesAPendingValueNamingAUserOutsideTheScope() {
    RotationHandler handler = awsLike(Map.of());
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    aws.createUser("outsider", "/people/");
    var outsiderKey = aws.iam.createAccessKey(r -> r.userName("outsider")).accessKey();
    String outsiderId = aws.iam.getUser(r -> r.userName("outsider")).user().userId();
    String token = aws.startRotation(secret);
    putPendingByHand(
        secret,
        token,
        "{\"UserName\":\"outsider\",\"UserId\":\""
            + outsiderId
            + "\",\"AccessKeyId\":\""
            + outsiderKey.accessKeyId()
            + "\",\"SecretAccessKey\":\""
            + outsiderKey.secretAccessKey()
            + "\"}");
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token));

    Throwable test =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.TEST_SECRET, secret, token));
    Throwable finish =
        catchThrowable(() -> LocalAws.runStep(handler, RotationStep.FINISH_SECRET, secret, token));

    assertThat(finish).isInstanceOf(RotationFailedException.class);
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isEqualTo(current);
    assertThat(aws.keyStatus("outsider", outsiderKey.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(
            aws.iam
                .getAccessKeyLastUsed(r -> r.accessKeyId(outsiderKey.accessKeyId()))
                .accessKeyLastUsed()
                .lastUsedDate())
        .as("keyrotator signed calls with the key of a user it may not touch")
        .isNull();
    assertThat(test)
        .as("testSecret of a value naming an unmanaged user; finishSecret said: " + said(finish))
        .isInstanceOf(RotationFailedException.class);
  }

  /**
   * H11 (regression): the user is deleted and created again under its name after createSecret.
   * testSecret and setSecret no longer GetUser; finishSecret must still refuse naming the
   * re-created user, and nothing is promoted.
   */
  @Test
  void h11_aUserCreatedAgainUnderItsNameIsNeverPromotedTo() {
    RotationHandler handler = awsLike(Map.of(Settings.PREVIOUS_KEY_POLICY, "delete"));
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(secret, "AWSCURRENT");
    String token = aws.rotateUpTo(handler, secret, RotationStep.CREATE_SECRET);
    for (String key : keyIds(USER)) {
      aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(key));
    }
    aws.iam.untagUser(r -> r.userName(USER).tagKeys(SecretBinding.CLAIM_TAG));
    aws.iam.deleteUser(r -> r.userName(USER));
    aws.createManagedUser(USER);
    var newKey = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();

    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.SET_SECRET, secret, token));
    catchThrowable(() -> LocalAws.runStep(handler, RotationStep.TEST_SECRET, secret, token));
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.FINISH_SECRET, secret, token))
        .isInstanceOf(RotationFailedException.class);
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isEqualTo(current);
    assertThat(aws.keyStatus(USER, newKey)).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * H12 (regression): the operator copies the AWSCURRENT value, with its sealed
   * PreviousVersionId/PreviousAccessKeyId record, into the rotation's token (a rotation to the same
   * key). A copy is sealed for another version: its record proves nothing, so under the delete
   * policy neither finishSecret nor the next rotation deletes the key consumers use.
   */
  @Test
  void h12_aSealedValueCopiedIntoTheTokenNeverLetsItsRecordDeleteTheCurrentKey() {
    RotationHandler handler = awsLike(Map.of(Settings.PREVIOUS_KEY_POLICY, "delete"));
    String secret = aws.rotatedOnce(USER, "a-key", handler);
    aws.rotate(handler, secret); // AWSCURRENT now records the version it replaced
    String json = aws.value(secret, "AWSCURRENT");
    String current = aws.keyIn(secret, "AWSCURRENT");
    String token = aws.startRotation(secret);
    putPendingByHand(secret, token, json);

    LocalAws.runSteps(handler, secret, token);
    assertThat(aws.keyIn(secret, "AWSCURRENT")).isEqualTo(current);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);
    aws.rotate(handler, secret);
    assertThat(aws.keyStatus(USER, current))
        .as("the copied value proved nothing: the key is kept, as an imported one")
        .isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, aws.keyIn(secret, "AWSCURRENT"))).isEqualTo(StatusType.ACTIVE);
  }

  /** What a step that may have failed said: its message, or "-". */
  private static String said(Throwable failure) {
    return failure == null ? "-" : failure.getMessage();
  }

  /** setSecret, testSecret and finishSecret of a rotation whose createSecret has run. */
  private static void finishRotation(RotationHandler handler, String secret, String token) {
    LocalAws.runStep(handler, RotationStep.SET_SECRET, secret, token);
    LocalAws.runStep(handler, RotationStep.TEST_SECRET, secret, token);
    LocalAws.runStep(handler, RotationStep.FINISH_SECRET, secret, token);
  }

  /** What an operator with the deployment role can do: put a value for the rotation's token. */
  private void putPendingByHand(String secret, String token, String json) {
    aws.secretsManager.putSecretValue(
        r ->
            r.secretId(secret)
                .clientRequestToken(token)
                .secretString(json)
                .versionStages("AWSPENDING"));
  }

  /**
   * PutSecretValue as AWS answers it (rotation-contract.md): a token that already holds a different
   * value is refused with ResourceExistsException. moto overwrites instead (local-aws-emulator.md),
   * which would hide what createSecret does with a value put by hand.
   */
  private ExecutionInterceptor awsPutSemantics() {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (context.request() instanceof PutSecretValueRequest put
            && put.clientRequestToken() != null) {
          String existing;
          try {
            existing =
                aws.secretsManager
                    .getSecretValue(
                        r -> r.secretId(put.secretId()).versionId(put.clientRequestToken()))
                    .secretString();
          } catch (ResourceNotFoundException none) {
            return;
          }
          if (existing != null && !existing.equals(put.secretString())) {
            throw ResourceExistsException.builder()
                .message("You can't modify an existing version, you can only create a new version.")
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("ResourceExistsException")
                        .errorMessage("You can't modify an existing version")
                        .build())
                .statusCode(400)
                .build();
          }
        }
      }
    };
  }

  /** The handler with the test defaults and the overrides, on the test's clock, AWS's puts. */
  private RotationHandler awsLike(Map<String, String> overrides) {
    return aws.handler(aws.settings(overrides), clock, awsPutSemantics());
  }

  /** Runs the action once, right before the first call of the operation. */
  private static ExecutionInterceptor beforeFirst(String operation, Runnable action) {
    AtomicBoolean done = new AtomicBoolean();
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            && done.compareAndSet(false, true)) {
          action.run();
        }
      }
    };
  }

  /** Fails every call of the operation before it reaches AWS. */
  private static ExecutionInterceptor failing(String operation) {
    return new ExecutionInterceptor() {
      @Override
      public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))) {
          throw SdkClientException.create("injected: " + operation + " timed out");
        }
      }
    };
  }

  /** Loses the answer of the first call of the operation: AWS carried it out, the caller fails. */
  private static ExecutionInterceptor answerLost(String operation) {
    AtomicBoolean done = new AtomicBoolean();
    return new ExecutionInterceptor() {
      @Override
      public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        if (operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
            && done.compareAndSet(false, true)) {
          throw SdkClientException.create("injected: the answer of " + operation + " was lost");
        }
      }
    };
  }
}
