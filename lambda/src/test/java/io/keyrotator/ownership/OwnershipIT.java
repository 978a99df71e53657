package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.inspection.Repair;
import io.keyrotator.inspection.SecretInspector;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * The failures listed in the ownership issue, each reproduced on moto with the real handler, the
 * hygiene job and doctor's repairs: each must end in a refusal that names the cause and the fix,
 * with nothing deleted or deactivated that a managed secret's AWSCURRENT holds or that keyrotator
 * cannot prove it created.
 */
@ExtendWith(LocalAwsExtension.class)
class OwnershipIT {
  private static final String USER = "app-ci";
  private LocalAws aws;
  private MutableClock clock;
  private LocalJobs jobs;

  /** The handler with the test defaults, judging its records by the test's clock. */
  private RotationHandler handler;

  @BeforeEach
  void setUp() {
    handler = jobs.handler(Map.of());
  }

  private ManagedKeySecret value(String secret, String stage) {
    return ManagedKeySecret.parse(aws.value(secret, stage), stage);
  }

  @Test
  void case1_aSecondSecretImportingTheKeyOfAnotherIsRefusedAndItsKeyNeverDeactivated() {
    String a = aws.rotatedOnce(USER, "a-key", handler);
    String k1 = aws.keyIn(a, "AWSCURRENT");
    ManagedKeySecret aValue = value(a, "AWSCURRENT");
    String b =
        aws.createSecret(
            "b-key",
            "{\"UserName\":\""
                + USER
                + "\",\"AccessKeyId\":\""
                + k1
                + "\",\"SecretAccessKey\":\""
                + aValue.secretAccessKey().orElseThrow()
                + "\"}",
            USER);

    assertThatThrownBy(
            () -> aws.rotate(jobs.handler(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate")), a))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("is named by secret b-key as well as by a-key")
        .hasMessageContaining("Keep one");
    assertThatThrownBy(() -> aws.rotate(handler, b)).hasMessageContaining("claimed by secret " + a);
    assertThat(aws.keyStatus(USER, k1)).as("B's AWSCURRENT key").isEqualTo(StatusType.ACTIVE);

    // The hygiene job, with the clock past grace and deletion, never retires it either.
    clock.advance(Duration.ofDays(60));
    HygieneReport report = jobs.hygiene(Map.of(FunctionEnvironment.HYGIENE_REPAIR, "true"));
    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of(FunctionEnvironment.HYGIENE_REPAIR, "true"));
    assertThat(aws.keyStatus(USER, k1)).isEqualTo(StatusType.ACTIVE);
    assertThat(report.toString()).doesNotContain(aValue.secretAccessKey().orElseThrow());
  }

  @Test
  void case2_aSecondSecretsCreateSecretNeverDeletesTheFirstOnesPendingKey() {
    String a = aws.rotatedOnce(USER, "a-key", handler);
    String tokenA = aws.rotateUpTo(handler, a, RotationStep.CREATE_SECRET);
    String pendingA =
        ManagedKeySecret.parse(
                aws.secretsManager
                    .getSecretValue(r -> r.secretId(a).versionId(tokenA).versionStage("AWSPENDING"))
                    .secretString(),
                "p")
            .accessKeyId()
            .orElseThrow();
    String b =
        aws.createBootstrapSecret(
            "b-key", USER); // a second secret for the same user, made meanwhile

    String tokenB = aws.startRotation(b);
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, b, tokenB))
        .hasMessageContaining("a-key")
        .hasMessageContaining("Nothing was changed");
    assertThat(aws.keyStatus(USER, pendingA)).isEqualTo(StatusType.ACTIVE);

    LocalAws.runStep(handler, RotationStep.SET_SECRET, a, tokenA);
    LocalAws.runStep(handler, RotationStep.TEST_SECRET, a, tokenA);
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.FINISH_SECRET, a, tokenA))
        .as("A does not promote while another secret names its user")
        .hasMessageContaining("b-key");
    aws.secretsManager.deleteSecret(
        r -> r.secretId(b).forceDeleteWithoutRecovery(true)); // the merge
    LocalAws.runStep(handler, RotationStep.FINISH_SECRET, a, tokenA);
    assertThat(aws.keyIn(a, "AWSCURRENT")).isEqualTo(pendingA);
  }

  @Test
  void case3_aKeyMadeByHandAfterADroppedAttemptIsNeverDeletedNorIsAForgedRecordTrusted() {
    String a = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(a, "AWSCURRENT");
    String token = aws.rotateUpTo(handler, a, RotationStep.CREATE_SECRET);
    String abandoned = aws.keyIn(a, "AWSPENDING");

    clock.advance(Duration.ofMinutes(1)); // the test's clock started before the version was created
    assertThat(jobs.doctorFix()).hasAtLeastOneElementOfType(Repair.RemovePendingLabel.class);
    aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(abandoned));
    String handMade = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();
    // Someone forges keyrotator 1's intent tag and a keyrotator:attempt record for the current
    // version.
    aws.iam.tagUser(
        r ->
            r.userName(USER)
                .tags(
                    LocalAws.userTag(
                        "keyrotator:rotation", token + " " + Instant.now().getEpochSecond())));
    String userId = aws.iam.getUser(r -> r.userName(USER)).user().userId();
    String currentVersion =
        aws.stages(a).entrySet().stream()
            .filter(e -> e.getValue().contains("AWSCURRENT"))
            .findFirst()
            .orElseThrow()
            .getKey();
    String forgedRecord =
        AttemptRecord.starting(
                currentVersion, userId, Instant.now().minusSeconds(1), Set.of(current))
            .created(handMade)
            .tagValue(a, EvidenceSeal.withKey("a-key-the-attacker-made-up-0123456789abcdef"));
    aws.secretsManager.tagResource(
        r -> r.secretId(a).tags(LocalAws.secretTag(AttemptRecord.TAG, forgedRecord)));

    assertThat(jobs.doctorFix()).isEmpty();
    // Made moments before the next rotation began, the key could be that rotation's lost one as
    // far as keyrotator can tell: it is named and left alone (the forged record, if trusted, would
    // have had it deactivated as an interrupted attempt's key).
    assertThatThrownBy(() -> aws.rotate(handler, a))
        .hasMessageContaining(handMade)
        .hasMessageContaining("keyrotator cannot tell and leaves it alone");
    clock.advance(Duration.ofHours(1));
    assertThat(jobs.doctorFix())
        .as("only the refused rotation's empty AWSPENDING is dropped; no key is touched")
        .allMatch(r -> r instanceof Repair.RemovePendingLabel);
    assertThat(aws.keyStatus(USER, handMade)).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, current)).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void case4_aValueNamingAnotherUserNeverHandsOutThatUsersKey() {
    aws.createManagedUser("low-priv");
    aws.createManagedUser("deploy-admin");
    String low = aws.createBootstrapSecret("low-priv-key", "low-priv");
    aws.rotate(handler, low);
    aws.secretsManager.putSecretValue(
        r -> r.secretId(low).secretString("{\"UserName\":\"deploy-admin\"}"));
    assertThatThrownBy(() -> aws.rotate(handler, low))
        .hasMessageContaining(
            "tagged keyrotator:user=low-priv but its value names IAM user deploy-admin");
    assertThat(aws.keys("deploy-admin")).isEmpty();

    // A secret made by hand, untagged: refused before anything else.
    String untagged = aws.createForeignSecret("untagged-key", "{\"UserName\":\"deploy-admin\"}");
    assertThatThrownBy(() -> aws.rotate(handler, untagged))
        .hasMessageContaining("has no keyrotator:user tag");
    assertThat(aws.keys("deploy-admin")).isEmpty();

    // Both the value and the tag switched to another user: the earlier keyrotator value shows whom
    // it served.
    String switched = aws.createBootstrapSecret("switched-key", "low-priv-2");
    aws.createManagedUser("low-priv-2");
    aws.rotate(handler, switched);
    aws.secretsManager.putSecretValue(
        r -> r.secretId(switched).secretString("{\"UserName\":\"deploy-admin\"}"));
    aws.secretsManager.tagResource(
        r ->
            r.secretId(switched).tags(LocalAws.secretTag(SecretVersions.USER_TAG, "deploy-admin")));
    assertThatThrownBy(() -> aws.rotate(handler, switched))
        .hasMessageContaining("served IAM user low-priv-2");
    assertThat(aws.keys("deploy-admin")).isEmpty();
    aws.secretsManager.tagResource(
        r -> r.secretId(switched).tags(LocalAws.secretTag(SecretVersions.USER_TAG, "low-priv-2")));

    // A secret made outside the stack naming a user another secret claims.
    String admin = aws.createBootstrapSecret("deploy-admin-key", "deploy-admin");
    aws.rotate(handler, admin);
    String outside =
        aws.createBootstrapSecret(
            "outside-key", "deploy-admin"); // even encrypted with keyrotator's key
    assertThatThrownBy(() -> aws.rotate(handler, outside))
        .hasMessageContaining("claimed by secret " + admin);
    assertThat(aws.keys("deploy-admin")).hasSize(1);
  }

  @Test
  void case4_aUserDeletedAndCreatedAgainIsADifferentUser() {
    String a = aws.rotatedOnce(USER, "a-key", handler);
    String old = aws.keyIn(a, "AWSCURRENT");
    aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(old));
    aws.iam.untagUser(r -> r.userName(USER).tagKeys(SecretBinding.CLAIM_TAG));
    aws.iam.deleteUser(r -> r.userName(USER));
    aws.createManagedUser(USER);
    assertThatThrownBy(() -> aws.rotate(handler, a))
        .hasMessageContaining("deleted and created again");
    assertThat(aws.keys(USER)).isEmpty();

    // Following the refusal's advice serves the new user; the old value is no obstacle.
    aws.secretsManager.updateSecretVersionStage(
        r ->
            r.secretId(a)
                .versionStage("AWSPENDING")
                .removeFromVersionId(
                    aws.stages(a).entrySet().stream()
                        .filter(
                            e ->
                                e.getValue().contains("AWSPENDING")
                                    && !e.getValue().contains("AWSCURRENT"))
                        .findFirst()
                        .orElseThrow()
                        .getKey()));
    // moto leaves AWSCURRENT on two versions when PutSecretValue follows a stage move made by
    // UpdateSecretVersionStage (AWS moves it): put the bootstrap under a label, then move
    // AWSCURRENT.
    String current =
        aws.stages(a).entrySet().stream()
            .filter(e -> e.getValue().contains("AWSCURRENT"))
            .findFirst()
            .orElseThrow()
            .getKey();
    String bootstrapVersion = java.util.UUID.randomUUID().toString();
    aws.secretsManager.putSecretValue(
        r ->
            r.secretId(a)
                .clientRequestToken(bootstrapVersion)
                .secretString("{\"UserName\":\"" + USER + "\"}")
                .versionStages("OPERATOR"));
    aws.secretsManager.updateSecretVersionStage(
        r ->
            r.secretId(a)
                .versionStage("AWSCURRENT")
                .moveToVersionId(bootstrapVersion)
                .removeFromVersionId(current));
    aws.rotate(handler, a);
    assertThat(value(a, "AWSCURRENT").userId())
        .contains(aws.iam.getUser(r -> r.userName(USER)).user().userId());
    assertThat(aws.keyStatus(USER, aws.keyIn(a, "AWSCURRENT"))).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void case5_afterADroppedFailedFinishTheNextRotationKnowsItsOwnKey() {
    String a = aws.rotatedOnce(USER, "a-key", handler);
    String current = aws.keyIn(a, "AWSCURRENT");
    String token = aws.rotateUpTo(handler, a, RotationStep.TEST_SECRET);
    String dropped = aws.keyIn(a, "AWSPENDING");
    aws.iam.updateAccessKey(r -> r.userName(USER).accessKeyId(dropped).status(StatusType.INACTIVE));
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.FINISH_SECRET, a, token))
        .hasMessageContaining("is inactive");
    aws.secretsManager.updateSecretVersionStage(
        r -> r.secretId(a).versionStage("AWSPENDING").removeFromVersionId(token));

    aws.rotate(handler, a);
    assertThat(aws.keyStatus(USER, dropped))
        .as("the dropped attempt's inactive key, provably ours, made room")
        .isNull();
    assertThat(aws.keyIn(a, "AWSPREVIOUS")).isEqualTo(current);
    assertThat(aws.keyStatus(USER, aws.keyIn(a, "AWSCURRENT"))).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void case6_secretValuesRoundTripAndMalformedOnesAreNamedPrecisely() {
    aws.createManagedUser(USER);
    String a =
        aws.createSecret(
            "a-key",
            "{\"UserName\":\"app-ci\",\"Owner\":\"team-ci\",\"Consumer\":{\"host\":\"build-1\"}}",
            USER);
    aws.rotate(handler, a);
    aws.rotate(handler, a);
    assertThat(value(a, "AWSCURRENT").otherFields())
        .containsEntry("Owner", "team-ci")
        .containsKey("Consumer");

    aws.createManagedUser("dup");
    String duplicated =
        aws.createSecret("dup-key", "{\"UserName\":\"dup\",\"UserName\":\"app-ci\"}", "dup");
    assertThatThrownBy(() -> aws.rotate(handler, duplicated))
        .hasMessageContaining("has the field \"UserName\" more than once (line 1, column");
    String trailing =
        aws.createSecret("trailing-key", "{\"UserName\":\"dup\"}{\"UserName\":\"app-ci\"}", "dup");
    assertThatThrownBy(() -> aws.rotate(handler, trailing))
        .hasMessageContaining("more content after the JSON object");
    assertThat(aws.keys("dup")).isEmpty();
    assertThat(aws.keys(USER)).hasSize(2);
  }

  @Test
  void case7_aTestOnlyRotationOfADeletedCurrentKeyFailsAtOnceNamingThatKey() {
    RotationHandler quickToGiveUp =
        jobs.handler(Map.of(Settings.PROPAGATION_TIMEOUT_SECONDS, "30"));
    String a = aws.rotatedOnce(USER, "a-key", quickToGiveUp);
    String current = aws.keyIn(a, "AWSCURRENT");
    aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(current));
    String token = aws.startRotation(a);
    long start = System.nanoTime();
    assertThatThrownBy(() -> LocalAws.runStep(quickToGiveUp, RotationStep.TEST_SECRET, a, token))
        .hasMessageContaining("the current key")
        .hasMessageContaining("no longer exists on user app-ci")
        .hasMessageContaining("Rotate now")
        .hasMessageNotContaining("propagat");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void migration_aSecretRotatedByKeyrotator1KeepsRotatingAndItsOldKeyIsLeftForThePerson() {
    aws.createManagedUser(USER);
    String k1 = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();
    var created = aws.keys(USER).get(0).createDate();
    // A value as keyrotator 1 wrote it: CreatedBy and CreateDate, no UserId, SecretArn or
    // VersionId.
    String a =
        aws.createSecret(
            "a-key",
            "{\"UserName\":\"app-ci\",\"AccessKeyId\":\""
                + k1
                + "\",\"SecretAccessKey\":\"s3cr3t\",\"CreateDate\":\""
                + created
                + "\",\"CreatedBy\":\"keyrotator\"}",
            USER);
    aws.iam.tagUser(r -> r.userName(USER).tags(LocalAws.userTag("keyrotator:rotation", "old 1")));
    RotationHandler deactivating = jobs.handler(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate"));
    aws.rotate(deactivating, a);
    assertThat(aws.keyStatus(USER, k1))
        .as("keyrotator 1's unsealed record proves nothing (anyone could have written it): kept")
        .isEqualTo(StatusType.ACTIVE);
    assertThat(aws.logLines).anyMatch(l -> l.contains("cannot prove it created the previous key"));
    assertThat(value(a, "AWSCURRENT").userId()).isPresent();
    var tags = aws.iam.listUserTags(r -> r.userName(USER)).tags();
    assertThat(tags).anyMatch(t -> t.key().equals(SecretBinding.CLAIM_TAG) && t.value().equals(a));
    assertThat(tags).noneMatch(t -> t.key().equals("keyrotator:rotation"));
    // At the 2-key limit the old key is the person's to retire, as the refusal says; then rotation
    // goes on.
    assertThatThrownBy(() -> aws.rotate(deactivating, a))
        .hasMessageContaining("cannot prove it created it");
    aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(k1));
    aws.rotate(deactivating, aws.secretsManager.describeSecret(r -> r.secretId(a)).arn());
    assertThat(aws.keyStatus(USER, aws.keyIn(a, "AWSCURRENT"))).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void nothingItCreatedGoesUnreportedAndAStaleClaimIsReleasedOnlyByDoctor() {
    String old = aws.rotatedOnce(USER, "old-key", handler);
    String oldKey = aws.keyIn(old, "AWSCURRENT");
    aws.secretsManager.deleteSecret(r -> r.secretId(old).recoveryWindowInDays(7L));

    SecretInspector inspector = jobs.inspector(Duration.ofHours(1));
    assertThat(inspector.inspectAll())
        .singleElement()
        .satisfies(
            status ->
                assertThat(status.findings())
                    .singleElement()
                    .satisfies(
                        f -> {
                          assertThat(f.type())
                              .isEqualTo(
                                  io.keyrotator.inspection.Finding.Type
                                      .SECRET_SCHEDULED_FOR_DELETION);
                          assertThat(f.message())
                              .contains(
                                  "restore-secret", io.keyrotator.ports.KeyIds.shorten(oldKey));
                        }));

    String replacement = aws.createBootstrapSecret("new-key", USER);
    assertThatThrownBy(() -> aws.rotate(handler, replacement))
        .hasMessageContaining("claimed by secret " + old);
    List<Repair> applied = jobs.doctorFix();
    assertThat(applied).hasAtLeastOneElementOfType(Repair.ReleaseStaleClaim.class);
    assertThat(applied)
        .noneMatch(
            r -> r instanceof Repair.DeleteOrphanKey || r instanceof Repair.DeactivateOrphanKey);
    aws.rotate(handler, replacement);
    assertThat(aws.keyStatus(USER, oldKey))
        .as("the deleted secret's key is not the new secret's to retire")
        .isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, aws.keyIn(replacement, "AWSCURRENT")))
        .isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void aClaimByASecretInAnotherRegionIsNeverReleasedHere() {
    aws.createManagedUser(USER);
    String a = aws.createBootstrapSecret("a-key", USER);
    String elsewhere =
        "arn:aws:secretsmanager:eu-west-1:" + LocalAws.ACCOUNT + ":secret:keyrotator/app-ci-AbCdEf";
    aws.iam.tagUser(
        r -> r.userName(USER).tags(LocalAws.userTag(SecretBinding.CLAIM_TAG, elsewhere)));
    assertThatThrownBy(() -> aws.rotate(handler, a))
        .hasMessageContaining("claimed by secret " + elsewhere);
    clock.advance(Duration.ofMinutes(1));
    assertThat(jobs.doctorFix()).noneMatch(r -> r instanceof Repair.ReleaseStaleClaim);
    assertThat(aws.iam.listUserTags(r -> r.userName(USER)).tags())
        .anyMatch(t -> t.key().equals(SecretBinding.CLAIM_TAG) && t.value().equals(elsewhere));
  }
}
