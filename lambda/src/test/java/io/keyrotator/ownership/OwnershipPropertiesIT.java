package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.config.Settings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.hygiene.HygieneRun;
import io.keyrotator.hygiene.PreviousKeyRetirement;
import io.keyrotator.inspection.Repair;
import io.keyrotator.inspection.Repairs;
import io.keyrotator.inspection.SecretInspector;
import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.rotation.ManagedScope;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.KeyActionRecorder;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.MutableClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * Seeded random sequences of rotations (full, interrupted after a prefix of steps, crashed at a
 * random AWS call), hand-made changes (keys created, deleted, deactivated; user tags written or
 * removed; secret values naming another user put by a careless operator), hygiene runs on a moved
 * clock and doctor repairs, against moto with the real handler, hygiene job and doctor repairs.
 * After every operation it checks the ownership properties:
 *
 * <ol type="a">
 *   <li>a key that a secret's AWSCURRENT held and that was active before the operation, and that
 *       some secret's AWSCURRENT still holds after it, is still there and active, unless the
 *       operation was a hand-made delete or deactivation of that key; and keyrotator never deletes
 *       or deactivates a key that any AWSCURRENT holds;
 *   <li>every key keyrotator deleted or deactivated is one keyrotator created;
 *   <li>no user has more than 2 keys, and IAM never answered keyrotator with LimitExceeded;
 *   <li>no secret access key appears in a log line, an exception message or a report;
 *   <li>keyrotator fails only with a {@link RotationFailedException} (a refusal), never with
 *       another error.
 * </ol>
 *
 * <p>Replay one sequence with {@code -Dkeyrotator.seed=N}; every failure names the seed, the
 * operation and the whole sequence up to it.
 */
class OwnershipPropertiesIT {
  private static final int SEEDS = Integer.getInteger("keyrotator.seeds", 25);
  private static final int OPS = Integer.getInteger("keyrotator.ops", 12);
  private static final List<String> USERS = List.of("u1", "u2", "u3");

  /**
   * {@code -Dkeyrotator.copyValues=false}: hand-made values only name another user, never copy its
   * key.
   */
  private static final boolean COPY_VALUES =
      !"false".equals(System.getProperty("keyrotator.copyValues"));

  @TestFactory
  Stream<DynamicTest> randomSequencesKeepTheOwnershipProperties() {
    String one = System.getProperty("keyrotator.seed");
    LongStream seeds =
        one != null && !one.isBlank()
            ? LongStream.of(Long.parseLong(one.trim()))
            : LongStream.rangeClosed(1, SEEDS);
    return seeds.mapToObj(
        seed -> DynamicTest.dynamicTest("seed " + seed, () -> new Sequence(seed).run()));
  }

  /** One key as IAM lists it. */
  private record KeyInfo(String user, boolean active) {}

  /**
   * What the invariants compare: every key of the three users, and each secret's AWSCURRENT key.
   */
  private record Snapshot(Map<String, KeyInfo> keys, Map<String, Optional<String>> currentKeys) {
    boolean heldByAnyCurrent(String keyId) {
      return currentKeys.values().stream().anyMatch(k -> k.filter(keyId::equals).isPresent());
    }
  }

  private static final class Sequence {
    private final long seed;
    private final Random random;
    private final List<String> log = new ArrayList<>();
    private final KeyActionRecorder recorder = new KeyActionRecorder();
    private final Set<String> handSecrets = new HashSet<>();
    private final List<String> messages = new ArrayList<>();
    private LocalAws aws;
    private MutableClock clock;
    private Clock handlerClock;
    private Settings settings;
    private RotationHandler handler;
    private AwsClients clients;
    private final Map<String, String> arns = new LinkedHashMap<>();
    private final Map<String, String> userOf = Map.of("A", "u1", "B", "u2");

    /** What the current operation did by hand to which key (exempt from invariant a). */
    private final Set<String> touchedByHand = new HashSet<>();

    /** Errors keyrotator raised that are not refusals. */
    private final List<String> unexpected = new ArrayList<>();

    Sequence(long seed) {
      this.seed = seed;
      this.random = new Random(seed);
    }

    void run() {
      aws = LocalAws.fresh();
      try {
        arrange();
        for (int i = 1; i <= OPS; i++) {
          Snapshot before = snapshot();
          int removalsBefore = recorder.removals.size();
          touchedByHand.clear();
          unexpected.clear();
          String description = operation();
          log.add(i + ". " + description);
          Snapshot after = snapshot();
          check(i, description, before, after, recorder.removalsSince(removalsBefore));
        }
      } finally {
        if (clients != null) {
          clients.close();
        }
        aws.close();
      }
    }

