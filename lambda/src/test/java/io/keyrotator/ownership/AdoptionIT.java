package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Existing users (path {@code /}, listed in the deployment's users) with keys made by hand years
 * ago: adopted, then rotated on schedule three times with the hygiene job between the rotations, on
 * moto with the real rotation function and hygiene job. The old key's consumer keeps working until
 * it stops using it; a key nobody named is never touched.
 */
@ExtendWith(LocalAwsExtension.class)
class AdoptionIT {
  private static final String USER = "legacy-ci";
  private static final String SECRET = "legacy-ci-key";
  private static final String BYSTANDER = "legacy-other";
  private LocalAws aws;
  private LocalJobs jobs;
  private MutableClock clock;

  /**
   * moto answers ListSecretVersionIds with the time of the listing as every version's CreatedDate
   * (moto 5.2.1); AWS gives the time the version was stored, which the hygiene job takes as the
   * rotation's time. Tests put back what AWS would say.
   */
  private final AtomicReference<Instant> lastRotation = new AtomicReference<>(Instant.EPOCH);

  private final Map<String, String> env =
      Map.of(
          FunctionEnvironment.MANAGED_USERS,
          USER + "," + BYSTANDER,
          FunctionEnvironment.HYGIENE_SWITCH_MINUTES,
          "0");

  @BeforeEach
  void setUp() {
    aws.createUser(USER, "/");
    aws.createUser(BYSTANDER, "/");
  }

  private AccessKey handMadeKey(String user) {
    return aws.iam.createAccessKey(r -> r.userName(user)).accessKey();
  }

  /**
   * Keys made by hand long before: a key made in the second a rotation starts could be that
   * rotation's lost key, and keyrotator would rightly wait for a person (both services count whole
   * seconds, with one second of tolerance).
   */
  private static void longAgo() {
    LocalAws.sleep(Duration.ofMillis(2100));
  }

  private RotationHandler handler(Map<String, String> overrides) {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putAll(overrides);
    return jobs.handler(all);
  }

  /** A scheduled rotation, then the clock time it happened at (for the hygiene job). */
  private void scheduledRotation(RotationHandler handler) {
    scheduledRotation(handler, SECRET);
  }

  private void scheduledRotation(RotationHandler handler, String secret) {
    aws.rotate(handler, secret);
    lastRotation.set(Instant.now());
    // moto keeps times to the second: a later use must not share the rotation's second.
    LocalAws.sleep(Duration.ofMillis(1100));
  }

  private HygieneReport hygiene() {
    return jobs.hygiene(env, env, LocalJobs.versionsCreatedAt(lastRotation::get));
  }

  /**
   * The rest of each 30-day rotation period after the hygiene run 8 days into it: the next
   * scheduled rotation, then the hygiene run 8 days later (past the grace period).
   */
  private void nextMonths(RotationHandler handler, int rotations) {
    for (int i = 0; i < rotations; i++) {
      clock.advance(Duration.ofDays(22));
      scheduledRotation(handler);
      clock.advance(Duration.ofDays(8));
      hygiene();
    }
  }

  /** The consumer that was given the key by hand signs a call with it. */
  private String consumerCall(AccessKey key) {
    return aws.callerArn(key.accessKeyId(), key.secretAccessKey());
  }

  private static String adoptionValue(Optional<AccessKey> handedOver, List<String> adopt) {
    return adoptionValue(USER, handedOver, adopt);
  }

  private static String adoptionValue(
      String user, Optional<AccessKey> handedOver, List<String> adopt) {
    return ManagedKeySecret.adopting(
            user,
            handedOver.map(
                k -> new NewAccessKey(k.accessKeyId(), k.secretAccessKey(), k.createDate())),
            adopt)
        .toJson();
  }

  private String current() {
    return aws.keyIn(SECRET, "AWSCURRENT");
  }

  @Test
  void withoutAdoptionTheSecondRotationRefusesAHandMadeKeyAndLeavesItAlone() {
    AccessKey handMade = handMadeKey(USER);
    aws.iam.updateAccessKey(
        r -> r.userName(USER).accessKeyId(handMade.accessKeyId()).status(StatusType.INACTIVE));
    longAgo();
    aws.createBootstrapSecret(SECRET, USER);
    RotationHandler handler = handler(Map.of(Settings.KEY_LIMIT_POLICY, "inactive"));
    scheduledRotation(handler);

    Throwable second = catchThrowable(() -> aws.rotate(handler, SECRET));

    assertThat(second)
        .hasMessageContaining("already has 2 access keys")
        .hasMessageContaining("does not own it");
    assertThat(aws.keyStatus(USER, handMade.accessKeyId())).isEqualTo(StatusType.INACTIVE);
  }

  @Test
  void aKeyHandedOverWithItsSecretServesItsConsumerUntilItStopsThenIsRetired() {
    AccessKey old = handMadeKey(USER);
    AccessKey foreign = handMadeKey(BYSTANDER);
    consumerCall(old);
    longAgo();
    aws.createSecret(SECRET, adoptionValue(Optional.of(old), List.of(old.accessKeyId())));
    RotationHandler handler = handler(Map.of());

    scheduledRotation(handler);
    assertThat(aws.value(SECRET, "AWSCURRENT")).contains(old.accessKeyId()).contains("AdoptedKeys");
    String first = current();
    assertThat(consumerCall(old)).as("the old consumer still works").endsWith(USER);

    clock.advance(Duration.ofDays(8));
    HygieneReport stillUsed = hygiene();
    assertThat(stillUsed.summary()).contains("still in use");
    assertThat(aws.keyStatus(USER, old.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(consumerCall(old)).endsWith(USER);

    // The consumer moves to the secret and stops using the old key; 30 days after the first
    // rotation it has been idle longer than KEYROTATOR_IDLE_DAYS.
    clock.advance(Duration.ofDays(22));
    scheduledRotation(handler);
    assertThat(aws.keyStatus(USER, old.accessKeyId())).as("retired once idle").isNull();
    assertThat(aws.keyIn(SECRET, "AWSPREVIOUS")).isEqualTo(first);

    clock.advance(Duration.ofDays(8));
    hygiene();
    assertThat(aws.keyStatus(USER, first)).isEqualTo(StatusType.INACTIVE);
    nextMonths(handler, 1);

    assertThat(aws.keys(USER)).hasSizeLessThanOrEqualTo(2);
    assertThat(aws.keyStatus(USER, current())).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(BYSTANDER, foreign.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.value(SECRET, "AWSCURRENT")).doesNotContain(old.accessKeyId());
  }

  @Test
  void aUserWithTwoKeysAdoptsBothAndKeepsOnlyTheOneInUseUntilItIsUnused() {
    AccessKey inUse = handMadeKey(USER);
    AccessKey idle = handMadeKey(USER);
    AccessKey foreign = handMadeKey(BYSTANDER);
    consumerCall(inUse);
    longAgo();
    aws.createSecret(
        SECRET,
        adoptionValue(Optional.of(inUse), List.of(inUse.accessKeyId(), idle.accessKeyId())));
    RotationHandler handler = handler(Map.of());

    scheduledRotation(handler);
    assertThat(aws.keyStatus(USER, idle.accessKeyId()))
        .as("the idle key made room for the new one")
        .isNull();
    assertThat(aws.keyStatus(USER, inUse.accessKeyId())).isEqualTo(StatusType.ACTIVE);

    clock.advance(Duration.ofDays(8));
    hygiene();
    assertThat(aws.keyStatus(USER, inUse.accessKeyId()))
        .as("unused since the rotation: deactivated after the grace period")
        .isEqualTo(StatusType.INACTIVE);
    nextMonths(handler, 2);

    assertThat(aws.keyStatus(USER, inUse.accessKeyId())).isNull();
    assertThat(aws.keyStatus(USER, current())).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(BYSTANDER, foreign.accessKeyId())).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void aKeyAdoptedByIdAloneKeepsWorkingWhileTheFirstRotationCreatesTheNewOne() {
    AccessKey old = handMadeKey(USER);
    AccessKey secondHandMade = handMadeKey(BYSTANDER);
    longAgo();
    aws.createSecret(SECRET, adoptionValue(Optional.empty(), List.of(old.accessKeyId())));
    RotationHandler handler = handler(Map.of());

    scheduledRotation(handler);
    assertThat(consumerCall(old)).endsWith(USER);
    clock.advance(Duration.ofDays(8));
    hygiene();
    assertThat(aws.keyStatus(USER, old.accessKeyId()))
        .as("used after the rotation: kept")
        .isEqualTo(StatusType.ACTIVE);
    nextMonths(handler, 2);

    assertThat(aws.keyStatus(USER, old.accessKeyId())).isNull();
    assertThat(aws.keyStatus(BYSTANDER, secondHandMade.accessKeyId())).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void aKeyNobodyNamedStaysUntouchedAndTheRefusalSaysSo() {
    AccessKey named = handMadeKey(USER);
    AccessKey unnamed = handMadeKey(USER);
    longAgo();
    aws.createSecret(SECRET, adoptionValue(Optional.of(named), List.of(named.accessKeyId())));

    Throwable refused = catchThrowable(() -> aws.rotate(handler(Map.of()), SECRET));

    assertThat(refused).hasMessageContaining("does not own it");
    assertThat(aws.keyStatus(USER, unnamed.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, named.accessKeyId())).isEqualTo(StatusType.ACTIVE);
  }

  // Red-team cases (a fresh reviewer as attacker and careless operator).

  /**
   * Hypothesis: the statement names a key of another user (a typo in a bulk list, or on purpose).
   * Expected: that key is neither sealed as adopted nor touched, now or by the hygiene job.
   */
  @Test
  void aStatementNamingAnotherUsersKeyNeverSealsOrTouchesIt() {
    AccessKey own = handMadeKey(USER);
    AccessKey other = handMadeKey(BYSTANDER);
    longAgo();
    aws.createSecret(
        SECRET,
        adoptionValue(USER, Optional.of(own), List.of(own.accessKeyId(), other.accessKeyId())));
    RotationHandler handler = jobs.handler(env);

    scheduledRotation(handler, SECRET);
    clock.advance(Duration.ofDays(8));
    hygiene();
    clock.advance(Duration.ofDays(22));
    scheduledRotation(handler, SECRET);
    clock.advance(Duration.ofDays(8));
    hygiene();

    assertThat(aws.value(SECRET, "AWSCURRENT")).doesNotContain(other.accessKeyId());
    assertThat(aws.keyStatus(BYSTANDER, other.accessKeyId())).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * Hypothesis: two secrets adopt the same key of the same user (the bulk adopt run twice with
   * different secret names, or the CDK app and the CLI both). Expected: the second secret is
   * refused (one user, one secret) and neither its rotation nor the hygiene job touches the key the
   * first one hands out.
   */
  @Test
  void twoSecretsAdoptingTheSameKeyNeverRetireItUnderTheOther() {
    AccessKey old = handMadeKey(USER);
    longAgo();
    aws.createSecret(SECRET, adoptionValue(USER, Optional.of(old), List.of(old.accessKeyId())));
    RotationHandler handler = jobs.handler(env);
    scheduledRotation(handler, SECRET);
    String first = aws.keyIn(SECRET, "AWSCURRENT");

    aws.createSecret(
        "second-" + SECRET, adoptionValue(USER, Optional.of(old), List.of(old.accessKeyId())));
    Throwable second = catchThrowable(() -> aws.rotate(handler, "second-" + SECRET));

    assertThat(second).as("a second secret for the same user").isNotNull();
    assertThat(aws.keyStatus(USER, first)).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keyStatus(USER, old.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(aws.keys(USER)).hasSize(2);
    // old still in use: the hygiene job of the first secret keeps it; the second never retires it.
    consumerCall(old);
    clock.advance(Duration.ofDays(8));
    HygieneReport report = hygiene();
    assertThat(aws.keyStatus(USER, old.accessKeyId())).as(report.summary()).isNotNull();
    assertThat(aws.keyStatus(USER, first)).isEqualTo(StatusType.ACTIVE);
  }

  /**
   * Hypothesis: the adopted key's consumer (adopted by id alone: it does not read the secret) never
   * moves. The second scheduled rotation needs the adopted key's slot. Expected: the key stays
   * active and working, and the rotation fails with an error that names the adopted key as still in
   * use (not "does not own it"), so the operator knows whom to chase.
   */
  @Test
  void anAdoptedKeyStillInUseAtTheSecondRotationIsKeptAndTheErrorSaysWhy() {
    AccessKey old = handMadeKey(USER);
    longAgo();
    aws.createSecret(SECRET, adoptionValue(USER, Optional.empty(), List.of(old.accessKeyId())));
    RotationHandler handler = jobs.handler(env);
    scheduledRotation(handler, SECRET);
    String first = aws.keyIn(SECRET, "AWSCURRENT");

    // moto records LastUsed in wall-clock time and the function compares it with its own clock:
    // a day later keeps the use inside KEYROTATOR_IDLE_DAYS, as a consumer that uses the key daily
    // is. (A rotation forced early, `keyrotator rotate`, meets the same state.)
    consumerCall(old);
    clock.advance(Duration.ofDays(1));
    Throwable second = catchThrowable(() -> aws.rotate(handler, SECRET));

    assertThat(aws.keyStatus(USER, old.accessKeyId())).isEqualTo(StatusType.ACTIVE);
    assertThat(consumerCall(old)).endsWith(USER);
    assertThat(aws.keyStatus(USER, first)).isEqualTo(StatusType.ACTIVE);
    assertThat(second)
        .as("the user has no free slot")
        .hasMessageContaining(io.keyrotator.ports.KeyIds.shorten(old.accessKeyId()))
        .hasMessageContaining("adopted")
        .hasMessageNotContaining("does not own it");
  }

  /**
   * Hypothesis: someone with PutSecretValue on an already-managed secret (docs/deploy.md: only the
   * deployment role may; the template denies everyone else) puts a copy of AWSCURRENT that adds an
   * adoption statement naming a key of the user keyrotator does not own: a hand-made key another
   * system uses, never yet used. The next rotation needs a slot and deletes it under keyLimitPolicy
   * idle, on the strength of an unsealed statement in a managed secret. Expected (sealed evidence
   * only, for a secret keyrotator already rotates): a statement is honoured only while the secret
   * is not yet keyrotator's, and the foreign key is left with the usual refusal.
   */
  @Test
  void aStatementAddedToAnAlreadyManagedSecretDoesNotLetTheRotationDeleteAForeignKey() {
    aws.createBootstrapSecret(SECRET, USER);
    RotationHandler handler = jobs.handler(env);
    scheduledRotation(handler, SECRET);
    AccessKey foreign = handMadeKey(USER);
    longAgo();
    ManagedKeySecret current = ManagedKeySecret.parse(aws.value(SECRET, "AWSCURRENT"), "c");
    String currentId = current.accessKeyId().orElseThrow();
    Instant created =
        aws.iam.listAccessKeys(r -> r.userName(USER)).accessKeyMetadata().stream()
            .filter(k -> k.accessKeyId().equals(currentId))
            .findFirst()
            .orElseThrow()
            .createDate();
    String statement =
        ManagedKeySecret.adopting(
                USER,
                Optional.of(
                    new NewAccessKey(currentId, current.secretAccessKey().orElseThrow(), created)),
                List.of(foreign.accessKeyId()))
            .toJson();
    aws.secretsManager.putSecretValue(r -> r.secretId(SECRET).secretString(statement));

    Throwable next = catchThrowable(() -> aws.rotate(handler, SECRET));

    assertThat(aws.keyStatus(USER, foreign.accessKeyId()))
        .as("rotation after the statement: %s", next == null ? "succeeded" : next.getMessage())
        .isEqualTo(StatusType.ACTIVE);
  }
}
