package io.keyrotator.inspection;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.inspection.Finding.Type;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.KeyOwnership;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ownership.SecretBinding;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretNotFoundException;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.ManagedScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads a managed secret and its IAM user and says where they stand: keys, schedule, and every
 * problem it finds, with a safe repair where one exists. Reads only; {@link Repairs} changes.
 */
public final class SecretInspector {
  private final SecretVersions secrets;
  private final IamKeys iam;
  private final ManagedScope scope;
  private final Clock clock;
  private final Duration stuckAfter;
  private final KeyOwnership ownership;
  private List<SecretVersions.TaggedSecret> taggedSecrets;

  /**
   * @param stuckAfter how old an AWSPENDING version must be before it counts as stuck rather than a
   *     rotation in progress (Secrets Manager retries a failing rotation for a while)
   */
  public SecretInspector(
      SecretVersions secrets, IamKeys iam, ManagedScope scope, Clock clock, Duration stuckAfter) {
    this.secrets = secrets;
    this.iam = iam;
    this.scope = scope;
    this.clock = clock;
    this.stuckAfter = stuckAfter;
    this.ownership = new KeyOwnership(secrets, iam, scope.sealSecret());
  }

  /**
   * Inspects every secret tagged {@value SecretVersions#USER_TAG}; one failure never stops the
   * rest.
   */
  public List<SecretStatus> inspectAll() {
    return secrets.listManagedSecrets().stream().map(this::inspectSafely).toList();
  }

  /** Inspects one secret, turning an error into an INSPECTION_FAILED finding. */
  public SecretStatus inspectSafely(String secretId) {
    try {
      return inspect(secretId);
    } catch (RuntimeException e) {
      return new SecretStatus(
          secretId,
          secretId,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          false,
          List.of(
              Finding.reportOnly(
                  Type.INSPECTION_FAILED,
                  "could not inspect " + secretId + ": " + e.getMessage())));
    }
  }