    private void arrange() {
      String policy = List.of("keep", "deactivate").get(random.nextInt(2));
      String limit = List.of("idle", "inactive").get(random.nextInt(2));
      boolean sharedClock = random.nextBoolean();
      settings =
          aws.settings(
              Map.of(Settings.PREVIOUS_KEY_POLICY, policy, Settings.KEY_LIMIT_POLICY, limit));
      clock = new MutableClock(Instant.now());
      // moto stamps real times on keys and versions. The handler either shares the moved clock
      // (its attempt records then postdate every key moto creates after a jump) or runs on real
      // time (consistent with moto; hygiene and doctor see the days pass).
      handlerClock = sharedClock ? clock : Clock.systemUTC();
      log.add(
          "setup: previous-key policy "
              + policy
              + ", key limit policy "
              + limit
              + ", handler clock "
              + (sharedClock ? "the moved clock" : "real time"));
      handler = aws.handler(settings, handlerClock, recorder);
      clients = aws.clients(settings, recorder);
      for (String user : USERS) {
        aws.createManagedUser(user);
      }
      for (String secret : List.of("A", "B")) {
        String user = userOf.get(secret);
        arns.put(secret, aws.createBootstrapSecret("secret-" + secret, user));
        aws.rotate(handler, arns.get(secret));
      }
      log.add("setup: A (u1) and B (u2) rotated once");
    }

    // ---------------------------------------------------------------- operations

    private String operation() {
      int kind = random.nextInt(11);
      return switch (kind) {
        case 0 -> rotate("A", 4, null);
        case 1 -> rotate("B", 4, null);
        case 2 -> rotate(pick(List.of("A", "B")), random.nextInt(4), null);
        case 3 -> crashedRotation();
        case 4 -> createKeyByHand();
        case 5 -> deleteKeyByHand();
        case 6 -> deactivateKeyByHand();
        case 7 -> userTag();
        case 8 -> handMadeValue();
        case 9 -> hygiene();
        default -> doctor();
      };
    }

    /**
     * Runs the first {@code steps} steps of the rotation under way (as Secrets Manager retries it)
     * or of a new one.
     */
    private String rotate(String secret, int steps, RotationHandler with) {
      String arn = arns.get(secret);
      String what =
          (steps == 4
              ? "rotate " + secret + " fully"
              : "rotate " + secret + ", only " + steps + " step(s)");
      Optional<String> stuck = pendingToken(arn);
      String token;
      if (stuck.isPresent()) {
        token = stuck.get();
        what += " (retrying the rotation under way, token " + token + ")";
      } else {
        try {
          token = aws.startRotation(arn);
        } catch (SdkException e) {
          return what + ": RotateSecret refused: " + e.getMessage();
        }
      }
      RotationHandler h = with == null ? handler : with;
      List<RotationStep> all = List.of(RotationStep.values());
      for (int s = 0; s < steps; s++) {
        try {
          LocalAws.runStep(h, all.get(s), arn, token);
        } catch (RotationFailedException e) {
          messages.add(e.getMessage());
          return what + ": " + all.get(s).wireName() + " refused: " + e.getMessage();
        } catch (RuntimeException e) {
          unexpected.add(e.toString());
          messages.add(String.valueOf(e.getMessage()));
          return what + ": " + all.get(s).wireName() + " threw " + e;
        }
      }
      return what + ": done";
    }

    private String crashedRotation() {
      String secret = pick(List.of("A", "B"));
      FaultInjector faults = new FaultInjector();
      int call = 1 + random.nextInt(30);
      FaultInjector.When when =
          random.nextBoolean() ? FaultInjector.When.BEFORE : FaultInjector.When.AFTER;
      RotationHandler crashing = aws.handler(settings, handlerClock, recorder, faults);
      faults.arm(call, when);
      return rotate(secret, 4, crashing)
          .replaceFirst(
              "rotate",
              "rotation crashing at call "
                  + call
                  + " ("
                  + when.name().toLowerCase()
                  + " it takes effect) of");
    }

