package io.keyrotator.rotation;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.config.Settings;
import io.keyrotator.contract.ResourceTags;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.EvidenceSeal;
import io.keyrotator.ownership.KeyOwnership;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.ports.ReadOnceIamKeys;
import io.keyrotator.ports.ReadOnceSecretVersions;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The four rotation steps for an IAM user's access key, each safe to run again in any state that a
 * crash, a retry, or a change by hand can leave.
 *
 * <p>The state machine is documented in {@code docs/rotation.md}; each step's comment lists the
 * states it may find and what it does with each.
 */
public final class AccessKeyRotation {
  /**
   * The user tag keyrotator 1 wrote before creating a key. No longer written or trusted (anyone
   * with iam:TagUser can write it); finishSecret removes it where it is left over.
   */
  public static final String LEGACY_INTENT_TAG = ResourceTags.USER_LEGACY_ROTATION;

  private final SecretVersions secrets;
  private final IamKeys iam;
  private final KeyPropagation propagation;
  private final ManagedScope scope;
  private final KeyOwnership ownership;
  private final OtherKeys otherKeys;
  private final Settings settings;
  private final Clock clock;
  private final StructuredLog log;

  public AccessKeyRotation(
      SecretVersions secrets,
      IamKeys iam,
      KeyPropagation propagation,
      Settings settings,
      Clock clock,
      StructuredLog log) {
    this(
        secrets,
        iam,
        EvidenceSeal.fromSecret(secrets, ManagedScope.of(settings).sealSecret()),
        propagation,
        settings,
        clock,
        log);
  }

