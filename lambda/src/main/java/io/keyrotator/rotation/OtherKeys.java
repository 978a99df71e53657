package io.keyrotator.rotation;

import io.keyrotator.config.Settings;
import io.keyrotator.contract.PreviousKeyPolicy;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.KeyOwnership;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretDescription;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What a rotation does to the user's keys besides the new one: cleans up keys keyrotator provably
 * created and no longer holds, frees a slot at IAM's 2-key limit under the key limit policy, and
 * retires the replaced key under the previous-key policy. Every rule goes through {@link
 * KeyOwnership}; no key another secret's AWSCURRENT hands out is ever changed.
 */
record OtherKeys(
    IamKeys iam, KeyOwnership ownership, Settings settings, Clock clock, StructuredLog log) {

  /**
   * Deactivates or deletes the keys keyrotator provably created and holds in no labelled version,
   * as {@link KeyOwnership#cleanupOf} allows, and drops them from {@code keys} once deleted.
   *
   * @throws RotationFailedException while a key of an interrupted attempt is still there
   */
  void cleanUpOwnKeys(
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
        logCleanup("deleted an inactive key keyrotator created and no longer holds", user, key);
      } else {
        iam.deactivateKey(user.name(), key.key().id());
        AccessKey inactive = new AccessKey(key.key().id(), false, key.key().createDate());
        keys.set(keys.indexOf(key.key()), inactive);
        owned.set(
            owned.indexOf(key),
            new KeyOwnership.OwnedKey(
                inactive, key.role(), key.provenOurs(), key.usage(), key.origin()));
        report.deactivated(key.key().id(), key.origin());
        logCleanup(
            "deactivated a never-used key keyrotator created and no longer holds", user, key);
      }
    }
    Optional<KeyOwnership.OwnedKey> unconfirmed =
        owned.stream().filter(k -> k.role() == KeyOwnership.Role.UNCONFIRMED).findFirst();
    if (unconfirmed.isPresent()) {
      throw new RotationFailedException(
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
      throw new RotationFailedException(
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

  void freeSlot(
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
                    (KeyOwnership.OwnedKey k) ->
                        k.role() != KeyOwnership.Role.PREVIOUS
                            && k.role() != KeyOwnership.Role.ADOPTED))
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
    throw new RotationFailedException(
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

  private void logCleanup(String what, IamUser user, KeyOwnership.OwnedKey key) {
    log.warn(
        what,
        Map.of("user", user.name(), "key", KeyIds.shorten(key.key().id()), "origin", key.origin()));
  }

  /** Why the key may not be deleted to make room, or empty when it may. */
  Optional<String> removalRefusal(KeyOwnership.OwnedKey owned, boolean trustedSecret) {
    AccessKey key = owned.key();
    String name = KeyIds.shorten(key.id());
    if (owned.role() == KeyOwnership.Role.PENDING) {
      return Optional.of(name + " is AWSPENDING of a rotation under way");
    }
    if (owned.role() == KeyOwnership.Role.FOREIGN) {
      return Optional.of(
          name + " (" + owned.origin() + ") is not one keyrotator may delete: it does not own it");
    }
    boolean adopted = owned.role() == KeyOwnership.Role.ADOPTED;
    String role = adopted ? "adopted" : "AWSPREVIOUS";
    if (owned.role() != KeyOwnership.Role.PREVIOUS && !adopted) {
      return Optional.of(
          name
              + " ("
              + owned.origin()
              + ") is "
              + (key.active() ? "active" : "inactive")
              + ": keyrotator deletes such a key only once an earlier run found it inactive and no run"
              + " that could still store it is alive; a later attempt deletes it");
    }
    // An adopted key the operator named for this secret: the key limit policy decides, as for a
    // previous key keyrotator created.
    if (!adopted
        && !owned.provenOurs()
        && !(trustedSecret && settings.deleteUnprovenKeys() && !key.active())) {
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
        return Optional.of(name + " is " + role + " and the key limit policy is never");
      case INACTIVE:
        return key.active()
            ? Optional.of(name + " is " + role + " but still active (key limit policy inactive)")
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
                + " is "
                + role
                + ", still active and was last used "
                + usage
                + ", within the last "
                + settings.idleBeforeRemoval().toDays()
                + " days (key limit policy idle), so a consumer may still depend on it");
    }
  }

  /**
   * Applies the previous-key policy to the key the promoted version replaced.
   *
   * @param oldId the replaced key
   * @param provenOurs whether keyrotator provably created that key, as IAM lists it
   */
  void applyPreviousKeyPolicy(
      SecretDescription secret,
      IamUser user,
      String oldId,
      Predicate<AccessKey> provenOurs,
      boolean trustedSecret,
      StepReport report) {
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
    boolean proven = provenOurs.test(key.get());
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
  boolean heldElsewhere(SecretDescription secret, IamUser user, AccessKey key, StepReport report) {
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

  void deactivateIfActive(IamUser user, AccessKey key, StepReport report, String why) {
    if (key.active()) {
      iam.deactivateKey(user.name(), key.id());
      report.deactivated(key.id(), why);
    }
  }
}
