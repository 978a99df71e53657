package io.keyrotator.hygiene;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.config.HygieneSettings;
import io.keyrotator.contract.ResourceTags;
import io.keyrotator.ownership.KeyOwnership;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Retires the key a rotation replaced (the one in AWSPREVIOUS) without breaking its consumers.
 *
 * <ul>
 *   <li>During the grace period after the rotation: nothing.
 *   <li>After it: deactivate the key if it was not used later than the switch window after the
 *       rotation; if it was, leave it active and report who still uses it (time, service, Region).
 *       With a hard limit set, deactivate it anyway once the limit has passed.
 *   <li>Once inactive: record when (user tag {@value #DEACTIVATED_TAG}), and delete the key after
 *       the configured time, if keyrotator created it (or unproven keys may be deleted).
 * </ul>
 *
 * <p>The AWSCURRENT key and keys the secret does not hold are never touched. Every step can run
 * again after a crash: deactivating an inactive key, tagging again, deleting a gone key are no-ops.
 */
public final class PreviousKeyRetirement {
  /**
   * User tag "{key id} {epoch seconds}": when the hygiene job first saw the previous key inactive.
   */
  public static final String DEACTIVATED_TAG = ResourceTags.USER_DEACTIVATED;

  private final SecretVersions secrets;
  private final IamKeys iam;
  private final HygienePolicy policy;
  private final HygieneSettings settings;
  private final KeyOwnership ownership;

  /** Retires previous keys through the given ports, as the policy allows. */
  public PreviousKeyRetirement(SecretVersions secrets, IamKeys iam, HygienePolicy policy) {
    this.secrets = secrets;
    this.iam = iam;
    this.policy = policy;
    this.settings = policy.settings();
    this.ownership = new KeyOwnership(secrets, iam, policy.scope().sealSecret());
  }

  /**
   * Retires the secret's previous key as far as its timers allow; records what it did. Acts only on
   * a key that keyrotator provably created for this secret (or, when allowed, that the operator
   * imported into it), while the binding between the secret and its user holds and no other secret
   * names the user; otherwise it reports why it left the key alone.
   */
  public void retire(String secretId, HygieneReport report) {
    SecretDescription secret = secrets.describe(secretId);
    Optional<String> currentJson = secrets.value(secret.arn(), Optional.empty(), CURRENT);
    if (currentJson.isEmpty() || secret.versionWith(PREVIOUS).isEmpty()) {
      return; // nothing replaced yet
    }
    ManagedKeySecret current =
        ManagedKeySecret.parse(currentJson.get(), "AWSCURRENT of " + secret.name());
    Optional<IamUser> user = iam.findUser(current.userName()).filter(policy.scope()::covers);
    if (user.isEmpty()) {
      return; // the inspection reports a missing or out-of-scope user; nothing here may change it
    }
    KeyOwnership.SecretRecords records = ownership.read(secret, Optional.of(current));
    if (current.recordsAdoptedKeys()
        && retireAdopted(secret, current, user.get(), records, report)) {
      return;
    }
    Optional<ManagedKeySecret> previous =
        records
            .previous()
            .filter(p -> p.names(user.get()))
            .filter(
                p -> p.accessKeyId().isPresent() && !p.accessKeyId().equals(current.accessKeyId()));
    if (previous.isEmpty()) {
      return;
    }
    String keyId = previous.get().accessKeyId().orElseThrow();
    Optional<KeyOwnership.OwnedKey> key =
        ownership.classify(records, user.get(), iam.listKeys(user.get().name())).stream()
            .filter(k -> k.key().id().equals(keyId))
            .findFirst();
    if (key.isEmpty()) {
      clearDeactivationRecord(user.get(), keyId);
      return; // already retired
    }
    if (key.get().role() != KeyOwnership.Role.PREVIOUS) {
      return; // another version holds it too (e.g. copied into AWSCURRENT): never retired here
    }
    Optional<String> refusal =
        SecretBinding.conflict(secret, current, user.get(), records.previous())
            .or(() -> SecretBinding.sharedWith(secret, user.get(), secrets.taggedSecrets()));
    if (refusal.isPresent()) {
      report.notice(
          aboutPreviousKey(
              NoticeKind.PREVIOUS_KEY_LEFT_ALONE,
              secret,
              user.get(),
              keyId,
              "was left as it is: " + refusal.get()));
      return;
    }
    if (!key.get().provenOurs() && !(policy.deleteUnprovenKeys() && ownership.trusts(records))) {
      report.notice(
          aboutPreviousKey(
              NoticeKind.PREVIOUS_KEY_NOT_OURS,
              secret,
              user.get(),
              keyId,
              "was imported by hand,"
                  + " not created by keyrotator: keyrotator neither deactivates nor deletes it. Retire it"
                  + " yourself once its consumers use the current key, or set KEYROTATOR_DELETE_UNPROVEN_KEYS=true."));
      return;
    }
    PreviousKey retiring =
        new PreviousKey(secret, user.get(), key.get().key(), rotationTime(secret));
    if (retiring.key().active()) {
      retireActive(retiring, report);
    } else {
      retireInactive(retiring, report);
    }
  }

  /**
   * Retires the adopted key still on the user, if the sealed AWSCURRENT value records one: as a
   * previous key, once it is provably unused, since the operator named it for this secret to take
   * over. The user has room for one such key beside the current one.
   *
   * @return whether an adopted key was found (then no other key is retired in this run)
   */
  private boolean retireAdopted(
      SecretDescription secret,
      ManagedKeySecret current,
      IamUser user,
      KeyOwnership.SecretRecords records,
      HygieneReport report) {
    String currentVersion = secret.versionWith(CURRENT).orElseThrow();
    List<ManagedKeySecret.AdoptedKey> sealed =
        current.provenAdoptedKeys(secret.arn(), currentVersion, ownership.seal());
    Optional<KeyOwnership.OwnedKey> adopted =
        ownership.classify(records, user, iam.listKeys(user.name())).stream()
            .filter(k -> k.role() == KeyOwnership.Role.ADOPTED)
            .filter(k -> sealed.stream().anyMatch(a -> a.is(k.key())))
            .findFirst();
    if (adopted.isEmpty()) {
      return false;
    }
    Optional<String> refusal =
        SecretBinding.conflict(secret, current, user, records.previous())
            .or(() -> SecretBinding.sharedWith(secret, user, secrets.taggedSecrets()));
    if (refusal.isPresent()) {
      report.notice(
          aboutPreviousKey(
              NoticeKind.PREVIOUS_KEY_LEFT_ALONE,
              secret,
              user,
              adopted.get().key().id(),
              "(adopted) was left as it is: " + refusal.get()));
      return true;
    }
    PreviousKey retiring = new PreviousKey(secret, user, adopted.get().key(), rotationTime(secret));
    if (retiring.key().active()) {
      retireActive(retiring, report);
    } else {
      retireInactive(retiring, report);
    }
    return true;
  }

  private void retireActive(PreviousKey previous, HygieneReport report) {
    Instant now = policy.clock().instant();
    Instant rotatedAt = previous.rotatedAt();
    if (now.isBefore(rotatedAt.plus(settings.grace()))) {
      return;
    }
    KeyUsage usage = iam.lastUsed(previous.key().id());
    boolean usedAfterSwitch =
        usage.lastUsed().map(t -> t.isAfter(rotatedAt.plus(settings.switchWindow()))).orElse(false);
    boolean hardLimitPassed =
        !settings.hardLimit().isZero() && !now.isBefore(rotatedAt.plus(settings.hardLimit()));
    String consumer = "last used " + usage;
    if (usedAfterSwitch && !hardLimitPassed) {
      report.notice(
          aboutPreviousKey(
              NoticeKind.PREVIOUS_KEY_STILL_IN_USE,
              previous,
              "is still in use "
                  + days(Duration.between(rotatedAt, now))
                  + " after the rotation on "
                  + rotatedAt
                  + ": "
                  + consumer
                  + ". It stays active. Find that consumer and make it read the secret (docs/consumers.md)"
                  + (settings.hardLimit().isZero()
                      ? "."
                      : "; it will be deactivated anyway on "
                          + rotatedAt.plus(settings.hardLimit())
                          + ".")));
      return;
    }
    String reason =
        usedAfterSwitch
            ? "hard limit of "
                + settings.hardLimit().toDays()
                + " days after the rotation passed, though still in use ("
                + consumer
                + ")"
            : "no use after the rotation on "
                + rotatedAt
                + " beyond the "
                + settings.switchWindow().toMinutes()
                + "-minute switch window ("
                + consumer
                + ")";
    boolean deactivated =
        change(
            previous,
            HygieneReport.ActionKind.DEACTIVATE_PREVIOUS_KEY,
            reason,
            () -> {
              iam.deactivateKey(previous.user().name(), previous.key().id());
              recordDeactivation(previous.user(), previous.key().id(), now);
            },
            report);
    if (deactivated && usedAfterSwitch) {
      report.notice(
          aboutPreviousKey(
              NoticeKind.PREVIOUS_KEY_STILL_IN_USE,
              previous,
              "was deactivated at the hard"
                  + " limit while still in use ("
                  + consumer
                  + "): that consumer now fails until it reads the secret."));
    }
  }

  /*
   * The deactivation record is a user tag, which anyone with iam:TagUser can write: it may only
   * delay a deletion, never bring it forward. The key is deleted no earlier than deleteAfter after
   * the latest of: the record, the end of the grace period after the rotation, and the key's last
   * use as IAM reports it.
   */
  private void retireInactive(PreviousKey previous, HygieneReport report) {
    Instant now = policy.clock().instant();
    Instant rotatedAt = previous.rotatedAt();
    Optional<Instant> recorded = deactivationRecord(previous.user(), previous.key().id());
    if (recorded.isEmpty()) {
      // Deactivated by finishSecret or by hand: the clock starts now.
      if (!settings.dryRun()) {
        recordDeactivation(previous.user(), previous.key().id(), now);
      }
      return;
    }
    Instant since =
        latest(
            recorded.get(),
            rotatedAt.plus(settings.grace()),
            iam.lastUsed(previous.key().id()).lastUsed().orElse(Instant.EPOCH));
    if (now.isBefore(since.plus(settings.deleteAfter()))) {
      return;
    }
    change(
        previous,
        HygieneReport.ActionKind.DELETE_PREVIOUS_KEY,
        "inactive since " + since + ", longer than " + settings.deleteAfter().toDays() + " days",
        () -> {
          iam.deleteKey(previous.user().name(), previous.key().id());
          iam.untagUser(previous.user().name(), DEACTIVATED_TAG);
        },
        report);
  }

  /**
   * Checked right before a change (it reads every managed secret): another secret hands the key
   * out.
   */
  private boolean heldElsewhere(PreviousKey previous, HygieneReport report) {
    Optional<String> other = ownership.heldByAnotherSecret(previous.secret(), previous.key().id());
    other.ifPresent(
        name ->
            report.notice(
                aboutPreviousKey(
                    NoticeKind.PREVIOUS_KEY_LEFT_ALONE,
                    previous,
                    "was left as it is: it is"
                        + " the AWSCURRENT key of secret "
                        + name
                        + " as well (put there by hand?). Give each secret its"
                        + " own user and key.")));
    return other.isPresent();
  }

  /**
   * Makes one change to the previous key, unless another secret hands the key out (checked right
   * before) or this is a dry run, and reports it as done or as what would be done.
   *
   * @return false when the key was left alone because another secret holds it
   */
  private boolean change(
      PreviousKey previous,
      HygieneReport.ActionKind kind,
      String reason,
      Runnable change,
      HygieneReport report) {
    if (heldElsewhere(previous, report)) {
      return false;
    }
    if (!settings.dryRun()) {
      change.run();
    }
    report.action(
        new HygieneReport.Action(
            kind,
            previous.secret().name(),
            previous.user().name(),
            previous.key().id(),
            reason,
            !settings.dryRun()));
    return true;
  }

  /** The previous key being retired, the user it belongs to, and when the rotation replaced it. */
  private record PreviousKey(
      SecretDescription secret, IamUser user, AccessKey key, Instant rotatedAt) {}

  private static Instant latest(Instant... instants) {
    Instant latest = Instant.EPOCH;
    for (Instant each : instants) {
      latest = each.isAfter(latest) ? each : latest;
    }
    return latest;
  }

  /** A notice about the secret's previous key: "previous key AKIA...X of user u {what}". */
  private static HygieneReport.Notice aboutPreviousKey(
      NoticeKind kind, SecretDescription secret, IamUser user, String keyId, String what) {
    return new HygieneReport.Notice(
        kind,
        secret.name(),
        "previous key " + KeyIds.shorten(keyId) + " of user " + user.name() + " " + what);
  }

  private static HygieneReport.Notice aboutPreviousKey(
      NoticeKind kind, PreviousKey previous, String what) {
    return aboutPreviousKey(kind, previous.secret(), previous.user(), previous.key().id(), what);
  }

  private void recordDeactivation(IamUser user, String keyId, Instant at) {
    iam.tagUser(user.name(), DEACTIVATED_TAG, keyId + " " + at.getEpochSecond());
  }

  private void clearDeactivationRecord(IamUser user, String keyId) {
    if (!settings.dryRun() && deactivationRecord(user, keyId).isPresent()) {
      iam.untagUser(user.name(), DEACTIVATED_TAG);
    }
  }

  private static Optional<Instant> deactivationRecord(IamUser user, String keyId) {
    String value = user.tags().get(DEACTIVATED_TAG);
    if (value == null) {
      return Optional.empty();
    }
    String[] parts = value.trim().split(" ");
    if (parts.length != 2 || !parts[0].equals(keyId)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.ofEpochSecond(Long.parseLong(parts[1])));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** When the current version was stored: the rotation that replaced the previous key. */
  private Instant rotationTime(SecretDescription secret) {
    return secrets.versions(secret.arn()).stream()
        .filter(v -> v.stages().contains(CURRENT))
        .findFirst()
        .flatMap(SecretVersions.Version::created)
        .or(secret::lastRotated)
        .orElseGet(
            policy.clock()::instant); // unknown: act as if it just happened, which waits longest
  }

  private static String days(Duration d) {
    long days = d.toDays();
    return days == 1 ? "1 day" : days + " days";
  }
}