    private String createKeyByHand() {
      String user = pick(USERS);
      if (aws.keys(user).size() >= 2) {
        return "create a key by hand on " + user + ": skipped, it has 2 keys";
      }
      var key = aws.iam.createAccessKey(r -> r.userName(user)).accessKey();
      handSecrets.add(key.secretAccessKey());
      return "create key " + key.accessKeyId() + " by hand on " + user;
    }

    private String deleteKeyByHand() {
      return changeKeyByHand(
          "delete",
          false,
          key ->
              aws.iam.deleteAccessKey(
                  r -> r.userName(key.userName()).accessKeyId(key.accessKeyId())));
    }

    private String deactivateKeyByHand() {
      return changeKeyByHand(
          "deactivate",
          true,
          key ->
              aws.iam.updateAccessKey(
                  r ->
                      r.userName(key.userName())
                          .accessKeyId(key.accessKeyId())
                          .status(StatusType.INACTIVE)));
    }

    /**
     * Does to a random key (an active one when {@code activeOnly}) what a person might, and
     * remembers it as touched by hand; returns the step as the failure report lists it.
     */
    private String changeKeyByHand(
        String verb, boolean activeOnly, Consumer<AccessKeyMetadata> change) {
      Optional<AccessKeyMetadata> key = randomKey(activeOnly);
      if (key.isEmpty()) {
        return verb + " a key by hand: no " + (activeOnly ? "active key" : "key");
      }
      touchedByHand.add(key.get().accessKeyId());
      change.accept(key.get());
      return verb + " key " + key.get().accessKeyId() + " of " + key.get().userName() + " by hand";
    }

