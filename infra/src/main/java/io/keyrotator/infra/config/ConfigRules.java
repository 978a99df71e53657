package io.keyrotator.infra.config;

import static io.keyrotator.contract.FunctionSettings.*;

import io.keyrotator.contract.WholeNumberSetting;
import io.keyrotator.infra.config.ConfigJson.EnvironmentJson;
import io.keyrotator.infra.config.ConfigJson.HardeningJson;
import io.keyrotator.infra.config.ConfigJson.HygieneJson;
import io.keyrotator.infra.config.ConfigJson.RotationJson;
import io.keyrotator.infra.config.ConfigJson.ScheduleJson;
import io.keyrotator.infra.config.ConfigJson.TrailJson;
import io.keyrotator.infra.config.ConfigJson.UserJson;
import io.keyrotator.infra.config.ConfigJson.WholeNumber;
import io.keyrotator.infra.config.KeyrotatorConfig.Environment;
import io.keyrotator.infra.config.KeyrotatorConfig.Hardening;
import io.keyrotator.infra.config.KeyrotatorConfig.Hygiene;
import io.keyrotator.infra.config.KeyrotatorConfig.ManagedUser;
import io.keyrotator.infra.config.KeyrotatorConfig.RotationSettings;
import io.keyrotator.infra.config.KeyrotatorConfig.Schedule;
import io.keyrotator.infra.config.KeyrotatorConfig.Trail;
import io.keyrotator.infra.config.KeyrotatorConfig.TrailMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of each section of the configuration, applied to what {@link ConfigReader} bound:
 * formats, ranges (the contract's, for the functions' settings), defaults for what is left out, and
 * the checks across fields (one Region per account, user names unique regardless of case, the
 * deployment role's account). Each problem becomes one line in {@link Problems}; schedules are
 * checked by {@link ScheduleRules}.
 */
final class ConfigRules {
  /** Log retention values CloudWatch Logs accepts that this app offers. */
  static final List<Integer> RETENTION_DAYS = List.of(30, 90, 180, 365, 731, 1827, 3653);

  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,39}");
  // IAM user names: 1-64 of [\w+=,.@-]; the CDK app also uses them in secret names.
  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern IAM_PATH = Pattern.compile("/([\\x21-\\x7E]*/)?");
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Z0-9]{16,128}");
  private static final Pattern PRINCIPAL_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\x21-\\x7E]+");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/[\\x21-\\x7E]+");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern LOG_GROUP = Pattern.compile("[\\w#/.-]{1,512}");

  private final Problems problems;
  private final ScheduleRules schedules;

  ConfigRules(Problems problems) {
    this.problems = problems;
    this.schedules = new ScheduleRules(problems);
  }

  /** The validated configuration, or null if {@code json} is; problems go to {@link Problems}. */
  KeyrotatorConfig apply(ConfigJson json) {
    if (json == null) {
      return null;
    }
    List<Environment> environments = environments(json.environments());
    return new KeyrotatorConfig(
        environments,
        users(json.users()),
        schedule(json.schedule()),
        rotation(json.rotation()),
        emails(json.notificationEmails()),
        trail(json.trail()),
        hardening(json.hardening()),
        logRetentionDays(json.logRetentionDays()),
        hygiene(json.hygiene()),
        principalArns(json.operators(), "operators"),
        deploymentRole(json.deploymentRoleArn(), environments));
  }

  private List<Environment> environments(List<EnvironmentJson> list) {
    List<Environment> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Map<String, String> accounts = new HashMap<>();
    for (Element<EnvironmentJson> element :
        requiredList(
            "environments", list, "a non-empty list of {\"name\", \"account\", \"region\"}")) {
      String field = element.field();
      EnvironmentJson env = element.value();
      String account = env.account();
      if (account != null && !ACCOUNT.matcher(account).matches()) {
        problems.add(field + ".account", "\"" + account + "\" is not a 12-digit AWS account id");
      }
      String region = env.region();
      if (region != null && !REGION.matcher(region).matches()) {
        problems.add(
            field + ".region", "\"" + region + "\" is not an AWS Region such as us-east-1");
      }
      String name =
          env.name() != null || problems.has(field + ".name")
              ? env.name()
              : "keyrotator-" + account + "-" + region;
      if (name != null && !STAGE_NAME.matcher(name).matches()) {
        problems.add(
            field + ".name",
            "\"" + name + "\" must be a letter then letters, digits or -, at most 40");
      }
      if (name != null && !names.add(name)) {
        problems.add(field + ".name", "\"" + name + "\" is used twice");
      }
      if (account == null || region == null) {
        problems.add(field, "account and region are both required");
      } else if (accounts.containsKey(account)) {
        // IAM users are global to an account: two Regions would rotate the same users' keys
        // from two functions, which then fight over the two-key limit.
        problems.add(
            field + ".account",
            account
                + " is already listed ("
                + accounts.get(account)
                + "); IAM users are global to an account, so keyrotator rotates them from one"
                + " Region per account. Keep one environment per account.");
      } else {
        accounts.put(account, field + ", " + region);
      }
      result.add(new Environment(name, account, region));
    }
    return result;
  }

  private List<ManagedUser> users(List<UserJson> list) {
    List<ManagedUser> result = new ArrayList<>();
    // IAM user names are unique regardless of case: "App" and "app" cannot both exist.
    Map<String, Integer> firstIndexByName = new HashMap<>();
    for (Element<UserJson> element :
        requiredList(
            "users",
            list,
            "a non-empty list of {\"name\", \"create\", \"path\", \"readers\", \"adoptKey\"}")) {
      String field = element.field();
      UserJson user = element.value();
      String name = user.name();
      if (name == null) {
        if (!problems.has(field + ".name")) {
          problems.add(field + ".name", "required");
        }
      } else if (!USER_NAME.matcher(name).matches()) {
        problems.add(field + ".name", "\"" + name + "\" is not a valid IAM user name");
      } else if (name.contains(",")) {
        problems.add(
            field + ".name",
            "\""
                + name
                + "\" contains a comma; IAM allows it, but the functions receive the managed users"
                + " as one comma-separated list. Rename the user or leave it out");
      } else {
        Integer first =
            firstIndexByName.putIfAbsent(name.toLowerCase(Locale.ROOT), element.index());
        if (first != null) {
          String other = list.get(first).name();
          problems.add(
              field + ".name",
              other.equals(name)
                  ? "\"" + name + "\" is listed twice (users[" + first + "])"
                  : "\""
                      + name
                      + "\" and users["
                      + first
                      + "].name \""
                      + other
                      + "\" are the same IAM user: IAM user names are unique regardless of case."
                      + " Keep one of them");
        }
      }
      boolean create = Objects.requireNonNullElse(user.create(), false);
      String path =
          Objects.requireNonNullElse(user.path(), create ? KeyrotatorConfig.MANAGED_PATH : "/");
      if (create && !KeyrotatorConfig.MANAGED_PATH.equals(path)) {
        problems.add(
            field + ".path",
            "users the stack creates always live under "
                + KeyrotatorConfig.MANAGED_PATH
                + "; remove \"path\" or set \"create\": false");
      } else if (!IAM_PATH.matcher(path).matches()) {
        problems.add(field + ".path", "\"" + path + "\" must start and end with /");
      }
      List<String> readers =
          principalArns(user.readers(), field + ".readers", ManagedUser.SELF_READER);
      result.add(
          new ManagedUser(
              name, create, path, readers, adoptKey(user.adoptKey(), create, field + ".adoptKey")));
    }
    int joinedLength =
        result.stream().mapToInt(u -> u.name() == null ? 0 : u.name().length() + 1).sum() - 1;
    if (joinedLength > KeyrotatorConfig.MAX_MANAGED_USER_NAMES_LENGTH) {
      problems.add(
          "users",
          "the "
              + result.size()
              + " names come to "
              + joinedLength
              + " characters joined with commas, more than "
              + KeyrotatorConfig.MAX_MANAGED_USER_NAMES_LENGTH
              + ": the functions receive them in one environment variable (Lambda allows 4 KB for"
              + " all variables). Split the users over several deployments");
    }
    return result;
  }

  /**
   * The id of an existing key of the user for its secret to adopt: an access key id (16 to 128
   * upper-case letters and digits, as IAM makes them), for a user the stack does not create.
   */
  private Optional<String> adoptKey(String keyId, boolean create, String field) {
    if (keyId == null) {
      return Optional.empty();
    }
    if (create) {
      problems.add(
          field,
          "a user the stack creates has no existing key to adopt; remove \"adoptKey\" or set"
              + " \"create\": false");
    } else if (!ACCESS_KEY_ID.matcher(keyId).matches()) {
      problems.add(
          field,
          "\""
              + keyId
              + "\" is not an access key id (16 to 128 upper-case letters and digits, e.g."
              + " AKIAIOSFODNN7EXAMPLE)");
    }
    return Optional.of(keyId);
  }

  /**
   * A list of IAM role or user ARNs, e.g. {@code readers} or {@code operators}; empty if absent.
   *
   * @param alsoAllowed words accepted besides ARNs, e.g. {@code "self"} in {@code readers}
   */
  private List<String> principalArns(List<String> arns, String field, String... alsoAllowed) {
    if (arns == null) {
      return List.of();
    }
    List<String> words = List.of(alsoAllowed);
    for (int i = 0; i < arns.size(); i++) {
      String arn = arns.get(i);
      if (arn != null && !words.contains(arn) && !PRINCIPAL_ARN.matcher(arn).matches()) {
        problems.add(field + "[" + i + "]", "\"" + arn + "\" is not an IAM role or user ARN");
      }
    }
    return arns.stream().filter(Objects::nonNull).toList();
  }

  /**
   * The deployment role, if given: a role ARN in the account of every environment (CloudFormation
   * runs as a role of the account it deploys to).
   */
  private Optional<String> deploymentRole(String arn, List<Environment> environments) {
    if (arn == null) {
      return Optional.empty();
    }
    var role = ROLE_ARN.matcher(arn);
    if (!role.matches()) {
      problems.add("deploymentRoleArn", "\"" + arn + "\" is not an IAM role ARN");
      return Optional.of(arn);
    }
    for (int i = 0; i < environments.size(); i++) {
      String account = environments.get(i).account();
      if (account != null && !account.equals(role.group(1))) {
        problems.add(
            "deploymentRoleArn",
            "the role is in account "
                + role.group(1)
                + " but environments["
                + i
                + "] deploys to "
                + account
                + "; CloudFormation deploys with a role of the target account. Leave"
                + " deploymentRoleArn out to use each account's CDK bootstrap role, or deploy"
                + " that account from its own configuration");
      }
    }
    return Optional.of(arn);
  }

  private Schedule schedule(ScheduleJson json) {
    if (json == null) {
      return new Schedule(KeyrotatorConfig.DEFAULT_ROTATION_SCHEDULE, Optional.empty());
    }
    String expression =
        json.expression() != null || problems.has("schedule.expression")
            ? json.expression()
            : KeyrotatorConfig.DEFAULT_ROTATION_SCHEDULE;
    schedules.rotation(expression, json.window());
    return new Schedule(expression, Optional.ofNullable(json.window()));
  }

  private RotationSettings rotation(RotationJson json) {
    RotationSettings d = RotationSettings.defaults();
    if (json == null) {
      return d;
    }
    return new RotationSettings(
        Objects.requireNonNullElse(json.previousKeyPolicy(), d.previousKeyPolicy()),
        Objects.requireNonNullElse(json.keyLimitPolicy(), d.keyLimitPolicy()),
        whole(json.idleDays(), "rotation.idleDays", IDLE),
        Objects.requireNonNullElse(json.deleteUnprovenKeys(), d.deleteUnprovenKeys()),
        whole(json.propagationSuccesses(), "rotation.propagationSuccesses", PROPAGATION_CHECKS),
        whole(
            json.propagationTimeoutSeconds(),
            "rotation.propagationTimeoutSeconds",
            PROPAGATION_TIMEOUT),
        whole(
            json.propagationIntervalMillis(),
            "rotation.propagationIntervalMillis",
            PROPAGATION_INTERVAL));
  }

  private List<String> emails(List<String> emails) {
    if (emails == null) {
      return List.of();
    }
    for (int i = 0; i < emails.size(); i++) {
      String email = emails.get(i);
      if (email != null && !EMAIL.matcher(email).matches()) {
        problems.add("notificationEmails[" + i + "]", "\"" + email + "\" is not an e-mail address");
      }
    }
    return emails.stream().filter(Objects::nonNull).toList();
  }

  private Trail trail(TrailJson json) {
    if (json == null) {
      return new Trail(TrailMode.NONE, Optional.empty());
    }
    TrailMode mode =
        json.mode() != null || problems.has("trail.mode") ? json.mode() : TrailMode.NONE;
    String logGroup = json.logGroupName();
    if (mode == TrailMode.EXISTING_LOG_GROUP && logGroup == null) {
      problems.add(
          "trail.logGroupName",
          "required when trail.mode is existingLogGroup (the log group your organization or"
              + " account trail delivers to in this Region)");
    } else if (logGroup != null && mode != TrailMode.EXISTING_LOG_GROUP) {
      problems.add("trail.logGroupName", "only used with trail.mode existingLogGroup");
    } else if (logGroup != null && !LOG_GROUP.matcher(logGroup).matches()) {
      problems.add("trail.logGroupName", "\"" + logGroup + "\" is not a log group name");
    }
    return new Trail(mode, Optional.ofNullable(logGroup));
  }

  private Hardening hardening(HardeningJson json) {
    if (json == null) {
      return new Hardening(false, Optional.empty());
    }
    String group = json.mfaGroupName();
    if (group != null && !USER_NAME.matcher(group).matches()) {
      problems.add("hardening.mfaGroupName", "\"" + group + "\" is not a valid IAM group name");
    }
    return new Hardening(
        Objects.requireNonNullElse(json.passwordPolicy(), false), Optional.ofNullable(group));
  }

  private int logRetentionDays(WholeNumber days) {
    if (days == null) {
      return KeyrotatorConfig.DEFAULT_LOG_RETENTION_DAYS;
    }
    for (int allowed : RETENTION_DAYS) {
      if (days.within(allowed, allowed)) {
        return allowed;
      }
    }
    problems.add("logRetentionDays", days.found() + " is not one of " + RETENTION_DAYS);
    return KeyrotatorConfig.DEFAULT_LOG_RETENTION_DAYS;
  }

  private Hygiene hygiene(HygieneJson json) {
    Hygiene d = Hygiene.defaults();
    if (json == null) {
      return d;
    }
    String schedule =
        json.schedule() != null || problems.has("hygiene.schedule")
            ? json.schedule()
            : d.schedule();
    schedules.hygiene(schedule);
    int grace = whole(json.graceDays(), "hygiene.graceDays", GRACE);
    int hardLimit = whole(json.hardLimitDays(), "hygiene.hardLimitDays", HARD_LIMIT);
    if (hardLimit != 0 && hardLimit <= grace) {
      problems.add(
          "hygiene.hardLimitDays",
          hardLimit
              + " must be longer than hygiene.graceDays ("
              + grace
              + "), or 0 to turn the hard limit off");
    }
    return new Hygiene(
        Objects.requireNonNullElse(json.enabled(), d.enabled()),
        schedule,
        grace,
        hardLimit,
        whole(json.deleteAfterDays(), "hygiene.deleteAfterDays", DELETE_AFTER),
        whole(json.stuckAfterHours(), "hygiene.stuckAfterHours", STUCK_AFTER),
        Objects.requireNonNullElse(json.repair(), d.repair()),
        Objects.requireNonNullElse(json.dryRun(), d.dryRun()),
        whole(json.auditMaxKeyAgeDays(), "hygiene.auditMaxKeyAgeDays", MAX_KEY_AGE),
        whole(json.auditUnusedDays(), "hygiene.auditUnusedDays", UNUSED));
  }

  /**
   * The value if it is a whole number within the contract's range, else its default (and a
   * problem).
   */
  private int whole(WholeNumber value, String field, WholeNumberSetting setting) {
    if (value == null) {
      return setting.defaultValue();
    }
    if (!value.within(setting.min(), setting.max())) {
      problems.add(field, setting.expectation() + ", found " + value.found());
      return setting.defaultValue();
    }
    return value.found().asInt();
  }

  /** An element of a configuration list, with its index and its path ({@code users[2]}). */
  private record Element<T>(int index, String field, T value) {}

  /**
   * The non-null elements of the required list {@code field} (a null element has nothing to check);
   * a missing or empty list is reported as "expected " + {@code expected} and gives none.
   */
  private <T> List<Element<T>> requiredList(String field, List<T> list, String expected) {
    List<Element<T>> elements = new ArrayList<>();
    if (list == null || list.isEmpty()) {
      if (!problems.has(field)) {
        problems.add(field, "expected " + expected);
      }
      return elements;
    }
    for (int i = 0; i < list.size(); i++) {
      if (list.get(i) != null) {
        elements.add(new Element<>(i, field + "[" + i + "]", list.get(i)));
      }
    }
    return elements;
  }
}