  private AccessKeyRotation(
      SecretVersions secrets,
      IamKeys iam,
      EvidenceSeal seal,
      KeyPropagation propagation,
      Settings settings,
      Clock clock,
      StructuredLog log) {
    this.secrets = secrets;
    this.iam = iam;
    this.propagation = propagation;
    this.scope = ManagedScope.of(settings);
    this.ownership = new KeyOwnership(secrets, iam, seal);
    this.otherKeys = new OtherKeys(iam, ownership, settings, clock, log);
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Runs one step after the checks every step starts with.
   *
   * @param timeLeft how long the invocation may still run (bounds the propagation wait)
   * @throws RotationFailedException when the step cannot complete; nothing that worked stops
   *     working
   */
  public void run(RotationRequest request, StepReport report, Duration timeLeft) {
    // Each step reads what it needs from AWS once and passes it on (a write forgets what it may
    // have changed); nothing read is kept for the next invocation, which may follow a crash or a
    // change by hand.
    new AccessKeyRotation(
            new ReadOnceSecretVersions(secrets),
            new ReadOnceIamKeys(iam),
            ownership.seal(),
            propagation,
            settings,
            clock,
            log)
        .runStep(request, report, timeLeft);
  }

  private void runStep(RotationRequest request, StepReport report, Duration timeLeft) {
    RotationStep step = request.step();
    if (step == RotationStep.SET_SECRET || step == RotationStep.TEST_SECRET) {
      // These two steps change nothing. GetSecretValue of the token's AWSPENDING value answers
      // with the version's labels, which is all they need to know about the secret; only when it
      // finds no value do they describe the secret, to say why (or, for testSecret, to run a
      // test-only rotation).
      Optional<SecretVersions.StoredValue> pending =
          secrets.stored(request.secretId(), Optional.of(request.token()), PENDING);
      if (pending.isPresent()) {
        if (pending.get().stages().contains(CURRENT)) {
          report.note("version is already AWSCURRENT: nothing to do");
        } else if (step == RotationStep.SET_SECRET) {
          setSecret(request, pending.get(), report);
        } else {
          testPendingKey(request, pending.get(), report, timeLeft);
        }
        return;
      }
    }
    String secretId = request.secretId();
    String token = request.token();
    SecretDescription secret = secrets.describe(secretId);
    if (!secret.rotationEnabled()) {
      throw new RotationFailedException(FailureMessages.rotationNotEnabled(secret));
    }
    if (!secret.versionStages().containsKey(token)) {
      throw new RotationFailedException(FailureMessages.tokenNotAVersion(secret, token));
    }
    boolean isCurrent = secret.hasStage(token, CURRENT);
    boolean isPending = secret.hasStage(token, PENDING);
    if (isCurrent && !(step == RotationStep.FINISH_SECRET && isPending)) {
      report.note("version is already AWSCURRENT: nothing to do");
      return;
    }
    if (!isPending) {
      throw new RotationFailedException(FailureMessages.tokenNotPending(secret, token));
    }
    switch (step) {
      case CREATE_SECRET -> createSecret(secret, token, report);
      case SET_SECRET ->
          throw new RotationFailedException(FailureMessages.noPendingValue(secret, token));
      case TEST_SECRET -> testCurrentKey(secret, report, timeLeft);
      case FINISH_SECRET -> finishSecret(secret, token, isCurrent, report);
    }
  }

  /*
   * createSecret: store a new key for this token under AWSPENDING.
   * - A value is already stored for the token (retry, or a concurrent run won): keep it, done.
   * - No AWSCURRENT value, or one that is not valid: fail; there is no user to rotate.
   * - The binding does not hold (the value names another user than the secret serves, the user is
   *   claimed by or named in another secret, or was re-created): fail, nothing changed.
   * - AWSCURRENT is a bootstrap value {"UserName"}: no key yet, create the first one.
   * - AWSCURRENT's key is gone from the user (deleted by hand): create a replacement.
   * - Keys keyrotator provably created but holds in no labelled version (a dropped version's key,
   *   or the key of an attempt that stopped before storing it): deactivate if active and unused,
   *   delete once inactive (an interrupted attempt's key only after every run that could still
   *   store it has ended). While such an interrupted key remains, fail: its record must not be
   *   overwritten by a new attempt.
   * - Two keys already: delete the AWSPREVIOUS key if the limit policy allows and keyrotator
   *   provably created it; never the AWSCURRENT key, never a key without proof; else fail naming
   *   the keys, nothing changed.
   * - Claim the user for this secret when nobody has, create the key, record it on the secret
   *   (the attempt record), store it. PutSecretValue fails: if the value did land, go on; if someone else's
   *   value is stored for the token, keep it and delete the new key; otherwise delete the new key
   *   and fail. The record stays: once its token's value is stored it explains nothing (see
   *   KeyOwnership), and the next attempt writes over it.
   * The token's value is always read first, even though keyrotator records a token before it
   * stores a value for it: a value put by hand, or a record removed by hand or by keyrotator 1.x,
   * must never let this step take the key that value hands out for one it may delete.
   */
  private void createSecret(SecretDescription secret, String token, StepReport report) {
    if (secrets.value(secret.arn(), Optional.of(token), PENDING).isPresent()) {
      report.note("a value is already stored for this token: kept");
      return;
    }
    ManagedKeySecret current = currentValue(secret);
    if (!secret.tags().containsKey(SecretVersions.USER_TAG)) {
      throw new RotationFailedException(FailureMessages.secretNotTagged(secret, current));
    }
    IamUser user = scope.requireManaged(iam, current.userName(), secret.name());
    report.user(user.name());
    current.accessKeyId().ifPresent(report::currentKey);
    KeyOwnership.SecretRecords records = ownership.readBeforeCreate(secret, current);
    requireBinding(secret, current, user, records.previous());
    SecretBinding.sharedWith(secret, user, secrets.taggedSecrets())
        .ifPresent(
            refusal -> {
              throw new RotationFailedException(refusal);
            });

    List<AccessKey> keys = new ArrayList<>(iam.listKeys(user.name()));
    List<KeyOwnership.OwnedKey> owned = new ArrayList<>(ownership.classify(records, user, keys));
    if (current.accessKeyId().isPresent() && keys.stream().noneMatch(k -> current.holds(k.id()))) {
      log.warn(
          "the key in AWSCURRENT no longer exists on the user: this rotation replaces it",
          Map.of("user", user.name(), "missingKey", KeyIds.shorten(current.accessKeyId().get())));
    }
    otherKeys.cleanUpOwnKeys(secret, user, keys, owned, report);
    if (keys.size() >= 2) {
      otherKeys.freeSlot(secret, records, user, keys, owned, report);
    }

    if (SecretBinding.unclaimed(user)) {
      iam.tagUser(user.name(), SecretBinding.CLAIM_TAG, secret.arn());
      report.note("claimed user " + user.name() + " for this secret");
    }
    AttemptRecord attempt =
        AttemptRecord.starting(
            token,
            user.id(),
            clock.instant(),
            keys.stream().map(AccessKey::id).collect(Collectors.toSet()));
    // Load the seal's key now: an unreadable seal secret fails here, before a key exists whose
    // record could not be sealed.
    ownership.seal().available();
    NewAccessKey created = iam.createKey(user.name());
    report.created(created.id());
    String value =
        ManagedKeySecret.createdByRotation(
                current,
                user,
                created,
                secret.arn(),
                token,
                ownership.seal(),
                replaces(secret, owned),
                adopted(current, keys, owned))
            .toJson();
    try {
      // Record the key before storing it: only a key the record names is ever taken for this
      // attempt's, should the function stop before the value is stored. Should it stop before
      // the record is written (CreateAccessKey's answer lost), the key appeared after the token's
      // version was created and nothing names it: KeyOwnership calls it unconfirmed and the
      // rotation waits for a person.
      secrets.tagSecret(
          secret.arn(),
          AttemptRecord.TAG,
          attempt.created(created.id()).tagValue(secret.arn(), ownership.seal()));
      secrets.putPending(secret.arn(), token, value);
    } catch (RuntimeException e) {
      undoCreatedKey(secret, token, user, created, report, e);
    }
  }

  /**
   * The AWSCURRENT version and its key, when keyrotator proved it created that key: recorded in the
   * new value so that finishSecret and the next createSecret need not read that version again.
   */
  private static Optional<ManagedKeySecret.ReplacedKey> replaces(
      SecretDescription secret, List<KeyOwnership.OwnedKey> owned) {
    Optional<String> currentVersion = secret.versionWith(CURRENT);
    return owned.stream()
        .filter(k -> k.role() == KeyOwnership.Role.CURRENT && k.provenOurs())
        .findFirst()
        .flatMap(k -> currentVersion.map(v -> new ManagedKeySecret.ReplacedKey(v, k.key().id())));
  }

  /**
   * The adopted keys still on the user, bound to their IAM creation time: the ones AWSCURRENT's
   * sealed record carries and the ones the operator's statement names (the key handed over in
   * AWSCURRENT among them), which this value seals.
   */
  private static List<ManagedKeySecret.AdoptedKey> adopted(
      ManagedKeySecret current, List<AccessKey> keys, List<KeyOwnership.OwnedKey> owned) {
    return owned.stream()
        .filter(
            k ->
                k.role() == KeyOwnership.Role.ADOPTED
                    || (k.role() == KeyOwnership.Role.CURRENT
                        && current.adoptStatement().contains(k.key().id())))
        .filter(k -> keys.contains(k.key()))
        .map(k -> new ManagedKeySecret.AdoptedKey(k.key().id(), k.key().createDate()))
        .toList();
  }

  /** PutSecretValue failed: the call may still have landed, so look before deleting the key. */
  private void undoCreatedKey(
      SecretDescription secret,
      String token,
      IamUser user,
      NewAccessKey created,
      StepReport report,
      RuntimeException cause) {
    Optional<ManagedKeySecret> stored;
    try {
      stored =
          secrets
              .value(secret.arn(), Optional.of(token), PENDING)
              .map(v -> ManagedKeySecret.parse(v, "AWSPENDING of " + secret.name()));
    } catch (RuntimeException lookupFailed) {
      // Unknown outcome: keep the key; the attempt record lets a later run recognise it.
      throw new RotationFailedException(
          FailureMessages.storeOutcomeUnknown(secret, created, cause), cause);
    }
    if (stored.filter(s -> s.holds(created.id())).isPresent()) {
      report.note("PutSecretValue reported an error but the value landed");
      return;
    }
    iam.deleteKey(user.name(), created.id());
    if (stored.isPresent()) {
      // Another run (or a person) stored a value for this token first: it stands, as when a
      // retry finds a value already stored. The key just created was never handed out.
      report.deleted(created.id(), "a value was already stored for this token: kept it");
      return;
    }
    report.deleted(created.id(), "its secret could not be stored");
    throw new RotationFailedException(FailureMessages.storeFailedKeyDeleted(secret, cause), cause);
  }

  /*
   * setSecret: for IAM there is nothing to install: the key exists from the moment it is created.
   * The step writes nothing, so it checks only what it reads: a value is stored for the token
   * (else createSecret has to run first: the retry does that) and it parses as a key. Whether the
   * key is still on the user, active and bound is checked by testSecret (STS names the key's user)
   * and again by finishSecret right before it promotes anything.
   */
  private void setSecret(
      RotationRequest request, SecretVersions.StoredValue pending, StepReport report) {
    ManagedKeySecret value =
        ManagedKeySecret.parse(pending.value(), "AWSPENDING of " + request.secretId());
    report.user(value.userName());
    value.accessKeyId().ifPresent(report::pendingKey);
  }

  /*
   * testSecret with a value stored for the token: prove the pending key works, signed calls to STS
   * as the secret's user, until it succeeds N times in a row (bounded). STS names the key's user
   * by its unique id, which must be the one the value was bound to. When the key never works, IAM
   * is asked why (deleted or deactivated by hand?) so that the failure names the repair.
   */
  private void testPendingKey(
      RotationRequest request,
      SecretVersions.StoredValue pending,
      StepReport report,
      Duration timeLeft) {
    ManagedKeySecret subject =
        ManagedKeySecret.parse(pending.value(), "AWSPENDING of " + request.secretId());
    report.user(subject.userName());
    if (subject.isBootstrap()) {
      report.note("bootstrap value: no key to test yet");
      return;
    }
    String keyId = subject.accessKeyId().orElseThrow();
    report.pendingKey(keyId);
    // A value keyrotator sealed for this very secret and token was bound to its user by
    // createSecret: STS naming that user's unique id proves the key is the user's. Any other value
    // (put by hand) gets the full checks: the user managed, the binding holding.
    String userId;
    if (subject.sealedFor(pending.secretArn(), request.token(), ownership.seal())) {
      userId = subject.userId().orElseThrow();
    } else {
      SecretDescription secret = secrets.describe(request.secretId());
      IamUser user = scope.requireManaged(iam, subject.userName(), secret.name());
      requireBinding(secret, subject, user, Optional.empty());
      userId = user.id();
    }
    try {
      report.propagationWait(
          propagation.awaitWorking(
              keyId,
              subject.secretAccessKey().orElseThrow(),
              userId,
              subject.userName() + " (" + userId + ")",
              timeLeft,
              KeyPropagation.KeyUnderTest.NEW_KEY));
    } catch (RotationFailedException notWorking) {
      SecretDescription secret = secrets.describe(request.secretId());
      IamUser user = scope.requireManaged(iam, subject.userName(), secret.name());
      requireUsablePendingKey(secret, request.token(), user, subject, report);
      throw notWorking;
    }
  }

  /*
   * testSecret with no value for the token (RotateImmediately=false runs testSecret alone against
   * an empty AWSPENDING version): validate the configuration instead: AWSCURRENT parses, its user
   * is managed and bound to this secret, and its key (if any) exists, is active and works. A
   * missing or inactive current key fails at once, naming that key: no wait can fix it.
   */
  private void testCurrentKey(SecretDescription secret, StepReport report, Duration timeLeft) {
    report.note("no pending value: validating the current value (test-only rotation)");
    ManagedKeySecret subject = currentValue(secret);
    IamUser user = scope.requireManaged(iam, subject.userName(), secret.name());
    report.user(user.name());
    requireBinding(secret, subject, user, Optional.empty());
    if (subject.isBootstrap()) {
      report.note("bootstrap value: no key to test yet");
      return;
    }
    String keyId = subject.accessKeyId().orElseThrow();
    report.currentKey(keyId);
    requireCurrentKeyUsable(secret, user, keyId);
    report.propagationWait(
        propagation.awaitWorking(
            keyId,
            subject.secretAccessKey().orElseThrow(),
            user.id(),
            user.name() + " (" + user.id() + ")",
            timeLeft,
            KeyPropagation.KeyUnderTest.CURRENT_KEY));
  }

  private void requireCurrentKeyUsable(SecretDescription secret, IamUser user, String keyId) {
    Optional<AccessKey> key =
        iam.listKeys(user.name()).stream().filter(k -> k.id().equals(keyId)).findFirst();
    if (key.isEmpty() || !key.get().active()) {
      throw new RotationFailedException(
          FailureMessages.currentKeyUnusable(secret, user, keyId, key.isEmpty()));
    }
  }

  /*
   * finishSecret: make the pending key current, then deal with the key it replaces.
   * - The token is AWSCURRENT and still AWSPENDING: an earlier finishSecret stopped after the
   *   promotion: apply the previous-key policy, clear the records, drop AWSPENDING.
   * - (AWSCURRENT without AWSPENDING was already answered: nothing to do.)
   * - The binding does not hold, or another secret names the user: fail before promoting.
   * - No value for the token, or its key is gone or inactive: fail before promoting; a key that
   *   does not work never becomes current.
   * - Otherwise: claim the user if nobody has, move AWSCURRENT to the token (the old version
   *   becomes AWSPREVIOUS), apply the previous-key policy (only to a key keyrotator provably
   *   created, unless unproven keys are allowed), clear keyrotator 1's user tag, and remove
   *   AWSPENDING last, so that a crash at any point leaves this token AWSPENDING
   *   and the retry finishes the work.
   */
  private void finishSecret(
      SecretDescription secret, String token, boolean alreadyCurrent, StepReport report) {
    ManagedKeySecret promoted = pendingValue(secret, token);
    IamUser user = scope.requireManaged(iam, promoted.userName(), secret.name());
    report.user(user.name());
    Optional<String> replacedVersion =
        alreadyCurrent ? secret.versionWith(PREVIOUS) : secret.versionWith(CURRENT);
    // createSecret recorded, sealed, the version this value replaces and that it created its key;
    // a version's value never changes, so while that version is the one replaced it is not read.
    Optional<ManagedKeySecret.ReplacedKey> recorded =
        promoted
            .provenReplacedKey(secret.arn(), token, ownership.seal())
            .filter(r -> replacedVersion.filter(r.versionId()::equals).isPresent());
    Optional<ManagedKeySecret> replaced =
        recorded.isPresent()
            ? Optional.empty()
            : replacedVersion.flatMap(
                v -> readQuietly(secret, v, alreadyCurrent ? PREVIOUS : CURRENT));
    requireBinding(secret, promoted, user, replaced);
    SecretBinding.sharedWith(secret, user, secrets.taggedSecrets())
        .ifPresent(
            refusal -> {
              throw new RotationFailedException(refusal);
            });
    if (alreadyCurrent) {
      report.note("resuming after an interrupted finishSecret");
    } else {
      requireUsablePendingKey(secret, token, user, promoted, report);
    }
    if (SecretBinding.unclaimed(user)) {
      iam.tagUser(user.name(), SecretBinding.CLAIM_TAG, secret.arn());
      report.note("claimed user " + user.name() + " for this secret");
    }
    if (!alreadyCurrent) {
      secrets.moveCurrent(secret.arn(), token, replacedVersion.orElse(null));
      report.note("promoted the new key to AWSCURRENT");
    }
    boolean trusted = promoted.sealedFor(secret.arn(), token, ownership.seal());
    if (recorded.isPresent()) {
      String oldKey = recorded.get().accessKeyId();
      if (!promoted.holds(oldKey)) {
        otherKeys.applyPreviousKeyPolicy(secret, user, oldKey, key -> true, trusted, report);
      }
    } else {
      replaced
          .filter(old -> old.names(user))
          .filter(old -> !old.isBootstrap())
          .filter(old -> !old.accessKeyId().equals(promoted.accessKeyId()))
          .filter(old -> !adoptedByPromoted(secret, token, promoted, old, report))
          .ifPresent(
              old ->
                  otherKeys.applyPreviousKeyPolicy(
                      secret,
                      user,
                      old.accessKeyId().orElseThrow(),
                      key ->
                          old.provesCreationOf(
                              key,
                              secret.arn(),
                              replacedVersion.orElseThrow(),
                              user,
                              ownership.seal()),
                      trusted,
                      report));
    }
    if (user.tags().containsKey(LEGACY_INTENT_TAG)) {
      iam.untagUser(user.name(), LEGACY_INTENT_TAG);
    }
    secrets.removeStage(secret.arn(), PENDING, token);
  }

  /**
   * Whether the promoted value adopted the key the replaced value holds: then no previous-key
   * policy applies to it (its consumer may not read the secret), the hygiene job retires it once
   * unused.
   */
  private boolean adoptedByPromoted(
      SecretDescription secret,
      String token,
      ManagedKeySecret promoted,
      ManagedKeySecret old,
      StepReport report) {
    String oldId = old.accessKeyId().orElseThrow();
    boolean adopted =
        promoted.provenAdoptedKeys(secret.arn(), token, ownership.seal()).stream()
            .anyMatch(a -> a.accessKeyId().equals(oldId));
    if (adopted) {
      report.currentKey(oldId);
      report.note(
          "the previous key "
              + KeyIds.shorten(oldId)
              + " is adopted: the hygiene job retires it once it is unused");
    }
    return adopted;
  }

  /** Fails with the refusal when the value, the user and this secret do not belong together. */
  private static void requireBinding(
      SecretDescription secret,
      ManagedKeySecret value,
      IamUser user,
      Optional<ManagedKeySecret> earlier) {
    SecretBinding.conflict(secret, value, user, earlier)
        .ifPresent(
            refusal -> {
              throw new RotationFailedException(refusal);
            });
  }

  private Optional<ManagedKeySecret> readQuietly(
      SecretDescription secret, String version, String stage) {
    try {
      return secrets
          .value(secret.arn(), Optional.of(version), stage)
          .map(v -> ManagedKeySecret.parse(v, stage + " of " + secret.name()));
    } catch (RotationFailedException unreadable) {
      log.warn("the " + stage + " value is not valid; its key is treated as not owned", Map.of());
      return Optional.empty();
    }
  }

  private void requireUsablePendingKey(
      SecretDescription secret,
      String token,
      IamUser user,
      ManagedKeySecret pending,
      StepReport report) {
    String keyId =
        pending
            .accessKeyId()
            .orElseThrow(
                () ->
                    new RotationFailedException(FailureMessages.pendingHoldsNoKey(secret, token)));
    report.pendingKey(keyId);
    Optional<AccessKey> key =
        iam.listKeys(user.name()).stream().filter(k -> k.id().equals(keyId)).findFirst();
    if (key.isEmpty()) {
      throw new RotationFailedException(FailureMessages.pendingKeyGone(secret, token, user, keyId));
    }
    if (!key.get().active()) {
      throw new RotationFailedException(FailureMessages.pendingKeyInactive(secret, token, keyId));
    }
  }

  private ManagedKeySecret currentValue(SecretDescription secret) {
    String where = "AWSCURRENT of " + secret.name();
    String json =
        secrets
            .value(secret.arn(), Optional.empty(), CURRENT)
            .orElseThrow(() -> new RotationFailedException(FailureMessages.noCurrentValue(secret)));
    return ManagedKeySecret.parse(json, where);
  }

  private ManagedKeySecret pendingValue(SecretDescription secret, String token) {
    String json =
        secrets
            .value(secret.arn(), Optional.of(token), PENDING)
            .orElseThrow(
                () -> new RotationFailedException(FailureMessages.noPendingValue(secret, token)));
    return ManagedKeySecret.parse(json, "AWSPENDING of " + secret.name());
  }
}