  /**
   * Inspects one secret.
   *
   * @throws RotationFailedException when the secret does not exist
   */
  public SecretStatus inspect(String secretId) {
    SecretDescription secret = secrets.describe(secretId);
    List<Finding> findings = new ArrayList<>();
    if (secret.deletedDate().isPresent()) {
      return scheduledForDeletion(secret, findings);
    }
    if (!secret.rotationEnabled()) {
      findings.add(
          Finding.reportOnly(
              Type.ROTATION_DISABLED,
              "rotation is off for "
                  + secret.name()
                  + ": its key never changes. Turn it on with"
                  + " `aws secretsmanager rotate-secret` or the CDK app."));
    }
    List<SecretVersions.Version> versions = secrets.versions(secret.arn());
    Optional<SecretVersions.Version> pendingVersion =
        versions.stream()
            .filter(v -> v.stages().contains(PENDING) && !v.stages().contains(CURRENT))
            .findFirst();
    boolean stuck = pendingVersion.map(this::isStuck).orElse(false);
    boolean inProgress = pendingVersion.isPresent() && !stuck;
    Optional<ManagedKeySecret> current = read(secret, Optional.empty(), CURRENT, findings);
    if (current.isEmpty()) {
      stuckFinding(secret, pendingVersion, stuck, List.of(), findings);
      return status(
          secret, Optional.empty(), Optional.empty(), Optional.empty(), inProgress, findings);
    }
    String userName = current.get().userName();
    Optional<IamUser> user = iam.findUser(userName);
    if (user.isEmpty()) {
      stuckFinding(secret, pendingVersion, stuck, List.of(), findings);
      findings.add(
          Finding.reportOnly(
              Type.USER_MISSING,
              "IAM user "
                  + KeyIds.userNameForMessage(userName)
                  + " named in "
                  + secret.name()
                  + " does not exist. Put the right"
                  + " UserName in the secret, or delete the secret if the user is gone for good."));
      return status(
          secret,
          Optional.of(KeyIds.userNameForMessage(userName)),
          Optional.empty(),
          Optional.empty(),
          inProgress,
          findings);
    }
    boolean inScope = scope.covers(user.get());
    if (!inScope) {
      findings.add(
          Finding.reportOnly(
              Type.USER_OUT_OF_SCOPE,
              "IAM user "
                  + userName
                  + " named in "
                  + secret.name()
                  + " is outside the users keyrotator"
                  + " manages ("
                  + scope.describe()
                  + "), so every rotation of it fails and keyrotator"
                  + " changes none of its keys. Add the user to the deployment's users, or remove"
                  + " rotation from the secret."));
    }
    KeyOwnership.SecretRecords records = ownership.read(secret, current);
    Optional<String> conflict =
        SecretBinding.conflict(secret, current.get(), user.get(), records.previous())
            .or(() -> SecretBinding.sharedWith(secret, user.get(), taggedSecrets()));
    conflict.ifPresent(
        c ->
            findings.add(
                staleClaim(secret, user.get())
                    .map(
                        gone ->
                            Finding.repairable(
                                Type.BINDING_CONFLICT,
                                c + " The claimed secret " + gone + ", so the claim is stale.",
                                new Repair.ReleaseStaleClaim(
                                    secret.arn(),
                                    user.get().name(),
                                    user.get().tags().get(SecretBinding.CLAIM_TAG))))
                    .orElseGet(() -> Finding.reportOnly(Type.BINDING_CONFLICT, c))));
    if (!current.get().isBootstrap() && !ownership.trusts(records)) {
      findings.add(
          Finding.reportOnly(
              Type.UNTRUSTED_SECRET,
              "secret "
                  + secret.name()
                  + " holds no value"
                  + " keyrotator sealed: "
                  + ownership.whyNotTrusted(records)
                  + ". Nothing in it proves which"
                  + " keys keyrotator created, so it retires and repairs none of them (rotations stop at the"
                  + " 2-key limit until the previous key is retired by hand). A rotation by keyrotator with"
                  + " the seal secret configured (KEYROTATOR_SEAL_SECRET) seals the next value."));
    }
    boolean mayRepair = inScope && conflict.isEmpty();

    List<AccessKey> keys = iam.listKeys(userName);
    Optional<KeyState> currentKey = current.get().accessKeyId().map(id -> state(id, keys));
    currentKey
        .filter(k -> !k.exists())
        .ifPresent(
            k ->
                findings.add(
                    Finding.reportOnly(
                        Type.CURRENT_KEY_MISSING,
                        "the key "
                            + KeyIds.shorten(k.id())
                            + " in AWSCURRENT of "
                            + secret.name()
                            + " no longer exists on "
                            + userName
                            + ": consumers reading the secret get a dead key. Rotate now to replace it"
                            + " (`keyrotator rotate --secret-id "
                            + secret.name()
                            + "`).")));
    currentKey
        .filter(k -> k.exists() && !k.active())
        .ifPresent(
            k ->
                findings.add(
                    Finding.reportOnly(
                        Type.CURRENT_KEY_INACTIVE,
                        "the key "
                            + KeyIds.shorten(k.id())
                            + " in AWSCURRENT of "
                            + secret.name()
                            + " is inactive:"
                            + " consumers reading the secret cannot use it. Reactivate it, or rotate now.")));
    Optional<KeyState> previousKey =
        records
            .previous()
            .filter(p -> p.names(user.get()))
            .flatMap(ManagedKeySecret::accessKeyId)
            .map(id -> state(id, keys));

    List<KeyOwnership.OwnedKey> owned = ownership.classify(records, user.get(), keys);
    Optional<AttemptRecord> attempt =
        AttemptRecord.fromTags(secret.tags(), secret.arn(), ownership.seal());
    List<Finding> keyFindings = new ArrayList<>();
    for (KeyOwnership.OwnedKey key : owned) {
      unheldKey(secret, user.get(), key, attempt, mayRepair).ifPresent(keyFindings::add);
    }
    stuckFinding(secret, pendingVersion, stuck && mayRepair, keyFindings, findings);
    if (stuck && !mayRepair) {
      pendingVersion.ifPresent(
          v ->
              findings.add(
                  Finding.reportOnly(
                      Type.STUCK_ROTATION,
                      "AWSPENDING has been on version "
                          + v.id()
                          + " of "
                          + secret.name()
                          + " without becoming current."
                          + " Not repaired while the problem above stands.")));
    }
    findings.addAll(keyFindings);
    return status(secret, Optional.of(userName), currentKey, previousKey, inProgress, findings);
  }

  /**
   * Why the user's claim is stale, when it names another secret that no longer exists or is
   * scheduled for deletion; empty when the claim is live or names this secret.
   */
  private Optional<String> staleClaim(SecretDescription secret, IamUser user) {
    String claimed = user.tags().get(SecretBinding.CLAIM_TAG);
    if (claimed == null
        || claimed.equals(secret.arn())
        || !sameAccountAndRegion(claimed, secret.arn())) {
      return Optional
          .empty(); // a claim from another Region or account is not this deployment's to judge
    }
    try {
      return secrets
          .describe(claimed)
          .deletedDate()
          .map(d -> "is scheduled for deletion (since " + d + ")");
    } catch (SecretNotFoundException gone) {
      return Optional.of("does not exist");
    }
  }

  /** Whether two ARNs share partition, Region and account (fields 2 to 5 of {@code arn:...}). */
  private static boolean sameAccountAndRegion(String arn, String other) {
    String[] a = arn.split(":", 6);
    String[] b = other.split(":", 6);
    return a.length == 6
        && b.length == 6
        && a[1].equals(b[1])
        && a[3].equals(b[3])
        && a[4].equals(b[4]);
  }

