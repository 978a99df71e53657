package io.keyrotator.rotation;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.config.PreviousKeyPolicy;
import io.keyrotator.config.Settings;
import io.keyrotator.contract.ResourceTags;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.KeyOwnership;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.ports.RotationFailure;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
    this.secrets = secrets;
    this.iam = iam;
    this.propagation = propagation;
    this.scope = ManagedScope.of(settings);
    this.ownership = new KeyOwnership(secrets, iam, scope.sealSecret());
    this.settings = settings;
    this.clock = clock;
    this.log = log;
  }

  /**
   * Runs one step after the checks every step starts with.
   *
   * @param timeLeft how long the invocation may still run (bounds the propagation wait)
   * @throws RotationFailure when the step cannot complete; nothing that worked stops working
   */
  public void run(RotationRequest request, StepReport report, Duration timeLeft) {
    String secretId = request.secretId();
    String token = request.token();
    SecretDescription secret = secrets.describe(secretId);
    if (!secret.rotationEnabled()) {
      throw new RotationFailure(
          "rotation is not enabled for secret "
              + secret.name()
              + ". Turn it on with `aws secretsmanager rotate-secret --secret-id "
              + secret.name()
              + " --rotation-lambda-arn <this function>` (or deploy it with the CDK app)."
              + " Nothing was changed.");
    }
    if (!secret.versionStages().containsKey(token)) {
      throw new RotationFailure(
          "token "
              + token
              + " is not a version of secret "
              + secret.name()
              + " (versions: "
              + secret.versionStages()
              + "). Secrets Manager sends the version it created for this rotation; this event"
              + " belongs to another secret or an old rotation. Nothing was changed.");
    }
    boolean isCurrent = secret.hasStage(token, CURRENT);
    boolean isPending = secret.hasStage(token, PENDING);
    if (isCurrent && !(request.step() == RotationStep.FINISH_SECRET && isPending)) {
      report.note("version is already AWSCURRENT: nothing to do");
      return;
    }
    if (!isPending) {
      throw new RotationFailure(
          "version "
              + token
              + " of secret "
              + secret.name()
              + " is not AWSPENDING (its labels: "
              + secret.versionStages().get(token)
              + "): this rotation was abandoned, e.g. by a manual put-secret-value. Start a new"
              + " one with `aws secretsmanager rotate-secret`. Nothing was changed.");
    }
    switch (request.step()) {
      case CREATE_SECRET -> createSecret(secret, token, report);
      case SET_SECRET -> setSecret(secret, token, report);
      case TEST_SECRET -> testSecret(secret, token, report, timeLeft);
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
   * - Claim the user for this secret when nobody has, record the attempt on the secret, create
   *   the key, store it. PutSecretValue fails: if the value did land, go on; otherwise delete the
   *   new key and fail. Stored: the attempt record is removed.
   */
  private void createSecret(SecretDescription secret, String token, StepReport report) {
    if (secrets.value(secret.arn(), Optional.of(token), PENDING).isPresent()) {
      report.note("a value is already stored for this token: kept");
      return;
    }
    ManagedKeySecret current = currentValue(secret);
    if (!secret.tags().containsKey(SecretVersions.USER_TAG)) {
      throw new RotationFailure(
          "secret "
              + secret.name()
              + " has no "
              + SecretVersions.USER_TAG
              + " tag."
              + " keyrotator serves a secret only when its tag names the user it serves, so that two secrets"
              + " can never serve one user unseen: `aws secretsmanager tag-resource --secret-id "
              + secret.name()
              + " --tags Key="
              + SecretVersions.USER_TAG
              + ",Value="
              + current.userName()
              + "`. Nothing was"
              + " changed.");
    }
    IamUser user = scope.requireManaged(iam, current.userName(), secret.name());
    report.user(user.name());
    current.accessKeyId().ifPresent(report::currentKey);
    KeyOwnership.SecretRecords records = ownership.read(secret, Optional.of(current));
    requireBinding(secret, current, user, records.previous());
    SecretBinding.sharedWith(secret, user, secrets.taggedSecrets())
        .ifPresent(
            refusal -> {
              throw new RotationFailure(refusal);
            });

    List<AccessKey> keys = new ArrayList<>(iam.listKeys(user.name()));
    List<KeyOwnership.OwnedKey> owned = new ArrayList<>(ownership.classify(records, user, keys));
    if (current.accessKeyId().isPresent() && keys.stream().noneMatch(k -> current.holds(k.id()))) {
      log.warn(
          "the key in AWSCURRENT no longer exists on the user: this rotation replaces it",
          Map.of("user", user.name(), "missingKey", KeyIds.shorten(current.accessKeyId().get())));
    }
    cleanUpOwnKeys(secret, user, keys, owned, report);
    if (keys.size() >= 2) {
      freeSlot(secret, records, user, keys, owned, report);
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
    secrets.tagSecret(
        secret.arn(), AttemptRecord.TAG, attempt.tagValue(secret.arn(), ownership.seal()));
    NewAccessKey created = iam.createKey(user.name());
    report.created(created.id());
    String value =
        ManagedKeySecret.createdByRotation(
                current, user, created, secret.arn(), token, ownership.seal())
            .toJson();
    try {
      // Name the key in the record first: only a key the record names is ever taken for this
      // attempt's, should the function stop before the value is stored.
      secrets.tagSecret(
          secret.arn(),
          AttemptRecord.TAG,
          attempt.created(created.id()).tagValue(secret.arn(), ownership.seal()));
      secrets.putPending(secret.arn(), token, value);
    } catch (RuntimeException e) {
      undoCreatedKey(secret, token, user, created, report, e);
    }
    secrets.untagSecret(secret.arn(), AttemptRecord.TAG);
  }

  /**
   * Deactivates or deletes the keys keyrotator provably created and holds in no labelled version,
   * as {@link KeyOwnership#cleanupOf} allows, and drops them from {@code keys} once deleted.
   *
   * @throws RotationFailure while a key of an interrupted attempt is still there
   */
  private void cleanUpOwnKeys(
      SecretDescription secret,
      IamUser user,
      List<AccessKey> keys,
      List<KeyOwnership.OwnedKey> owned,
      StepReport report) {
    Optional<AttemptRecord> attempt =
        AttemptRecord.fromTags(secret.tags(), secret.arn(), ownership.seal());
    for (KeyOwnership.OwnedKey key : List.copyOf(owned)) {
      KeyOwnership.Cleanup cleanup = KeyOwnership.cleanupOf(key, attempt, clock.instant());
      if (cleanup == KeyOwnership.Cleanup.NONE || heldElsewhere(secret, user, key.key(), report)) {
        continue;
      }
      if (cleanup == KeyOwnership.Cleanup.DELETE) {
        iam.deleteKey(user.name(), key.key().id());
        keys.remove(key.key());
        report.deleted(key.key().id(), key.origin());
        log.warn(
            "deleted an inactive key keyrotator created and no longer holds",
            Map.of(
                "user",
                user.name(),
                "key",
                KeyIds.shorten(key.key().id()),
                "origin",
                key.origin()));
      } else {
        iam.deactivateKey(user.name(), key.key().id());
        AccessKey inactive = new AccessKey(key.key().id(), false, key.key().createDate());
        keys.set(keys.indexOf(key.key()), inactive);
        owned.set(
            owned.indexOf(key),
            new KeyOwnership.OwnedKey(
                inactive, key.role(), key.provenOurs(), key.usage(), key.origin()));
        report.deactivated(key.key().id(), key.origin());
        log.warn(
            "deactivated a never-used key keyrotator created and no longer holds",
            Map.of(
                "user",
                user.name(),
                "key",
                KeyIds.shorten(key.key().id()),
                "origin",
                key.origin()));
      }
    }
    Optional<KeyOwnership.OwnedKey> unconfirmed =
        owned.stream().filter(k -> k.role() == KeyOwnership.Role.UNCONFIRMED).findFirst();
    if (unconfirmed.isPresent()) {
      throw new RotationFailure(
          "key "
              + unconfirmed.get().key().describe()
              + " of user "
              + user.name()
              + " "
              + unconfirmed.get().origin()
              + ". The current key is unchanged.");
    }
    Optional<KeyOwnership.OwnedKey> waiting =
        owned.stream()
            .filter(
                k ->
                    k.role() == KeyOwnership.Role.INTERRUPTED
                        && keys.stream().anyMatch(x -> x.id().equals(k.key().id())))
            .findFirst();
    if (waiting.isPresent()) {
      Instant deletable = attempt.orElseThrow().startedAt().plus(AttemptRecord.LONGEST_RUN);
      throw new RotationFailure(
          "key "
              + KeyIds.shorten(waiting.get().key().id())
              + " of user "
              + user.name()
              + " was "
              + waiting.get().origin()
              + ": nobody holds its secret. It is now inactive; keyrotator"
              + " deletes it once no run that could still store it is alive, from "
              + deletable
              + " ("
              + AttemptRecord.LONGEST_RUN.toMinutes()
              + " minutes after that attempt). The"
              + " current key is unchanged. Secrets Manager retries the rotation; after that time,"
              + " `keyrotator rotate --secret-id "
              + secret.name()
              + "` or `keyrotator doctor --fix`"
              + " finish it.");
    }
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
      throw new RotationFailure(
          "could not store the new key "
              + KeyIds.shorten(created.id())
              + " in secret "
              + secret.name()
              + " ("
              + cause.getMessage()
              + "), nor read back whether it landed. Secrets Manager retries the rotation; if the"
              + " key was not stored and the attempt record on the secret names it, a later run"
              + " deactivates it and deletes it "
              + AttemptRecord.LONGEST_RUN.toMinutes()
              + " minutes after this attempt; otherwise the"
              + " refusal names it. The current key is unchanged.",
          cause);
    }
    if (stored.filter(s -> s.holds(created.id())).isPresent()) {
      report.note("PutSecretValue reported an error but the value landed");
      return;
    }
    iam.deleteKey(user.name(), created.id());
    report.deleted(created.id(), "its secret could not be stored");
    throw new RotationFailure(
        "could not store the new key in secret "
            + secret.name()
            + " ("
            + cause.getMessage()
            + "); the new key was deleted again, so nothing is left behind. Secrets Manager"
            + " retries the rotation; the current key is unchanged.",
        cause);
  }

  private void freeSlot(
      SecretDescription secret,
      KeyOwnership.SecretRecords records,
      IamUser user,
      List<AccessKey> keys,
      List<KeyOwnership.OwnedKey> owned,
      StepReport report) {
    List<String> refusals = new ArrayList<>();
    List<KeyOwnership.OwnedKey> candidates =
        owned.stream()
            .filter(k -> keys.contains(k.key()) && k.role() != KeyOwnership.Role.CURRENT)
            .sorted(
                Comparator.comparing(
                    (KeyOwnership.OwnedKey k) -> k.role() != KeyOwnership.Role.PREVIOUS))
            .toList();
    for (KeyOwnership.OwnedKey key : candidates) {
      Optional<String> refusal =
          removalRefusal(key, ownership.trusts(records))
              .or(
                  () ->
                      ownership
                          .heldByAnotherSecret(secret, key.key().id())
                          .map(
                              other ->
                                  KeyIds.shorten(key.key().id())
                                      + " is AWSCURRENT of secret "
                                      + other
                                      + " as well (put there by hand?): never deleted while a secret hands it out"));
      if (refusal.isEmpty()) {
        iam.deleteKey(user.name(), key.key().id());
        keys.remove(key.key());
        report.deleted(key.key().id(), "made room for the new key");
        return;
      }
      refusals.add(refusal.get());
    }
    String currentNote =
        owned.stream()
            .filter(k -> k.role() == KeyOwnership.Role.CURRENT)
            .findFirst()
            .map(k -> KeyIds.shorten(k.key().id()) + " is AWSCURRENT and is never deleted; ")
            .orElse("");
    throw new RotationFailure(
        "user "
            + user.name()
            + " already has 2 access keys ("
            + keys.stream().map(AccessKey::describe).collect(Collectors.joining(", "))
            + ") and IAM allows no third. "
            + currentNote
            + String.join("; ", refusals)
            + ". Nothing was changed. Free a slot by hand (deactivate the previous key once its"
            + " consumers use the current one, then delete it: `aws iam list-access-keys"
            + " --user-name "
            + user.name()
            + "`), or change "
            + Settings.KEY_LIMIT_POLICY
            + "; Secrets Manager retries the rotation.");
  }

  /** Why the key may not be deleted to make room, or empty when it may. */
  private Optional<String> removalRefusal(KeyOwnership.OwnedKey owned, boolean trustedSecret) {
    AccessKey key = owned.key();
    String name = KeyIds.shorten(key.id());
    if (owned.role() == KeyOwnership.Role.PENDING) {
      return Optional.of(name + " is AWSPENDING of a rotation under way");
    }
    if (owned.role() == KeyOwnership.Role.FOREIGN) {
      return Optional.of(
          name + " (" + owned.origin() + ") is not one keyrotator may delete: it does not own it");
    }
    if (owned.role() != KeyOwnership.Role.PREVIOUS) {
      return Optional.of(
          name
              + " ("
              + owned.origin()
              + ") is "
              + (key.active() ? "active" : "inactive")
              + ": keyrotator deletes such a key only once an earlier run found it inactive and no run"
              + " that could still store it is alive; a later attempt deletes it");
    }
    if (!owned.provenOurs() && !(trustedSecret && settings.deleteUnprovenKeys() && !key.active())) {
      return Optional.of(
          name
              + " is AWSPREVIOUS but keyrotator cannot prove it created it ("
              + owned.origin()
              + ")"
              + (key.active() || !trustedSecret
                  ? ""
                  : "; set " + Settings.DELETE_UNPROVEN_KEYS + "=true to allow deleting it"));
    }
    switch (settings.keyLimitPolicy()) {
      case NEVER:
        return Optional.of(name + " is AWSPREVIOUS and the key limit policy is never");
      case INACTIVE:
        return key.active()
            ? Optional.of(name + " is AWSPREVIOUS but still active (key limit policy inactive)")
            : Optional.empty();
      case IDLE:
      default:
        if (!key.active()) {
          return Optional.empty();
        }
        KeyUsage usage = iam.lastUsed(key.id());
        Instant idleSince = clock.instant().minus(settings.idleBeforeRemoval());
        if (usage.lastUsed().map(t -> t.isBefore(idleSince)).orElse(true)) {
          return Optional.empty();
        }
        return Optional.of(
            name
                + " is AWSPREVIOUS, still active and was last used "
                + usage
                + ", within the last "
                + settings.idleBeforeRemoval().toDays()
                + " days (key limit policy idle), so a consumer may still depend on it");
    }
  }

  /*
   * setSecret: for IAM there is nothing to install: the key exists from the moment it is created.
   * This step confirms the binding still holds and the pending key is on the user and active.
   * - No value stored for the token: fail; createSecret has to run first (the retry does that).
   * - The binding does not hold any more (claimed by another secret, user re-created): fail.
   * - The pending key was deleted or deactivated by hand: fail with the repair.
   * - The pending key is there and active: done.
   */
  private void setSecret(SecretDescription secret, String token, StepReport report) {
    ManagedKeySecret pending = pendingValue(secret, token);
    IamUser user = scope.requireManaged(iam, pending.userName(), secret.name());
    report.user(user.name());
    requireBinding(secret, pending, user, Optional.empty());
    requireUsablePendingKey(secret, token, user, pending, report);
  }

  /*
   * testSecret: prove the pending key works, signed calls to STS as the secret's user.
   * - A value is stored for the token: wait until that key succeeds N times in a row (bounded).
   * - No value (RotateImmediately=false runs testSecret alone against an empty AWSPENDING
   *   version): validate the configuration instead: AWSCURRENT parses, its user is managed and
   *   bound to this secret, and its key (if any) exists, is active and works. A missing or
   *   inactive current key fails at once, naming that key: no wait can fix it.
   */
  private void testSecret(
      SecretDescription secret, String token, StepReport report, Duration timeLeft) {
    Optional<String> pendingJson = secrets.value(secret.arn(), Optional.of(token), PENDING);
    boolean testOnly = pendingJson.isEmpty();
    ManagedKeySecret subject =
        testOnly
            ? currentValue(secret)
            : ManagedKeySecret.parse(pendingJson.get(), "AWSPENDING of " + secret.name());
    if (testOnly) {
      report.note("no pending value: validating the current value (test-only rotation)");
    }
    IamUser user = scope.requireManaged(iam, subject.userName(), secret.name());
    report.user(user.name());
    requireBinding(secret, subject, user, Optional.empty());
    if (subject.isBootstrap()) {
      report.note("bootstrap value: no key to test yet");
      return;
    }
    String keyId = subject.accessKeyId().orElseThrow();
    if (testOnly) {
      report.currentKey(keyId);
      requireCurrentKeyUsable(secret, user, keyId);
    } else {
      report.pendingKey(keyId);
    }
    Duration waited =
        propagation.awaitWorking(
            keyId,
            subject.secretAccessKey().orElseThrow(),
            user.arn(),
            timeLeft,
            testOnly ? "the current key" : "the new key");
    report.propagationWait(waited);
  }

  private void requireCurrentKeyUsable(SecretDescription secret, IamUser user, String keyId) {
    Optional<AccessKey> key =
        iam.listKeys(user.name()).stream().filter(k -> k.id().equals(keyId)).findFirst();
    if (key.isEmpty() || !key.get().active()) {
      throw new RotationFailure(
          "the current key "
              + KeyIds.shorten(keyId)
              + " in AWSCURRENT of secret "
              + secret.name()
              + (key.isEmpty()
                  ? " no longer exists on user " + user.name() + " (deleted by hand?)"
                  : " is inactive on user " + user.name() + " (deactivated by hand?)")
              + ": consumers reading the secret get a key that does not work. Rotate now to give"
              + " them a working one: `keyrotator rotate --secret-id "
              + secret.name()
              + "` (or `aws secretsmanager rotate-secret --secret-id "
              + secret.name()
              + "`). Nothing was changed.");
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
   *   created, unless unproven keys are allowed), clear the attempt record and keyrotator 1's user
   *   tag, and remove AWSPENDING last, so that a crash at any point leaves this token AWSPENDING
   *   and the retry finishes the work.
   */
  private void finishSecret(
      SecretDescription secret, String token, boolean alreadyCurrent, StepReport report) {
    ManagedKeySecret promoted = pendingValue(secret, token);
    IamUser user = scope.requireManaged(iam, promoted.userName(), secret.name());
    report.user(user.name());
    Optional<String> replacedVersion =
        alreadyCurrent ? secret.versionWith(PREVIOUS) : secret.versionWith(CURRENT);
    Optional<ManagedKeySecret> replaced =
        replacedVersion.flatMap(v -> readQuietly(secret, v, alreadyCurrent ? PREVIOUS : CURRENT));
    requireBinding(secret, promoted, user, replaced);
    SecretBinding.sharedWith(secret, user, secrets.taggedSecrets())
        .ifPresent(
            refusal -> {
              throw new RotationFailure(refusal);
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
    replaced
        .filter(old -> old.names(user))
        .filter(old -> !old.isBootstrap())
        .filter(old -> !old.accessKeyId().equals(promoted.accessKeyId()))
        .ifPresent(
            old ->
                applyPreviousKeyPolicy(
                    secret,
                    user,
                    old,
                    replacedVersion.orElseThrow(),
                    promoted.sealedFor(secret.arn(), token, ownership.seal()),
                    report));
    if (secret.tags().containsKey(AttemptRecord.TAG)) {
      secrets.untagSecret(secret.arn(), AttemptRecord.TAG);
    }
    if (user.tags().containsKey(LEGACY_INTENT_TAG)) {
      iam.untagUser(user.name(), LEGACY_INTENT_TAG);
    }
    secrets.removeStage(secret.arn(), PENDING, token);
  }

  private void applyPreviousKeyPolicy(
      SecretDescription secret,
      IamUser user,
      ManagedKeySecret old,
      String oldVersion,
      boolean trustedSecret,
      StepReport report) {
    String oldId = old.accessKeyId().orElseThrow();
    report.currentKey(oldId);
    Optional<AccessKey> key =
        iam.listKeys(user.name()).stream().filter(k -> k.id().equals(oldId)).findFirst();
    if (key.isEmpty()) {
      report.note("the previous key " + KeyIds.shorten(oldId) + " is already gone");
      return;
    }
    if (settings.previousKeyPolicy() == PreviousKeyPolicy.KEEP) {
      report.note("kept the previous key active (policy keep)");
      return;
    }
    boolean proven =
        old.provesCreationOf(key.get(), secret.arn(), oldVersion, user, ownership.seal());
    if (!proven && !(settings.deleteUnprovenKeys() && trustedSecret)) {
      report.note("kept the previous key: keyrotator cannot prove it created it");
      log.warn(
          "keyrotator cannot prove it created the previous key (imported by hand, or the secret is not"
              + " keyrotator's own: "
              + (trustedSecret ? "imported" : "see KEYROTATOR_SEAL_SECRET")
              + "): left as it is (policy "
              + settings.previousKeyPolicy().name().toLowerCase(java.util.Locale.ROOT)
              + " applies only to keys keyrotator created); retire it by hand once its consumers"
              + " use the new key, or set "
              + Settings.DELETE_UNPROVEN_KEYS
              + "=true",
          Map.of("user", user.name(), "key", KeyIds.shorten(oldId)));
      return;
    }
    if (heldElsewhere(secret, user, key.get(), report)) {
      return;
    }
    switch (settings.previousKeyPolicy()) {
      case DEACTIVATE -> deactivateIfActive(user, key.get(), report, "policy deactivate");
      case DELETE -> {
        iam.deleteKey(user.name(), oldId);
        report.deleted(oldId, "policy delete");
      }
      default -> {}
    }
  }

  /** Whether another secret hands the key out; if so, logs and reports that it was left alone. */
  private boolean heldElsewhere(
      SecretDescription secret, IamUser user, AccessKey key, StepReport report) {
    Optional<String> other = ownership.heldByAnotherSecret(secret, key.id());
    other.ifPresent(
        name -> {
          report.note(
              "left " + KeyIds.shorten(key.id()) + " alone: it is AWSCURRENT of secret " + name);
          log.warn(
              "a key keyrotator would retire is the AWSCURRENT key of another secret (put there by"
                  + " hand?): left as it is. Give each secret its own user and key.",
              Map.of("user", user.name(), "key", KeyIds.shorten(key.id()), "otherSecret", name));
        });
    return other.isPresent();
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
              throw new RotationFailure(refusal);
            });
  }

  private Optional<ManagedKeySecret> readQuietly(
      SecretDescription secret, String version, String stage) {
    try {
      return secrets
          .value(secret.arn(), Optional.of(version), stage)
          .map(v -> ManagedKeySecret.parse(v, stage + " of " + secret.name()));
    } catch (RotationFailure unreadable) {
      log.warn("the " + stage + " value is not valid; its key is treated as not owned", Map.of());
      return Optional.empty();
    }
  }

  private void deactivateIfActive(IamUser user, AccessKey key, StepReport report, String why) {
    if (key.active()) {
      iam.deactivateKey(user.name(), key.id());
      report.deactivated(key.id(), why);
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
                    new RotationFailure(
                        "the AWSPENDING value of secret "
                            + secret.name()
                            + " holds no access key. To repair, "
                            + stuckPendingRepair(secret, token)));
    report.pendingKey(keyId);
    Optional<AccessKey> key =
        iam.listKeys(user.name()).stream().filter(k -> k.id().equals(keyId)).findFirst();
    if (key.isEmpty()) {
      throw new RotationFailure(
          "the new key "
              + KeyIds.shorten(keyId)
              + " in AWSPENDING of secret "
              + secret.name()
              + " no longer exists on user "
              + user.name()
              + " (deleted by hand?). The current key is unchanged. To repair, "
              + stuckPendingRepair(secret, token));
    }
    if (!key.get().active()) {
      throw new RotationFailure(
          "the new key "
              + KeyIds.shorten(keyId)
              + " in AWSPENDING of secret "
              + secret.name()
              + " is inactive (deactivated by hand?). The current key is unchanged. Reactivate it"
              + " with `aws iam update-access-key --status Active`, or "
              + stuckPendingRepair(secret, token));
    }
  }

  private static String stuckPendingRepair(SecretDescription secret, String token) {
    return "drop this attempt with `aws secretsmanager update-secret-version-stage --secret-id "
        + secret.name()
        + " --version-stage AWSPENDING --remove-from-version-id "
        + token
        + "` and rotate again (`keyrotator doctor --fix` does the same).";
  }

  private ManagedKeySecret currentValue(SecretDescription secret) {
    String where = "AWSCURRENT of " + secret.name();
    String json =
        secrets
            .value(secret.arn(), Optional.empty(), CURRENT)
            .orElseThrow(
                () ->
                    new RotationFailure(
                        "secret "
                            + secret.name()
                            + " has no AWSCURRENT value, so there is no user to rotate. Put"
                            + " {\"UserName\": \"<iam user>\"} in it with `aws secretsmanager"
                            + " put-secret-value`; the next rotation creates the first key."));
    return ManagedKeySecret.parse(json, where);
  }

  private ManagedKeySecret pendingValue(SecretDescription secret, String token) {
    String json =
        secrets
            .value(secret.arn(), Optional.of(token), PENDING)
            .orElseThrow(
                () ->
                    new RotationFailure(
                        "no value is stored for version "
                            + token
                            + " of secret "
                            + secret.name()
                            + ": createSecret has not run for this rotation. Secrets Manager"
                            + " retries the rotation from createSecret; nothing was changed."));
    return ManagedKeySecret.parse(json, "AWSPENDING of " + secret.name());
  }
}
