package io.keyrotator.ownership;

import static io.keyrotator.ports.SecretDescription.CURRENT;
import static io.keyrotator.ports.SecretDescription.PENDING;
import static io.keyrotator.ports.SecretDescription.PREVIOUS;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Who owns each access key of a managed user: the one answer that rotation, {@code keyrotator
 * doctor}, the hygiene job and the audit all use before they touch or report a key.
 *
 * <p>Evidence comes only from the secret, which only keyrotator's roles and the deployment role may
 * write: the values keyrotator stored (with the secret, version, user id and IAM creation time they
 * belong to) and its {@link AttemptRecord}. A tag on the user, a time window or a key's age alone
 * never makes a key keyrotator's.
 */
public final class KeyOwnership {
  /** How many dropped versions are read, newest first, when looking for a key's origin. */
  static final int DROPPED_VERSIONS_READ = 10;

  /** What a key is to the secret. */
  public enum Role {
    /** Held by AWSCURRENT: consumers use it; never deactivated or deleted. */
    CURRENT,
    /** Held by the AWSPENDING value of a rotation under way; left to that rotation. */
    PENDING,
    /**
     * Held by AWSPREVIOUS: the key the last rotation replaced; retired by the previous-key rules.
     */
    PREVIOUS,
    /**
     * A key the user had before keyrotator, which the operator named for this secret to take over
     * ({@value ManagedKeySecret#ADOPT_STATEMENT} in AWSCURRENT, sealed by the next rotation): its
     * consumer may still use it, so only the hygiene job retires it, once it is provably unused.
     */
    ADOPTED,
    /**
     * Created by keyrotator for a version of this secret that was dropped before it became current.
     */
    ABANDONED,
    /** Created by an attempt that stopped before storing it: the attempt record names it. */
    INTERRUPTED,
    /**
     * Appeared while an attempt whose record names no key was open: the attempt's lost key, or one
     * made by hand at that moment. keyrotator cannot tell, so it never touches it and the rotation
     * waits for a person.
     */
    UNCONFIRMED,
    /** Nothing proves keyrotator created it: never touched, only reported. */
    FOREIGN
  }

  /** What keyrotator may do to a key it does not need. */
  public enum Cleanup {
    /** Leave it. */
    NONE,
    /** Deactivate it (reversible): an active key is never deleted as an orphan. */
    DEACTIVATE,
    /** Delete it: it is inactive, was never used and keyrotator provably created it. */
    DELETE
  }

  /**
   * A key with its role.
   *
   * @param key the key as IAM lists it
   * @param role what the key is to the secret
   * @param provenOurs whether a value keyrotator wrote to this secret proves it created the key
   * @param usage its last use, read for the keys whose cleanup depends on it
   * @param origin in words, where the evidence comes from (for reports)
   */
  public record OwnedKey(
      AccessKey key, Role role, boolean provenOurs, Optional<KeyUsage> usage, String origin) {
    /** Whether the key was ever used, as far as IAM has recorded (unknown counts as used). */
    public boolean everUsed() {
      return usage.map(u -> u.lastUsed().isPresent()).orElse(true);
    }
  }

  /**
   * The values of one secret that a step has read.
   *
   * @param secret the description, with version labels and tags
   * @param current the AWSCURRENT value, if readable
   * @param previous the AWSPREVIOUS value, if readable
   * @param pending the AWSPENDING value of a rotation under way (not on the current version)
   * @param recordedPrevious the AWSPREVIOUS version's key as the sealed AWSCURRENT value records it
   *     ({@link ManagedKeySecret#provenReplacedKey}), when AWSPREVIOUS was not read because of that
   *     record
   */
  public record SecretRecords(
      SecretDescription secret,
      Optional<ManagedKeySecret> current,
      Optional<ManagedKeySecret> previous,
      Optional<ManagedKeySecret> pending,
      Optional<ManagedKeySecret.ReplacedKey> recordedPrevious) {

    Optional<String> versionOf(String stage) {
      return stage.equals(PENDING)
          ? secret.versionStages().entrySet().stream()
              .filter(e -> e.getValue().contains(PENDING) && !e.getValue().contains(CURRENT))
              .map(java.util.Map.Entry::getKey)
              .findFirst()
          : secret.versionWith(stage);
    }
  }

  private final SecretVersions secrets;
  private final IamKeys iam;
  private final EvidenceSeal seal;