  /**
   * A secret scheduled for deletion cannot be read, so nothing of it can be proven; what it leaves
   * on its user is reported, never changed.
   */
  private SecretStatus scheduledForDeletion(SecretDescription secret, List<Finding> findings) {
    Optional<String> userName = Optional.ofNullable(secret.tags().get(SecretVersions.USER_TAG));
    Optional<IamUser> user = userName.flatMap(iam::findUser);
    String shown =
        userName
            .map(KeyIds::userNameForMessage)
            .orElse("(unknown: no " + SecretVersions.USER_TAG + " tag)");
    String keysLeft =
        user.map(
                u ->
                    iam.listKeys(u.name()).stream()
                        .map(AccessKey::describe)
                        .collect(Collectors.joining(", ")))
            .map(
                list ->
                    "Its user "
                        + shown
                        + " has "
                        + (list.isEmpty() ? "no keys" : "keys " + list)
                        + ".")
            .orElse("Its user " + shown + " does not exist.");
    findings.add(
        Finding.reportOnly(
            Type.SECRET_SCHEDULED_FOR_DELETION,
            "secret "
                + secret.name()
                + " is scheduled for deletion (since "
                + secret.deletedDate().orElseThrow()
                + "): its consumers can no longer read it, and keyrotator changes nothing for it. "
                + keysLeft
                + " Restore it (`aws secretsmanager restore-secret --secret-id "
                + secret.name()
                + "`), or"
                + " once its consumers have moved, retire those keys by hand"
                + user.map(
                        u ->
                            " and release the user's claim (`aws iam untag-user --user-name "
                                + u.name()
                                + " --tag-keys "
                                + SecretBinding.CLAIM_TAG
                                + "`)")
                    .orElse("")
                + "."));
    return status(
        secret, user.map(IamUser::name), Optional.empty(), Optional.empty(), false, findings);
  }

  private List<SecretVersions.TaggedSecret> taggedSecrets() {
    if (taggedSecrets == null) {
      taggedSecrets = secrets.taggedSecrets();
    }
    return taggedSecrets;
  }

  /**
   * A stuck AWSPENDING label, with its repair unless a key of the stuck attempt still waits to be
   * deleted: dropping the attempt clears its record, after which that key could not be proven ours.
   */
  private void stuckFinding(
      SecretDescription secret,
      Optional<SecretVersions.Version> pendingVersion,
      boolean stuck,
      List<Finding> keyFindings,
      List<Finding> findings) {
    if (!stuck || pendingVersion.isEmpty()) {
      return;
    }
    SecretVersions.Version v = pendingVersion.get();
    boolean keyStillWaits =
        keyFindings.stream()
            .anyMatch(
                f ->
                    f.type() == Type.ORPHAN_KEY
                        && !(f.repair().orElse(null) instanceof Repair.DeleteOrphanKey)
                        && f.message().contains("rotation attempt " + v.id()));
    String message =
        "AWSPENDING has been on version "
            + v.id()
            + " of "
            + secret.name()
            + " since "
            + v.created().map(Instant::toString).orElse("an unknown time")
            + " without becoming current: the rotation failed or was abandoned, and every later"
            + " rotation will fail with \"A previous rotation isn't complete\". Removing the label"
            + " lets the next rotation start; the current key is not touched.";
    findings.add(
        keyStillWaits
            ? Finding.reportOnly(
                Type.STUCK_ROTATION,
                message
                    + " First the attempt's own key must go (see"
                    + " below): run the repair again after that.")
            : Finding.repairable(
                Type.STUCK_ROTATION,
                message,
                new Repair.RemovePendingLabel(secret.arn(), secret.name(), v.id())));
  }

