package io.keyrotator.cli;

import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyProbe;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.ManagedScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.Filter;
import software.amazon.awssdk.services.secretsmanager.model.FilterNameStringType;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Plans and applies the adoption of one IAM user's existing keys (docs/deploy.md, "Existing users
 * and keys"): opt the user in (move it under the managed path when asked and not yet covered),
 * create or update its secret with the operator's statement {@value
 * ManagedKeySecret#ADOPT_STATEMENT} naming the keys to take over (with the secret access key of the
 * one handed over, if any), and set the rotation schedule when a function is given. The statement
 * is the operator's; the next rotation seals it, and only then does keyrotator act on those keys.
 *
 * @param iamKeys reads the user and its keys
 * @param iam moves the user under the managed path when asked
 * @param secretsManager creates or updates the secret
 * @param scope which users keyrotator manages
 * @param managedPath the path a user is moved under ({@code --move-to-managed-path})
 * @param schedule the rotation schedule to set, if any
 * @param probe proves a handed-over key with STS before anything is written
 */
record Adoption(
    IamKeys iamKeys,
    IamClient iam,
    SecretsManagerClient secretsManager,
    ManagedScope scope,
    String managedPath,
    Schedule schedule,
    KeyProbe probe) {
  /** What the operator asked for one user. */
  record Request(
      String userName,
      List<String> keyIds,
      Optional<String> secretAccessKey,
      String secretName,
      boolean moveToManagedPath) {}

  /** One of the user's keys as the plan shows it. */
  record KeyLine(AccessKey key, KeyUsage usage, boolean named) {
    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("accessKeyId", key.id());
      json.put("status", key.active() ? "Active" : "Inactive");
      json.put("created", key.createDate().toString());
      json.put("lastUsed", usage.lastUsed().map(Object::toString).orElse(null));
      json.put("adopt", named);
      return json;
    }
  }

  /**
   * The plan for one user, and after {@code --apply} its outcome.
   *
   * @param outcome PLANNED, ADOPTED, SKIPPED or FAILED
   * @param steps what it does (or did), in order
   * @param reason why it was skipped or failed; empty otherwise
   */
  record Plan(
      String userName,
      String secretName,
      List<KeyLine> keys,
      List<String> steps,
      String outcome,
      Optional<String> reason) {
    Plan withOutcome(String outcome, Optional<String> reason) {
      return new Plan(userName, secretName, keys, steps, outcome, reason);
    }

    Map<String, Object> json() {
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("user", userName);
      json.put("secret", secretName);
      json.put("outcome", outcome);
      json.put("reason", reason.orElse(null));
      json.put("steps", steps);
      json.put("keys", keys.stream().map(KeyLine::json).toList());
      return json;
    }
  }

  /** Where and how the secret is rotated, when a rotation function is given. */
  record Schedule(Optional<String> rotationFunction, int days) {}

  /** What adopting the user would do, or why it is skipped; reads only. */
  Plan plan(Request request) {
    Optional<IamUser> found = iamKeys.findUser(request.userName());
    if (found.isEmpty()) {
      return skipped(request, List.of(), "IAM user " + request.userName() + " does not exist");
    }
    IamUser user = found.get();
    List<AccessKey> keys = iamKeys.listKeys(user.name());
    List<String> named =
        request.keyIds().isEmpty() ? keys.stream().map(AccessKey::id).toList() : request.keyIds();
    List<KeyLine> lines =
        keys.stream()
            .map(k -> new KeyLine(k, iamKeys.lastUsed(k.id()), named.contains(k.id())))
            .toList();
    for (String id : named) {
      if (keys.stream().noneMatch(k -> k.id().equals(id))) {
        return skipped(
            request, lines, "user " + user.name() + " has no access key " + KeyIds.shorten(id));
      }
    }
    if (keys.size() >= 2 && named.size() < keys.size()) {
      return skipped(
          request,
          lines,
          "user "
              + user.name()
              + " has 2 keys and only "
              + named.stream().map(KeyIds::shorten).toList()
              + " is named: the first rotation needs a free slot and keyrotator never touches a key"
              + " nobody named. Name both (the unused one is retired) or delete one by hand");
    }
    if (!SECRET_NAME.matcher(request.secretName()).matches()) {
      return skipped(
          request,
          lines,
          "a secret may not be named "
              + request.secretName()
              + " (Secrets Manager allows letters, digits and /_+=.@-): adopt this user alone with"
              + " a name of your choosing: `keyrotator adopt --user '"
              + user.name()
              + "' --secret-name keyrotator/<name>`");
    }
    Optional<String> otherSecret = otherSecretServing(user, request.secretName());
    if (otherSecret.isPresent()) {
      return skipped(
          request,
          lines,
          "secret "
              + otherSecret.get()
              + " already serves user "
              + user.name()
              + " (tag "
              + SecretVersions.USER_TAG
              + "): a user is served by one secret; nothing to adopt");
    }
    Optional<String> current = currentValue(request.secretName());
    if (current
        .map(v -> ManagedKeySecret.parse(v, "AWSCURRENT of " + request.secretName()))
        .filter(ManagedKeySecret::writtenByRotation)
        .isPresent()) {
      return skipped(
          request, lines, "secret " + request.secretName() + " is already managed by keyrotator");
    }
    List<String> steps = new ArrayList<>();
    if (movesPath(request, user)) {
      steps.add("move the user from path " + user.path() + " to " + managedPath);
    }
    String adopting =
        named.isEmpty()
            ? "no existing key"
            : "adopting " + String.join(", ", named.stream().map(KeyIds::shorten).toList());
    String value =
        request.secretAccessKey().isPresent()
            ? "key " + KeyIds.shorten(named.get(0)) + " handed over with its secret"
            : "bootstrap value";
    steps.add(
        (current.isPresent() ? "update" : "create")
            + " secret "
            + request.secretName()
            + " ("
            + value
            + ", "
            + adopting
            + ")");
    schedule
        .rotationFunction()
        .ifPresent(f -> steps.add("rotate every " + schedule.days() + " days with " + f));
    if (!scope.covers(user) && !movesPath(request, user)) {
      steps.add(
          "then the deployment must manage the user: CDK users[] {\"name\": \""
              + user.name()
              + "\", \"path\": \""
              + user.path()
              + "\"}, or KEYROTATOR_MANAGED_USERS");
    }
    return new Plan(user.name(), request.secretName(), lines, steps, "PLANNED", Optional.empty());
  }

  /** Applies a plan made by {@link #plan}: its outcome is ADOPTED, or FAILED with the reason. */
  Plan apply(Request request, Plan plan) {
    if (!plan.outcome().equals("PLANNED")) {
      return plan;
    }
    try {
      IamUser user = iamKeys.findUser(request.userName()).orElseThrow();
      List<String> named =
          plan.keys().stream().filter(KeyLine::named).map(k -> k.key().id()).toList();
      // With a secret access key the operator names exactly one key: the one handed over.
      Optional<NewAccessKey> handedOver =
          request
              .secretAccessKey()
              .flatMap(
                  secret ->
                      plan.keys().stream()
                          .map(KeyLine::key)
                          .filter(k -> k.id().equals(named.get(0)))
                          .findFirst()
                          .map(k -> new NewAccessKey(k.id(), secret, k.createDate())));
      // A secret access key mistyped or copied from the wrong place would reach every consumer
      // reading the secret: prove it works, as this user, before anything is written.
      handedOver.ifPresent(key -> requireWorks(key, user));
      if (movesPath(request, user)) {
        iam.updateUser(r -> r.userName(user.name()).newPath(managedPath));
      }
      String value = ManagedKeySecret.adopting(user.name(), handedOver, named).toJson();
      Tag userTag = Tag.builder().key(SecretVersions.USER_TAG).value(user.name()).build();
      if (currentValue(request.secretName()).isPresent() || secretExists(request.secretName())) {
        secretsManager.tagResource(r -> r.secretId(request.secretName()).tags(userTag));
        secretsManager.putSecretValue(r -> r.secretId(request.secretName()).secretString(value));
      } else {
        secretsManager.createSecret(
            r ->
                r.name(request.secretName())
                    .description(
                        "Access key of IAM user " + user.name() + ", rotated by keyrotator")
                    .secretString(value)
                    .tags(userTag));
      }
      schedule
          .rotationFunction()
          .ifPresent(
              function ->
                  secretsManager.rotateSecret(
                      r ->
                          r.secretId(request.secretName())
                              .rotationLambdaARN(function)
                              .rotationRules(
                                  rules -> rules.automaticallyAfterDays((long) schedule.days()))
                              .rotateImmediately(false)));
      return plan.withOutcome("ADOPTED", Optional.empty());
    } catch (RuntimeException e) {
      return plan.withOutcome(
          "FAILED",
          Optional.of(ErrorHandler.describe(e).message().replaceAll("\\s*\\R\\s*", " ").strip()));
    }
  }

  private void requireWorks(NewAccessKey key, IamUser user) {
    KeyProbe.CallerIdentity identity;
    try {
      identity = probe.callerIdentity(key.id(), key.secret());
    } catch (KeyProbe.KeyRejectedException e) {
      throw new CliException(
          1,
          "AWS refused the key handed over for "
              + KeyIds.shorten(key.id())
              + " ("
              + e.getMessage()
              + "): check the secret access key (the consumer's copy) and run again; nothing was"
              + " written");
    }
    if (!user.id().equals(identity.userId())) {
      throw new CliException(
          1,
          "the key handed over for "
              + KeyIds.shorten(key.id())
              + " authenticates as "
              + identity.arn()
              + ", not as IAM user "
              + user.name()
              + "; nothing was written");
    }
  }

  /** The characters Secrets Manager allows in a secret name (CreateSecret, Name). */
  private static final java.util.regex.Pattern SECRET_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

  /** Another secret tagged as serving the user (IAM user names are unique regardless of case). */
  private Optional<String> otherSecretServing(IamUser user, String secretName) {
    return secretsManager
        .listSecretsPaginator(
            r ->
                r.filters(
                    Filter.builder()
                        .key(FilterNameStringType.TAG_KEY)
                        .values(SecretVersions.USER_TAG)
                        .build()))
        .stream()
        .flatMap(page -> page.secretList().stream())
        .filter(s -> !s.name().equals(secretName))
        .filter(
            s ->
                s.tags().stream()
                    .anyMatch(
                        t ->
                            t.key().equals(SecretVersions.USER_TAG)
                                && t.value().equalsIgnoreCase(user.name())))
        .map(SecretListEntry::name)
        .findFirst();
  }

  private boolean movesPath(Request request, IamUser user) {
    return request.moveToManagedPath() && !managedPath.isEmpty() && !scope.covers(user);
  }

  private Plan skipped(Request request, List<KeyLine> keys, String reason) {
    return new Plan(
        request.userName(), request.secretName(), keys, List.of(), "SKIPPED", Optional.of(reason));
  }

  private Optional<String> currentValue(String secretName) {
    try {
      return Optional.ofNullable(
          secretsManager.getSecretValue(r -> r.secretId(secretName)).secretString());
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    }
  }

  private boolean secretExists(String secretName) {
    try {
      secretsManager.describeSecret(r -> r.secretId(secretName));
      return true;
    } catch (ResourceNotFoundException e) {
      return false;
    }
  }
}