  /**
   * @param sealSecret the secret holding the key of the {@link EvidenceSeal}; empty proves nothing
   */
  public KeyOwnership(SecretVersions secrets, IamKeys iam, Optional<String> sealSecret) {
    this(secrets, iam, EvidenceSeal.fromSecret(secrets, sealSecret));
  }

  /** With a seal already made, whose key is read once however many steps use it. */
  public KeyOwnership(SecretVersions secrets, IamKeys iam, EvidenceSeal seal) {
    this.secrets = secrets;
    this.iam = iam;
    this.seal = seal;
  }

  /** The seal keyrotator's values and records carry. */
  public EvidenceSeal seal() {
    return seal;
  }

  /**
   * Whether the secret is keyrotator's own: tagged {@value SecretVersions#USER_TAG} and holding a
   * labelled value keyrotator sealed for this very secret. Only in such a secret does a key
   * imported by hand count as the operator's statement that the secret owns it ({@code
   * deleteUnprovenKeys}).
   */
  public boolean trusts(SecretRecords records) {
    SecretDescription secret = records.secret();
    return secret.tags().containsKey(SecretVersions.USER_TAG)
        && (sealed(records.current(), records.versionOf(CURRENT), secret)
            || sealed(records.previous(), records.versionOf(PREVIOUS), secret)
            || sealed(records.pending(), records.versionOf(PENDING), secret));
  }

  private boolean sealed(
      Optional<ManagedKeySecret> value, Optional<String> version, SecretDescription secret) {
    return value.isPresent()
        && version.isPresent()
        && value.get().sealedFor(secret.arn(), version.get(), seal);
  }

  /** Why the secret is not keyrotator's own, for reports. */
  public String whyNotTrusted(SecretRecords records) {
    if (!records.secret().tags().containsKey(SecretVersions.USER_TAG)) {
      return "it has no " + SecretVersions.USER_TAG + " tag";
    }
    if (!seal.available()) {
      return "no seal secret is configured (KEYROTATOR_SEAL_SECRET), so nothing can be proven";
    }
    return "none of its labelled values was sealed by keyrotator for this secret";
  }

  /**
   * Reads the secret's labelled values. An unreadable AWSPREVIOUS or AWSPENDING value proves
   * nothing and is left out; AWSCURRENT is read by the caller, which must fail on it.
   */
  public SecretRecords read(SecretDescription secret, Optional<ManagedKeySecret> current) {
    Optional<ManagedKeySecret> previous =
        secret.versionWith(PREVIOUS).flatMap(v -> quietly(secret, Optional.of(v), PREVIOUS));
    SecretRecords partial =
        new SecretRecords(secret, current, previous, Optional.empty(), Optional.empty());
    Optional<ManagedKeySecret> pending =
        partial.versionOf(PENDING).flatMap(v -> quietly(secret, Optional.of(v), PENDING));
    return new SecretRecords(secret, current, previous, pending, Optional.empty());
  }

  /**
   * What createSecret needs, read with the fewest calls: the caller has already found that the
   * token's AWSPENDING version holds no value, and when AWSCURRENT's sealed value records the
   * version it replaced and that version still carries AWSPREVIOUS, the record stands for the
   * AWSPREVIOUS value (a version's value never changes) and it is not read.
   */
  public SecretRecords readBeforeCreate(SecretDescription secret, ManagedKeySecret current) {
    Optional<String> previousVersion = secret.versionWith(PREVIOUS);
    Optional<ManagedKeySecret.ReplacedKey> recorded =
        secret
            .versionWith(CURRENT)
            .flatMap(v -> current.provenReplacedKey(secret.arn(), v, seal))
            .filter(r -> previousVersion.filter(r.versionId()::equals).isPresent());
    Optional<ManagedKeySecret> previous =
        recorded.isPresent()
            ? Optional.empty()
            : previousVersion.flatMap(v -> quietly(secret, Optional.of(v), PREVIOUS));
    return new SecretRecords(secret, Optional.of(current), previous, Optional.empty(), recorded);
  }

