package io.keyrotator.inspection;

import java.util.HashSet;
import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.inspection.Finding.Type;
import io.keyrotator.observability.KeyIds;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.InterruptedAttempts;
import io.keyrotator.rotation.ManagedKeySecret;
import io.keyrotator.rotation.ManagedScope;
import io.keyrotator.rotation.RotationFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

  /**
   * @param stuckAfter how old an AWSPENDING version must be before it counts as stuck rather than
   *     a rotation in progress (Secrets Manager retries a failing rotation for a while)
   */
  public SecretInspector(
      SecretVersions secrets, IamKeys iam, ManagedScope scope, Clock clock, Duration stuckAfter) {
    this.secrets = secrets;
    this.iam = iam;
    this.scope = scope;
    this.clock = clock;
    this.stuckAfter = stuckAfter;
  }

  /** Inspects every secret tagged {@value SecretVersions#USER_TAG}; one failure never stops the rest. */
  public List<SecretStatus> inspectAll() {
    return secrets.listManagedSecrets().stream().map(this::inspectSafely).toList();
  }

  /** Inspects one secret, turning an error into an INSPECTION_FAILED finding. */
  public SecretStatus inspectSafely(String secretId) {
    try {
      return inspect(secretId);
    } catch (RuntimeException e) {
      return new SecretStatus(secretId, secretId, Optional.empty(), Optional.empty(), Optional.empty(),
          false, Optional.empty(), Optional.empty(), Optional.empty(), false,
          List.of(Finding.reportOnly(Type.INSPECTION_FAILED,
              "could not inspect " + secretId + ": " + e.getMessage())));
    }
  }

  /**
   * Inspects one secret.
   *
   * @throws RotationFailure when the secret does not exist
   */
  public SecretStatus inspect(String secretId) {
    SecretDescription secret = secrets.describe(secretId);
    List<Finding> findings = new ArrayList<>();
    if (!secret.rotationEnabled()) {
      findings.add(Finding.reportOnly(Type.ROTATION_DISABLED,
          "rotation is off for " + secret.name() + ": its key never changes. Turn it on with"
              + " `aws secretsmanager rotate-secret` or the CDK app."));
    }
    List<SecretVersions.Version> versions = secrets.versions(secret.arn());
    Optional<SecretVersions.Version> pendingVersion = versions.stream()
        .filter(v -> v.stages().contains(PENDING) && !v.stages().contains(CURRENT))
        .findFirst();
    boolean stuck = pendingVersion.map(this::isStuck).orElse(false);
    boolean inProgress = pendingVersion.isPresent() && !stuck;
    pendingVersion.filter(v -> stuck).ifPresent(v -> findings.add(Finding.repairable(Type.STUCK_ROTATION,
        "AWSPENDING has been on version " + v.id() + " of " + secret.name() + " since "
            + v.created().map(Instant::toString).orElse("an unknown time")
            + " without becoming current: the rotation failed or was abandoned, and every later"
            + " rotation will fail with \"A previous rotation isn't complete\". Removing the label"
            + " lets the next rotation start; the current key is not touched.",
        new Repair.RemovePendingLabel(secret.arn(), secret.name(), v.id()))));

    Optional<ManagedKeySecret> current = read(secret, Optional.empty(), CURRENT, findings);
    if (current.isEmpty()) {
      return status(secret, Optional.empty(), Optional.empty(), Optional.empty(), inProgress, findings);
    }
    String userName = current.get().userName();
    Optional<IamUser> user = iam.findUser(userName);
    if (user.isEmpty()) {
      findings.add(Finding.reportOnly(Type.USER_MISSING,
          "IAM user " + userName + " named in " + secret.name() + " does not exist. Put the right"
              + " UserName in the secret, or delete the secret if the user is gone for good."));
      return status(secret, Optional.of(userName), Optional.empty(), Optional.empty(), inProgress, findings);
    }
    if (!scope.covers(user.get())) {
      findings.add(Finding.reportOnly(Type.USER_OUT_OF_SCOPE,
          "IAM user " + userName + " named in " + secret.name() + " is outside the users keyrotator"
              + " manages (" + scope.describe() + "), so every rotation of it fails. Opt the user in,"
              + " or remove rotation from the secret."));
      return status(secret, Optional.of(userName), Optional.empty(), Optional.empty(), inProgress, findings);
    }

    List<AccessKey> keys = iam.listKeys(userName);
    Optional<KeyState> currentKey = current.get().accessKeyId().map(id -> state(id, keys));
    currentKey.filter(k -> !k.exists()).ifPresent(k -> findings.add(Finding.reportOnly(Type.CURRENT_KEY_MISSING,
        "the key " + KeyIds.shorten(k.id()) + " in AWSCURRENT of " + secret.name() + " no longer exists on "
            + userName + ": consumers reading the secret get a dead key. Rotate now to replace it"
            + " (`keyrotator rotate --secret-id " + secret.name() + "`).")));
    currentKey.filter(k -> k.exists() && !k.active()).ifPresent(k -> findings.add(Finding.reportOnly(
        Type.CURRENT_KEY_INACTIVE,
        "the key " + KeyIds.shorten(k.id()) + " in AWSCURRENT of " + secret.name() + " is inactive:"
            + " consumers reading the secret cannot use it. Reactivate it, or rotate now.")));

    Optional<ManagedKeySecret> previous = secret.versionWith(PREVIOUS).isPresent()
        ? read(secret, Optional.empty(), PREVIOUS, new ArrayList<>()).filter(p -> p.userName().equals(userName))
        : Optional.empty();
    Optional<KeyState> previousKey = previous.flatMap(ManagedKeySecret::accessKeyId).map(id -> state(id, keys));

    Optional<ManagedKeySecret> pending = pendingVersion
        .flatMap(v -> read(secret, Optional.of(v.id()), PENDING, new ArrayList<>()))
        .filter(p -> p.userName().equals(userName));
    Set<String> held = new HashSet<>();
    current.get().accessKeyId().ifPresent(held::add);
    previous.flatMap(ManagedKeySecret::accessKeyId).ifPresent(held::add);
    if (inProgress) {
      pending.flatMap(ManagedKeySecret::accessKeyId).ifPresent(held::add);
    }
    for (AccessKey key : keys) {
      if (!held.contains(key.id())) {
        findings.add(unheldKey(secret, user.get(), key, stuck ? pending : Optional.empty()));
      }
    }
    return status(secret, Optional.of(userName), currentKey, previousKey, inProgress, findings);
  }

  private Finding unheldKey(SecretDescription secret, IamUser user, AccessKey key,
      Optional<ManagedKeySecret> abandonedPending) {
    KeyUsage usage = iam.lastUsed(key.id());
    boolean fromAbandonedRotation = abandonedPending.filter(p -> p.provesCreationOf(key)).isPresent();
    boolean ours = fromAbandonedRotation || InterruptedAttempts.inWindow(user, key);
    String name = KeyIds.shorten(key.id());
    if (!ours) {
      return Finding.reportOnly(Type.UNOWNED_KEY,
          "user " + user.name() + " has key " + key.describe() + " that no version of " + secret.name()
              + " holds and keyrotator did not create. Left alone: find its owner (last used: " + usage
              + "); it blocks rotation when the user reaches 2 keys.");
    }
    String origin = fromAbandonedRotation
        ? "it was created for an abandoned rotation and is held only by the stuck AWSPENDING version"
        : "it was created by an interrupted rotation attempt and its secret was never stored";
    boolean attemptMayStillRun = !fromAbandonedRotation && InterruptedAttempts.intentTime(user)
        .map(t -> t.isAfter(clock.instant().minus(stuckAfter))).orElse(false);
    if (attemptMayStillRun) {
      return Finding.reportOnly(Type.ORPHAN_KEY,
          "key " + name + " of user " + user.name() + " was created by a rotation attempt that started"
              + " less than " + stuckAfter.toMinutes() + " minutes ago and may still be running. Left"
              + " alone; look again later.");
    }
    if (usage.lastUsed().isPresent()) {
      return Finding.reportOnly(Type.ORPHAN_KEY,
          "key " + name + " of user " + user.name() + ": " + origin + ", but it has been used (" + usage
              + "), so someone holds it. Left alone: find the consumer before deleting it.");
    }
    return Finding.repairable(Type.ORPHAN_KEY,
        "key " + name + " of user " + user.name() + ": " + origin + "; it was never used and counts"
            + " against the 2-key limit.",
        new Repair.DeleteOrphanKey(user.name(), key.id()));
  }

  private boolean isStuck(SecretVersions.Version version) {
    return version.created().map(c -> c.isBefore(clock.instant().minus(stuckAfter))).orElse(true);
  }

  private Optional<ManagedKeySecret> read(SecretDescription secret, Optional<String> versionId,
      String stage, List<Finding> findings) {
    Optional<String> json;
    try {
      json = secrets.value(secret.arn(), versionId, stage);
    } catch (RuntimeException e) {
      findings.add(Finding.reportOnly(Type.INSPECTION_FAILED, "could not read " + stage + " of "
          + secret.name() + ": " + e.getMessage()));
      return Optional.empty();
    }
    if (json.isEmpty()) {
      if (stage.equals(CURRENT)) {
        findings.add(Finding.reportOnly(Type.INVALID_VALUE, secret.name() + " has no AWSCURRENT value;"
            + " put {\"UserName\": \"<iam user>\"} in it."));
      }
      return Optional.empty();
    }
    try {
      return Optional.of(ManagedKeySecret.parse(json.get(), stage + " of " + secret.name()));
    } catch (RotationFailure e) {
      findings.add(Finding.reportOnly(Type.INVALID_VALUE, e.getMessage()));
      return Optional.empty();
    }
  }

  private KeyState state(String id, List<AccessKey> keys) {
    return keys.stream().filter(k -> k.id().equals(id)).findFirst()
        .map(k -> new KeyState(id, true, k.active(), Optional.of(k.createDate()), Optional.of(iam.lastUsed(id))))
        .orElse(new KeyState(id, false, false, Optional.empty(), Optional.empty()));
  }

  private static SecretStatus status(SecretDescription secret, Optional<String> user,
      Optional<KeyState> currentKey, Optional<KeyState> previousKey, boolean inProgress,
      List<Finding> findings) {
    return new SecretStatus(secret.name(), secret.arn(), user, currentKey, previousKey,
        secret.rotationEnabled(), secret.schedule(), secret.lastRotated(), secret.nextRotation(),
        inProgress, List.copyOf(findings));
  }

  /** The findings' repairs, in order. */
  public static List<Repair> repairs(List<SecretStatus> statuses) {
    return statuses.stream().flatMap(s -> s.findings().stream())
        .flatMap(f -> f.repair().stream()).collect(Collectors.toList());
  }
}