  private Optional<Finding> unheldKey(
      SecretDescription secret,
      IamUser user,
      KeyOwnership.OwnedKey owned,
      Optional<AttemptRecord> attempt,
      boolean mayRepair) {
    AccessKey key = owned.key();
    String name = KeyIds.shorten(key.id());
    switch (owned.role()) {
      case CURRENT, PENDING, PREVIOUS, ADOPTED: // an adopted key is retired by the hygiene job
        return Optional.empty();
      case UNCONFIRMED:
        return Optional.of(
            Finding.reportOnly(
                Type.ORPHAN_KEY,
                "key " + key.describe() + " of user " + user.name() + " " + owned.origin() + "."));
      case FOREIGN:
        return Optional.of(
            Finding.reportOnly(
                Type.UNOWNED_KEY,
                "user "
                    + user.name()
                    + " has key "
                    + key.describe()
                    + " that keyrotator cannot prove it"
                    + " created ("
                    + owned.origin()
                    + "). Left alone: find its owner (last used: "
                    + iam.lastUsed(key.id())
                    + "); it blocks rotation when the user reaches 2 keys."));
      default:
        break;
    }
    String prefix = "key " + key.describe() + " of user " + user.name() + " was " + owned.origin();
    KeyOwnership.Cleanup cleanup = KeyOwnership.cleanupOf(owned, attempt, clock.instant());
    Optional<String> elsewhere =
        cleanup == KeyOwnership.Cleanup.NONE || !mayRepair
            ? Optional.empty()
            : ownership.heldByAnotherSecret(secret, key.id());
    if (elsewhere.isPresent()) {
      return Optional.of(
          Finding.reportOnly(
              Type.ORPHAN_KEY,
              prefix
                  + ", but it is the AWSCURRENT key of"
                  + " secret "
                  + elsewhere.get()
                  + " (put there by hand?): left alone. Give each secret its own user"
                  + " and key."));
    }
    if (!mayRepair || cleanup == KeyOwnership.Cleanup.NONE) {
      String why =
          !mayRepair
              ? " Not repaired while the problem above stands."
              : key.active()
                  ? " It has been used ("
                      + owned.usage().map(Object::toString).orElse("unknown")
                      + "), so someone holds it: left alone; find that consumer before retiring it."
                  : " It is inactive; keyrotator deletes it from "
                      + attempt
                          .map(a -> a.startedAt().plus(AttemptRecord.LONGEST_RUN).toString())
                          .orElse("later")
                      + ", when no run that could still store it is alive.";
      return Optional.of(Finding.reportOnly(Type.ORPHAN_KEY, prefix + "." + why));
    }
    if (cleanup == KeyOwnership.Cleanup.DEACTIVATE) {
      return Optional.of(
          Finding.repairable(
              Type.ORPHAN_KEY,
              prefix
                  + "; it was never used and nobody"
                  + " can hold its secret. Deactivating it is reversible; it is deleted on a later run.",
              new Repair.DeactivateOrphanKey(secret.arn(), user.name(), key.id())));
    }
    return Optional.of(
        Finding.repairable(
            Type.ORPHAN_KEY,
            prefix + "; it is inactive and counts against" + " the 2-key limit.",
            new Repair.DeleteOrphanKey(secret.arn(), user.name(), key.id())));
  }

  private boolean isStuck(SecretVersions.Version version) {
    return version.created().map(c -> c.isBefore(clock.instant().minus(stuckAfter))).orElse(true);
  }

  private Optional<ManagedKeySecret> read(
      SecretDescription secret, Optional<String> versionId, String stage, List<Finding> findings) {
    Optional<String> json;
    try {
      json = secrets.value(secret.arn(), versionId, stage);
    } catch (RuntimeException e) {
      findings.add(
          Finding.reportOnly(
              Type.INSPECTION_FAILED,
              "could not read " + stage + " of " + secret.name() + ": " + e.getMessage()));
      return Optional.empty();
    }
    if (json.isEmpty()) {
      if (stage.equals(CURRENT)) {
        findings.add(
            Finding.reportOnly(
                Type.INVALID_VALUE,
                secret.name()
                    + " has no AWSCURRENT value;"
                    + " put {\"UserName\": \"<iam user>\"} in it."));
      }
      return Optional.empty();
    }
    try {
      return Optional.of(ManagedKeySecret.parse(json.get(), stage + " of " + secret.name()));
    } catch (RotationFailedException e) {
      findings.add(Finding.reportOnly(Type.INVALID_VALUE, e.getMessage()));
      return Optional.empty();
    }
  }

  private KeyState state(String id, List<AccessKey> keys) {
    return keys.stream()
        .filter(k -> k.id().equals(id))
        .findFirst()
        .map(
            k ->
                new KeyState(
                    id,
                    true,
                    k.active(),
                    Optional.of(k.createDate()),
                    Optional.of(iam.lastUsed(id))))
        .orElse(new KeyState(id, false, false, Optional.empty(), Optional.empty()));
  }

  private static SecretStatus status(
      SecretDescription secret,
      Optional<String> user,
      Optional<KeyState> currentKey,
      Optional<KeyState> previousKey,
      boolean inProgress,
      List<Finding> findings) {
    return new SecretStatus(
        secret.name(),
        secret.arn(),
        user,
        currentKey,
        previousKey,
        secret.rotationEnabled(),
        secret.schedule(),
        secret.lastRotated(),
        secret.nextRotation(),
        inProgress,
        List.copyOf(findings));
  }

  /** The findings' repairs, in order. */
  public static List<Repair> repairs(List<SecretStatus> statuses) {
    return statuses.stream()
        .flatMap(s -> s.findings().stream())
        .flatMap(f -> f.repair().stream())
        .collect(Collectors.toList());
  }
}