  private Optional<ManagedKeySecret> quietly(
      SecretDescription secret, Optional<String> version, String stage) {
    try {
      return secrets
          .value(secret.arn(), version, stage)
          .map(v -> ManagedKeySecret.parse(v, stage + " of " + secret.name()));
    } catch (RotationFailedException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * Each of the user's keys with its role, in IAM's order. Every proof is sealed ({@link
   * EvidenceSeal}): values and attempt records anyone else wrote prove nothing.
   */
  public List<OwnedKey> classify(SecretRecords records, IamUser user, List<AccessKey> keys) {
    SecretDescription secret = records.secret();
    List<OwnedKey> owned = new ArrayList<>();
    List<AccessKey> unexplained = new ArrayList<>();
    for (AccessKey key : keys) {
      Optional<OwnedKey> labelled =
          held(
                  records.current(),
                  records.versionOf(CURRENT),
                  Role.CURRENT,
                  "AWSCURRENT",
                  secret,
                  user,
                  key)
              .or(
                  () ->
                      held(
                          records.pending(),
                          records.versionOf(PENDING),
                          Role.PENDING,
                          "AWSPENDING",
                          secret,
                          user,
                          key))
              .or(() -> adopted(records, user, key))
              .or(
                  () ->
                      held(
                          records.previous(),
                          records.versionOf(PREVIOUS),
                          Role.PREVIOUS,
                          "AWSPREVIOUS",
                          secret,
                          user,
                          key))
              .or(() -> recordedPrevious(records, key));
      labelled.ifPresentOrElse(owned::add, () -> unexplained.add(key));
    }
    if (!unexplained.isEmpty()) {
      List<SecretVersions.Version> dropped = droppedVersions(secret);
      List<AccessKey> stillUnexplained = new ArrayList<>();
      for (AccessKey key : unexplained) {
        abandoned(secret, user, key, dropped)
            .ifPresentOrElse(owned::add, () -> stillUnexplained.add(key));
      }
      Optional<AttemptRecord> attempt = openAttempt(records, user);
      Optional<SecretVersions.Version> mayHaveLostAKey = rotationThatMayHaveLostAKey(records);
      for (AccessKey key : stillUnexplained) {
        Optional<String> lostBy =
            attempt
                .filter(a -> a.keyId().isEmpty() && a.couldHaveCreated(key))
                .map(AttemptRecord::token)
                .or(
                    () ->
                        mayHaveLostAKey
                            .filter(v -> appearedSince(key, v))
                            .map(SecretVersions.Version::id));
        if (attempt.filter(a -> a.names(key)).isPresent()) {
          owned.add(interrupted(key, attempt.get()));
        } else if (lostBy.isPresent()
            && iam.lastUsed(key.id())
                .lastUsed()
                .isEmpty()) { // a used key is someone's: nobody has the lost one
          owned.add(
              new OwnedKey(
                  key,
                  Role.UNCONFIRMED,
                  false,
                  Optional.empty(),
                  unconfirmed(secret, user, key, lostBy.get())));
        } else {
          owned.add(
              new OwnedKey(
                  key,
                  Role.FOREIGN,
                  false,
                  Optional.empty(),
                  "no version of " + secret.name() + " proves keyrotator created it"));
        }
      }
    }
    owned.sort(Comparator.comparingInt(k -> keys.indexOf(k.key())));
    return owned;
  }

  private Optional<OwnedKey> held(
      Optional<ManagedKeySecret> value,
      Optional<String> version,
      Role role,
      String stage,
      SecretDescription secret,
      IamUser user,
      AccessKey key) {
    if (value.isEmpty()
        || version.isEmpty()
        || !value.get().holds(key.id())
        || !value.get().names(user)) {
      return Optional.empty();
    }
    boolean proven = value.get().provesCreationOf(key, secret.arn(), version.get(), user, seal);
    return Optional.of(
        new OwnedKey(
            key,
            role,
            proven,
            Optional.empty(),
            "held by "
                + stage
                + (proven
                    ? ", created by keyrotator"
                    : ", not proven to be keyrotator's (imported by hand?)")));
  }

  /**
   * The key as one the secret adopted: sealed in the AWSCURRENT value keyrotator wrote for this
   * secret and version, with the user's unique id and the key's creation time; or named by the
   * operator's statement in AWSCURRENT, which the rotation reading it seals.
   */
  private Optional<OwnedKey> adopted(SecretRecords records, IamUser user, AccessKey key) {
    Optional<ManagedKeySecret> current = records.current().filter(v -> v.names(user));
    Optional<String> version = records.versionOf(CURRENT);
    if (current.isEmpty() || version.isEmpty()) {
      return Optional.empty();
    }
    boolean sealed =
        current.get().provenAdoptedKeys(records.secret().arn(), version.get(), seal).stream()
            .anyMatch(a -> a.is(key));
    // The operator's statement counts only while the secret holds no value keyrotator sealed for
    // it: once keyrotator manages the secret, a statement added to a value by hand names nothing.
    if (!sealed && (!current.get().adoptStatement().contains(key.id()) || trusts(records))) {
      return Optional.empty();
    }
    return Optional.of(
        new OwnedKey(
            key,
            Role.ADOPTED,
            false,
            Optional.empty(),
            sealed
                ? "adopted: named by the operator, sealed by keyrotator in AWSCURRENT"
                : "named by the operator in AWSCURRENT for this secret to take over; the next"
                    + " rotation seals it"));
  }

  private static Optional<OwnedKey> recordedPrevious(SecretRecords records, AccessKey key) {
    return records
        .recordedPrevious()
        .filter(r -> r.accessKeyId().equals(key.id()))
        .map(
            r ->
                new OwnedKey(
                    key,
                    Role.PREVIOUS,
                    true,
                    Optional.empty(),
                    "held by AWSPREVIOUS, created by keyrotator (recorded in the sealed"
                        + " AWSCURRENT value)"));
  }

  private List<SecretVersions.Version> droppedVersions(SecretDescription secret) {
    return secrets.versions(secret.arn()).stream()
        .filter(
            v ->
                !v.stages().contains(CURRENT)
                    && !v.stages().contains(PREVIOUS)
                    && !v.stages().contains(PENDING))
        .sorted(
            Comparator.comparing((SecretVersions.Version v) -> v.created().orElse(Instant.EPOCH))
                .reversed())
        .limit(DROPPED_VERSIONS_READ)
        .toList();
  }

  private Optional<OwnedKey> abandoned(
      SecretDescription secret, IamUser user, AccessKey key, List<SecretVersions.Version> dropped) {
    for (SecretVersions.Version version : dropped) {
      Optional<ManagedKeySecret> value;
      try {
        value =
            secrets
                .versionValue(secret.arn(), version.id())
                .map(
                    v ->
                        ManagedKeySecret.parse(
                            v, "version " + version.id() + " of " + secret.name()));
      } catch (RotationFailedException unreadable) {
        continue;
      }
      if (value
          .filter(v -> v.provesCreationOf(key, secret.arn(), version.id(), user, seal))
          .isPresent()) {
        return Optional.of(
            new OwnedKey(
                key,
                Role.ABANDONED,
                true,
                Optional.of(iam.lastUsed(key.id())),
                "created by keyrotator for version "
                    + version.id()
                    + " of "
                    + secret.name()
                    + ", which was dropped before it became current"));
      }
    }
    return Optional.empty();
  }

  /**
   * The secret's attempt record while its attempt is still open: its token still carries AWSPENDING
   * with no value stored (a stored value means the attempt got as far as storing its key and left
   * nothing behind), and it names this very user.
   */
  private Optional<AttemptRecord> openAttempt(SecretRecords records, IamUser user) {
    Optional<AttemptRecord> attempt =
        AttemptRecord.fromTags(records.secret().tags(), records.secret().arn(), seal);
    if (attempt.isEmpty() || !attempt.get().userId().equals(user.id())) {
      return Optional.empty();
    }
    SecretDescription secret = records.secret();
    String token = attempt.get().token();
    boolean stillPending = secret.hasStage(token, PENDING) && !secret.hasStage(token, CURRENT);
    boolean nothingStored =
        records.versionOf(PENDING).filter(token::equals).isPresent()
            && records.pending().isEmpty()
            && secrets.value(secret.arn(), Optional.of(token), PENDING).isEmpty();
    return stillPending && nothingStored ? attempt : Optional.empty();
  }

  /**
   * The rotation under way whose createSecret may have lost CreateAccessKey's answer: its token
   * carries AWSPENDING (not on AWSCURRENT), no value is stored for it, and no attempt record names
   * a key for it (the record is written once CreateAccessKey answers). Read only when a key is
   * unexplained, so never in the steady state.
   */
  private Optional<SecretVersions.Version> rotationThatMayHaveLostAKey(SecretRecords records) {
    SecretDescription secret = records.secret();
    Optional<String> token = records.versionOf(PENDING);
    if (token.isEmpty()
        || records.pending().isPresent()
        || AttemptRecord.fromTags(secret.tags(), secret.arn(), seal)
            .filter(a -> a.token().equals(token.get()) && a.keyId().isPresent())
            .isPresent()
        || secrets.value(secret.arn(), token, PENDING).isPresent()) {
      return Optional.empty();
    }
    return secrets.versions(secret.arn()).stream()
        .filter(v -> v.id().equals(token.get()))
        .findFirst();
  }

  /**
   * Whether the key was created in or after the second the version was: IAM dates keys to the
   * second, so a key created just after the version may carry an earlier time within that second. A
   * key made by hand within that second before the rotation began cannot be told apart either.
   */
  private static boolean appearedSince(AccessKey key, SecretVersions.Version version) {
    return version
        .created()
        .filter(
            created ->
                !key.createDate()
                    .truncatedTo(ChronoUnit.SECONDS)
                    .isBefore(created.truncatedTo(ChronoUnit.SECONDS)))
        .isPresent();
  }

  private static String unconfirmed(
      SecretDescription secret, IamUser user, AccessKey key, String token) {
    return "appeared while the rotation attempt "
        + token
        + " was open, and that attempt stopped"
        + " before it recorded which key it created: it is either that attempt's key, whose secret nobody"
        + " has, or a key made by hand at that moment. keyrotator cannot tell and leaves it alone. If"
        + " nobody made it by hand, delete it (`aws iam delete-access-key --user-name "
        + user.name()
        + " --access-key-id "
        + key.id()
        + "`); if someone did, drop the attempt (`aws secretsmanager"
        + " update-secret-version-stage --secret-id "
        + secret.name()
        + " --version-stage AWSPENDING"
        + " --remove-from-version-id "
        + token
        + "`). Then rotate again";
  }

  /**
   * The key the open attempt record names: keyrotator's, unless someone has used it (then it holds
   * it).
   */
  private OwnedKey interrupted(AccessKey key, AttemptRecord attempt) {
    KeyUsage usage = iam.lastUsed(key.id());
    String origin =
        "created by the rotation attempt "
            + attempt.token()
            + " that stopped before its secret"
            + " was stored (the attempt record names it)";
    return usage.lastUsed().isPresent()
        ? new OwnedKey(
            key,
            Role.FOREIGN,
            false,
            Optional.of(usage),
            origin + ", but it has been used, so someone" + " holds its secret")
        : new OwnedKey(key, Role.INTERRUPTED, true, Optional.of(usage), origin);
  }

  /**
   * The name of another managed secret whose AWSCURRENT value holds the key, if any. Checked right
   * before every deactivation or deletion: a consumer of that secret would lose its working key. A
   * value that points at another secret's key can only come from a hand-made write (the
   * deployment's resource policy forbids it), so this only ever makes keyrotator refuse. It reads
   * the AWSCURRENT value of every secret tagged {@value SecretVersions#USER_TAG}: one call per
   * managed secret, paid only when a key is about to be changed. Secrets scheduled for deletion are
   * skipped: nobody can read them.
   */
  public Optional<String> heldByAnotherSecret(SecretDescription secret, String keyId) {
    for (SecretVersions.TaggedSecret other : secrets.taggedSecrets()) {
      if (other.arn().equals(secret.arn()) || other.scheduledForDeletion()) {
        continue; // a secret scheduled for deletion serves no one: its value cannot be read
      }
      Optional<ManagedKeySecret> value;
      try {
        value =
            secrets
                .value(other.arn(), Optional.empty(), CURRENT)
                .map(v -> ManagedKeySecret.parse(v, "AWSCURRENT of " + other.name()));
      } catch (RuntimeException unreadable) {
        // A value we cannot read may hold the key: refuse rather than guess.
        return Optional.of(
            other.name()
                + " (its AWSCURRENT value could not be read: "
                + unreadable.getMessage()
                + ")");
      }
      if (value.filter(v -> v.holds(keyId)).isPresent()) {
        return Optional.of(other.name());
      }
    }
    return Optional.empty();
  }

  /**
   * What keyrotator may do to a key it holds in no labelled version: deactivate an active key it
   * provably created and nobody used, delete it once inactive. Keys in any other role are left to
   * the rules for them (AWSCURRENT never; AWSPREVIOUS by the previous-key policies).
   *
   * @param now the time, for the {@link AttemptRecord#LONGEST_RUN} wait before deleting an
   *     interrupted attempt's key
   */
  public static Cleanup cleanupOf(OwnedKey key, Optional<AttemptRecord> attempt, Instant now) {
    switch (key.role()) {
      case ABANDONED:
        if (key.key().active()) {
          return key.everUsed() ? Cleanup.NONE : Cleanup.DEACTIVATE;
        }
        return Cleanup.DELETE;
      case INTERRUPTED:
        if (key.key().active()) {
          return Cleanup.DEACTIVATE;
        }
        return attempt.filter(a -> a.over(now)).isPresent() ? Cleanup.DELETE : Cleanup.NONE;
      default:
        return Cleanup.NONE;
    }
  }
}
