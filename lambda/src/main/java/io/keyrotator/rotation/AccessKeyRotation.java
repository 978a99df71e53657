package io.keyrotator.rotation;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.config.Settings;
import io.keyrotator.observability.KeyIds;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.NewAccessKey;
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
 * The four rotation steps for an IAM user's access key, each safe to run again in any state that
 * a crash, a retry, or a change by hand can leave.
 *
 * <p>The state machine is documented in {@code docs/rotation.md}; each step's comment lists the
 * states it may find and what it does with each.
 */
public final class AccessKeyRotation {
  /** See {@link InterruptedAttempts}: the user tag that records an attempt to create a key. */
  public static final String INTENT_TAG = InterruptedAttempts.INTENT_TAG;

  private final SecretVersions secrets;
  private final IamKeys iam;
  private final KeyPropagation propagation;
  private final ManagedScope scope;
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
    this.scope = new ManagedScope(settings.managedPathPrefix(), settings.managedTag());
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
   * - AWSCURRENT is a bootstrap value {"UserName"}: no key yet, create the first one.
   * - AWSCURRENT's key is gone from the user (deleted by hand): create a replacement.
   * - Keys left by an interrupted attempt (crash after CreateAccessKey, before PutSecretValue),
   *   recognised by the intent tag, never used and held by no version: delete them first.
   * - Two keys already: delete the AWSPREVIOUS key if the limit policy allows and keyrotator
   *   provably created it; never the AWSCURRENT key; else fail naming the keys, nothing changed.
   * - PutSecretValue fails: if the value did land, go on; otherwise delete the new key and fail.
   */
  private void createSecret(SecretDescription secret, String token, StepReport report) {
    if (secrets.value(secret.arn(), Optional.of(token), PENDING).isPresent()) {
      report.note("a value is already stored for this token: kept");
      return;
    }
    ManagedKeySecret current = currentValue(secret);
    IamUser user = scope.requireManaged(iam, current.userName(), secret.name());
    report.user(user.name());
    current.accessKeyId().ifPresent(report::currentKey);
    Optional<ManagedKeySecret> previous = previousValue(secret, user.name());

    List<AccessKey> keys = new ArrayList<>(iam.listKeys(user.name()));
    removeOrphans(user, keys, current, previous, report);
    if (current.accessKeyId().isPresent() && keys.stream().noneMatch(k -> current.holds(k.id()))) {
      log.warn(
          "the key in AWSCURRENT no longer exists on the user: this rotation replaces it",
          Map.of("user", user.name(), "missingKey", KeyIds.shorten(current.accessKeyId().get())));
    }
    if (keys.size() >= 2) {
      freeSlot(user, keys, current, previous, report);
    }

    iam.tagUser(user.name(), INTENT_TAG, InterruptedAttempts.intentValue(token, clock.instant()));
    NewAccessKey created = iam.createKey(user.name());
    report.created(created.id());
    String value = ManagedKeySecret.createdByRotation(user.name(), created).toJson();
    try {
      secrets.putPending(secret.arn(), token, value);
    } catch (RuntimeException e) {
      undoCreatedKey(secret, token, user, created, report, e);
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
      // Unknown outcome: keep the key; the intent tag lets the next attempt clean it up.
      throw new RotationFailure(
          "could not store the new key "
              + KeyIds.shorten(created.id())
              + " in secret "
              + secret.name()
              + " ("
              + cause.getMessage()
              + "), nor read back whether it landed. Secrets Manager retries the rotation; the"
              + " retry removes the new key if it was not stored. The current key is unchanged.",
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

  private void removeOrphans(
      IamUser user,
      List<AccessKey> keys,
      ManagedKeySecret current,
      Optional<ManagedKeySecret> previous,
      StepReport report) {
    if (InterruptedAttempts.intentTime(user).isEmpty()) {
      return;
    }
    for (AccessKey key : List.copyOf(keys)) {
      boolean held = current.holds(key.id()) || isPrevious(previous, key);
      if (held
          || !InterruptedAttempts.inWindow(user, key)
          || !InterruptedAttempts.leftBehind(user, key, iam.lastUsed(key.id()))) {
        continue;
      }
      iam.deleteKey(user.name(), key.id());
      keys.remove(key);
      report.deleted(key.id(), "left by an interrupted attempt; its secret was never stored");
      log.warn(
          "removed a key left by an interrupted rotation attempt",
          Map.of("user", user.name(), "key", KeyIds.shorten(key.id())));
    }
  }

  private void freeSlot(
      IamUser user,
      List<AccessKey> keys,
      ManagedKeySecret current,
      Optional<ManagedKeySecret> previous,
      StepReport report) {
    List<String> refusals = new ArrayList<>();
    List<AccessKey> candidates =
        keys.stream()
            .filter(k -> !current.holds(k.id()))
            .sorted(Comparator.comparing((AccessKey k) -> !isPrevious(previous, k)))
            .toList();
    for (AccessKey key : candidates) {
      Optional<String> refusal = removalRefusal(key, previous);
      if (refusal.isEmpty()) {
        iam.deleteKey(user.name(), key.id());
        keys.remove(key);
        report.deleted(key.id(), "made room for the new key");
        return;
      }
      refusals.add(refusal.get());
    }
    String currentNote =
        current.accessKeyId().map(id -> KeyIds.shorten(id) + " is AWSCURRENT and is never deleted; ")
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

  private static boolean isPrevious(Optional<ManagedKeySecret> previous, AccessKey key) {
    return previous.filter(p -> p.holds(key.id())).isPresent();
  }

  /** Why the key may not be deleted to make room, or empty when it may. */
  private Optional<String> removalRefusal(AccessKey key, Optional<ManagedKeySecret> previous) {
    String name = KeyIds.shorten(key.id());
    if (!isPrevious(previous, key)) {
      if (settings.deleteUnprovenKeys() && !key.active()) {
        return Optional.empty();
      }
      return Optional.of(
          name
              + " is held by no version of this secret, so keyrotator does not own it"
              + (key.active()
                  ? ""
                  : " (set " + Settings.DELETE_UNPROVEN_KEYS + "=true to let it delete such inactive keys)"));
    }
    boolean proven = previous.get().provesCreationOf(key);
    if (!proven && !settings.deleteUnprovenKeys()) {
      return Optional.of(
          name
              + " is AWSPREVIOUS but was not created by keyrotator (imported by hand); set "
              + Settings.DELETE_UNPROVEN_KEYS
              + "=true to allow deleting it");
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
   * This step confirms the pending key is on the user and active.
   * - No value stored for the token: fail; createSecret has to run first (the retry does that).
   * - The pending key was deleted or deactivated by hand: fail with the repair.
   * - The pending key is there and active: done.
   */
  private void setSecret(SecretDescription secret, String token, StepReport report) {
    ManagedKeySecret pending = pendingValue(secret, token);
    IamUser user = scope.requireManaged(iam, pending.userName(), secret.name());
    report.user(user.name());
    requireUsablePendingKey(secret, token, user, pending, report);
  }

  /*
   * testSecret: prove the pending key works, signed calls to STS as the secret's user.
   * - A value is stored for the token: wait until that key succeeds N times in a row (bounded).
   * - No value (RotateImmediately=false runs testSecret alone against an empty AWSPENDING
   *   version): validate the configuration instead: AWSCURRENT parses, its user is managed, and
   *   its key (if any) works.
   */
  private void testSecret(
      SecretDescription secret, String token, StepReport report, Duration timeLeft) {
    Optional<String> pendingJson = secrets.value(secret.arn(), Optional.of(token), PENDING);
    ManagedKeySecret subject =
        pendingJson.isPresent()
            ? ManagedKeySecret.parse(pendingJson.get(), "AWSPENDING of " + secret.name())
            : currentValue(secret);
    if (pendingJson.isEmpty()) {
      report.note("no pending value: validating the current value (test-only rotation)");
    }
    IamUser user = scope.requireManaged(iam, subject.userName(), secret.name());
    report.user(user.name());
    if (subject.isBootstrap()) {
      report.note("bootstrap value: no key to test yet");
      return;
    }
    subject.accessKeyId().ifPresent(pendingJson.isPresent() ? report::pendingKey : report::currentKey);
    Duration waited =
        propagation.awaitWorking(
            subject.accessKeyId().get(), subject.secretAccessKey().get(), user.arn(), timeLeft);
    report.propagationWait(waited);
  }

  /*
   * finishSecret: make the pending key current, then deal with the key it replaces.
   * - The token is AWSCURRENT and still AWSPENDING: an earlier finishSecret stopped after the
   *   promotion: apply the previous-key policy, clear the intent tag, drop AWSPENDING.
   * - (AWSCURRENT without AWSPENDING was already answered: nothing to do.)
   * - No value for the token, or its key is gone or inactive: fail before promoting; a key that
   *   does not work never becomes current.
   * - Otherwise: move AWSCURRENT to the token (the old version becomes AWSPREVIOUS), apply the
   *   previous-key policy, clear the intent tag, and remove AWSPENDING last, so that a crash at
   *   any point leaves this token AWSPENDING and the retry finishes the work.
   */
  private void finishSecret(
      SecretDescription secret, String token, boolean alreadyCurrent, StepReport report) {
    ManagedKeySecret promoted = pendingValue(secret, token);
    IamUser user = scope.requireManaged(iam, promoted.userName(), secret.name());
    report.user(user.name());
    Optional<ManagedKeySecret> replaced;
    if (alreadyCurrent) {
      report.note("resuming after an interrupted finishSecret");
      replaced = previousValue(secret, user.name());
    } else {
      requireUsablePendingKey(secret, token, user, promoted, report);
      Optional<String> oldVersion = secret.versionWith(CURRENT);
      replaced =
          oldVersion
              .flatMap(v -> secrets.value(secret.arn(), Optional.of(v), CURRENT))
              .map(v -> ManagedKeySecret.parse(v, "AWSCURRENT of " + secret.name()))
              .filter(v -> v.userName().equals(user.name()));
      secrets.moveCurrent(secret.arn(), token, oldVersion.orElse(null));
      report.note("promoted the new key to AWSCURRENT");
    }
    replaced
        .filter(old -> !old.isBootstrap())
        .filter(old -> !old.accessKeyId().equals(promoted.accessKeyId()))
        .ifPresent(old -> applyPreviousKeyPolicy(user, old, report));
    if (user.tags().containsKey(INTENT_TAG)) {
      iam.untagUser(user.name(), INTENT_TAG);
    }
    secrets.removeStage(secret.arn(), PENDING, token);
  }

  private void applyPreviousKeyPolicy(IamUser user, ManagedKeySecret old, StepReport report) {
    String oldId = old.accessKeyId().orElseThrow();
    report.currentKey(oldId);
    Optional<AccessKey> key =
        iam.listKeys(user.name()).stream().filter(k -> k.id().equals(oldId)).findFirst();
    if (key.isEmpty()) {
      report.note("the previous key " + KeyIds.shorten(oldId) + " is already gone");
      return;
    }
    switch (settings.previousKeyPolicy()) {
      case KEEP -> report.note("kept the previous key active (policy keep)");
      case DEACTIVATE -> deactivateIfActive(user, key.get(), report, "policy deactivate");
      case DELETE -> {
        if (old.provesCreationOf(key.get()) || settings.deleteUnprovenKeys()) {
          iam.deleteKey(user.name(), oldId);
          report.deleted(oldId, "policy delete");
        } else {
          deactivateIfActive(user, key.get(), report, "policy delete, but not provably ours");
          log.warn(
              "the previous key was imported by hand, not created by keyrotator: deactivated it"
                  + " instead of deleting it; delete it by hand once you are sure, or set "
                  + Settings.DELETE_UNPROVEN_KEYS
                  + "=true",
              Map.of("user", user.name(), "key", KeyIds.shorten(oldId)));
        }
      }
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
        pending.accessKeyId()
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

  /** The AWSPREVIOUS value, if it is valid and belongs to the same user. */
  private Optional<ManagedKeySecret> previousValue(SecretDescription secret, String userName) {
    if (secret.versionWith(PREVIOUS).isEmpty()) {
      return Optional.empty();
    }
    try {
      return secrets
          .value(secret.arn(), Optional.empty(), PREVIOUS)
          .map(v -> ManagedKeySecret.parse(v, "AWSPREVIOUS of " + secret.name()))
          .filter(v -> v.userName().equals(userName));
    } catch (RotationFailure unreadable) {
      // An unreadable old version proves nothing; treat its key as not ours.
      log.warn("the AWSPREVIOUS value is not valid; its key is treated as not owned", Map.of());
      return Optional.empty();
    }
  }
}