    private String userTag() {
      String user = pick(USERS);
      Map<String, String> tags = new HashMap<>();
      aws.iam.listUserTags(r -> r.userName(user)).tags().forEach(t -> tags.put(t.key(), t.value()));
      if (!tags.isEmpty() && random.nextInt(4) == 0) {
        String key = pick(new ArrayList<>(tags.keySet().stream().sorted().toList()));
        aws.iam.untagUser(r -> r.userName(user).tagKeys(key));
        return "remove user tag " + key + " from " + user;
      }
      String key;
      String value;
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          key = SecretBinding.CLAIM_TAG;
          value =
              pick(
                  List.of(
                      arns.get("A"),
                      arns.get("B"),
                      "arn:aws:secretsmanager:us-east-1:123456789012:secret:junk-AbCdEf",
                      "junk"));
        }
        case 2 -> {
          key = "keyrotator:managed";
          value = "true";
        }
        default -> {
          key = PreviousKeyRetirement.DEACTIVATED_TAG;
          List<AccessKeyMetadata> keys = aws.keys(user);
          String id = keys.isEmpty() ? "AKIAJUNKJUNKJUNKJUNK" : pick(keys).accessKeyId();
          value =
              id
                  + " "
                  + clock.instant().minus(Duration.ofDays(random.nextInt(90))).getEpochSecond();
        }
      }
      aws.iam.tagUser(r -> r.userName(user).tags(Tag.builder().key(key).value(value).build()));
      return "tag user " + user + " " + key + "=" + value;
    }

    private String handMadeValue() {
      String secret = pick(List.of("A", "B"));
      String other = secret.equals("A") ? "B" : "A";
      String value;
      String what;
      int variant = random.nextInt(3);
      switch (COPY_VALUES ? variant : 0) {
        case 0 -> {
          String user = pick(USERS.stream().filter(u -> !u.equals(userOf.get(secret))).toList());
          value = "{\"UserName\":\"" + user + "\"}";
          what = "bootstrap value naming " + user;
        }
        case 1 -> {
          Optional<String> copied = currentJson(arns.get(other));
          if (copied.isEmpty()) {
            return "put "
                + other
                + "'s value into "
                + secret
                + " by hand: "
                + other
                + " has no readable value";
          }
          value = copied.get();
          what =
              "a copy of "
                  + other
                  + "'s AWSCURRENT value ("
                  + currentKey(arns.get(other)).orElse("no key")
                  + ")";
        }
        default -> {
          Optional<String> copied = currentJson(arns.get(other));
          Optional<String> key = currentKey(arns.get(other));
          if (copied.isEmpty() || key.isEmpty()) {
            return "put "
                + other
                + "'s key into "
                + secret
                + " by hand: "
                + other
                + " holds no key";
          }
          ManagedKeySecret parsed = ManagedKeySecret.parse(copied.get(), "copy");
          value =
              "{\"UserName\":\""
                  + parsed.userName()
                  + "\",\"AccessKeyId\":\""
                  + key.get()
                  + "\",\"SecretAccessKey\":\""
                  + parsed.secretAccessKey().orElseThrow()
                  + "\"}";
          what =
              "a hand-written value with "
                  + other
                  + "'s key "
                  + key.get()
                  + " (user "
                  + parsed.userName()
                  + ")";
        }
      }
      aws.secretsManager.putSecretValue(r -> r.secretId(arns.get(secret)).secretString(value));
      return "put by hand into " + secret + ": " + what;
    }

    private String hygiene() {
      Duration by =
          switch (random.nextInt(3)) {
            case 0 -> Duration.ofMinutes(1 + random.nextInt(59));
            case 1 -> Duration.ofHours(1 + random.nextInt(23));
            default -> Duration.ofDays(1 + random.nextInt(60));
          };
      advance(by);
      HygieneSettings hygiene =
          HygieneSettings.from(
              Map.of(
                  FunctionEnvironment.HYGIENE_REPAIR,
                  "true",
                  FunctionEnvironment.HYGIENE_SWITCH_MINUTES,
                  "0"));
      HygieneReport report;
      try {
        report =
            new HygieneRun(
                    clients.secretVersions(),
                    clients.iamKeys(),
                    scope(),
                    hygiene,
                    settings.deleteUnprovenKeys(),
                    clock)
                .run();
      } catch (RuntimeException e) {
        unexpected.add("hygiene run threw " + e);
        messages.add(String.valueOf(e.getMessage()));
        return "clock +" + by + ", hygiene run threw " + e;
      }
      messages.add(report.summary());
      report.notices().forEach(n -> messages.add(n.message()));
      report.skipped().forEach(s -> messages.add(s.reason()));
      report.skipped().stream()
          .filter(s -> !s.reason().startsWith("RotationFailedException"))
          .forEach(s -> unexpected.add("hygiene skipped " + s.secret() + ": " + s.reason()));
      return "clock +"
          + by
          + ", hygiene run (repair on): actions "
          + report.actions().stream()
              .map(a -> a.kind() + " " + a.keyId() + " (" + a.reason() + ")")
              .toList()
          + ", skipped "
          + report.skipped();
    }

    private String doctor() {
      SecretInspector inspector =
          new SecretInspector(
              clients.secretVersions(), clients.iamKeys(), scope(), clock, Duration.ofMinutes(60));
      List<SecretStatus> statuses = inspector.inspectAll();
      statuses.forEach(s -> s.findings().forEach(f -> messages.add(f.message())));
      List<Repair> repairs = SecretInspector.repairs(statuses);
      Repairs repairer = new Repairs(clients.secretVersions(), clients.iamKeys(), inspector);
      List<String> applied = new ArrayList<>();
      for (Repair repair : repairs) {
        try {
          applied.add(repair.describe() + (repairer.apply(repair) ? "" : " (skipped)"));
        } catch (RotationFailedException e) {
          messages.add(e.getMessage());
          applied.add(repair.describe() + " refused: " + e.getMessage());
        } catch (RuntimeException e) {
          unexpected.add("doctor repair threw " + e);
          messages.add(String.valueOf(e.getMessage()));
          applied.add(repair.describe() + " threw " + e);
        }
      }
      return "doctor --fix at clock "
          + clock.instant()
          + ": findings "
          + statuses.stream()
              .flatMap(s -> s.findings().stream().map(f -> s.secretName() + ":" + f.type()))
              .toList()
          + ", repairs "
          + applied;
    }

    // ---------------------------------------------------------------- invariants

    private void check(
        int i,
        String description,
        Snapshot before,
        Snapshot after,
        List<KeyActionRecorder.Action> removals) {
      String as =
          "seed "
              + seed
              + ", op "
              + i
              + ": "
              + description
              + "\n  sequence:\n    "
              + String.join("\n    ", log)
              + "\n  keys before "
              + before
              + "\n  keys after "
              + after
              + "\n  keyrotator removed "
              + removals;
      // (a) a key AWSCURRENT holds stays there and active
      for (Map.Entry<String, Optional<String>> held : before.currentKeys().entrySet()) {
        if (held.getValue().isEmpty()) {
          continue;
        }
        String keyId = held.getValue().get();
        KeyInfo was = before.keys().get(keyId);
        if (was == null
            || !was.active()
            || touchedByHand.contains(keyId)
            || !after.heldByAnyCurrent(keyId)) {
          continue;
        }
        assertThat(after.keys().get(keyId))
            .as(
                "(a) key "
                    + keyId
                    + " held by AWSCURRENT of "
                    + held.getKey()
                    + " is still there and active; "
                    + as)
            .isEqualTo(new KeyInfo(was.user(), true));
      }
      for (KeyActionRecorder.Action removal : removals) {
        assertThat(after.heldByAnyCurrent(removal.keyId()))
            .as(
                "(a) keyrotator did "
                    + removal
                    + " to a key that AWSCURRENT holds "
                    + after.currentKeys()
                    + "; "
                    + as)
            .isFalse();
        // (b) only keys keyrotator created
        assertThat(recorder.createdKeyIds)
            .as("(b) keyrotator did " + removal + " to a key it did not create; " + as)
            .contains(removal.keyId());
      }
      // (c) never more than 2 keys
      for (String user : USERS) {
        assertThat(after.keys().values().stream().filter(k -> k.user().equals(user)).count())
            .as("(c) keys of " + user + "; " + as)
            .isLessThanOrEqualTo(2);
      }
      assertThat(recorder.errorCodes)
          .as("(c) IAM answered keyrotator LimitExceeded; " + as)
          .doesNotContain("LimitExceeded", "LimitExceededException");
      // (d) no secret access key in logs, exception messages or reports
      List<String> secretKeys = new ArrayList<>(handSecrets);
      secretKeys.addAll(recorder.createdSecrets);
      List<String> lines;
      synchronized (aws.logLines) {
        lines = List.copyOf(aws.logLines);
      }
      for (String secretKey : secretKeys) {
        assertThat(lines)
            .as("(d) a log line holds a secret access key; " + as)
            .noneMatch(l -> l.contains(secretKey));
        assertThat(messages)
            .as("(d) a message holds a secret access key; " + as)
            .noneMatch(m -> m != null && m.contains(secretKey));
      }
      // (e) only refusals
      assertThat(unexpected)
          .as("(e) keyrotator failed with something other than a refusal; " + as)
          .isEmpty();
    }

    private Snapshot snapshot() {
      Map<String, KeyInfo> keys = new LinkedHashMap<>();
      for (String user : USERS) {
        for (AccessKeyMetadata k : aws.keys(user)) {
          keys.put(k.accessKeyId(), new KeyInfo(user, k.status() == StatusType.ACTIVE));
        }
      }
      Map<String, Optional<String>> current = new LinkedHashMap<>();
      arns.forEach((name, arn) -> current.put(name, currentKey(arn)));
      return new Snapshot(keys, current);
    }

    // ---------------------------------------------------------------- helpers

    private Optional<String> currentJson(String arn) {
      try {
        return Optional.ofNullable(aws.value(arn, "AWSCURRENT"));
      } catch (SdkException e) {
        return Optional.empty();
      }
    }

    private Optional<String> currentKey(String arn) {
      try {
        return currentJson(arn).flatMap(j -> ManagedKeySecret.parse(j, "AWSCURRENT").accessKeyId());
      } catch (RotationFailedException invalid) {
        return Optional.empty();
      }
    }

    private Optional<String> pendingToken(String arn) {
      return aws.stages(arn).entrySet().stream()
          .filter(e -> e.getValue().contains("AWSPENDING"))
          .map(Map.Entry::getKey)
          .sorted()
          .findFirst();
    }

    private Optional<AccessKeyMetadata> randomKey(boolean activeOnly) {
      List<AccessKeyMetadata> keys = new ArrayList<>();
      for (String user : USERS) {
        aws.keys(user).stream()
            .filter(k -> !activeOnly || k.status() == StatusType.ACTIVE)
            .forEach(keys::add); // IAM lists in creation order: the same choice on replay
      }
      return keys.isEmpty() ? Optional.empty() : Optional.of(pick(keys));
    }

    /** Moves the clock forward, and never behind real time (moto's stamps). */
    private void advance(Duration by) {
      Instant now = Instant.now();
      if (clock.instant().isBefore(now)) {
        clock.advance(Duration.between(clock.instant(), now));
      }
      clock.advance(by);
    }

    private ManagedScope scope() {
      return ManagedScope.of(settings);
    }

    private <T> T pick(List<T> items) {
      return items.get(random.nextInt(items.size()));
    }
  }
}
