package io.keyrotator.infra.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.keyrotator.infra.config.KeyrotatorConfig.Environment;
import io.keyrotator.infra.config.KeyrotatorConfig.Hardening;
import io.keyrotator.infra.config.KeyrotatorConfig.HygieneSettings;
import io.keyrotator.infra.config.KeyrotatorConfig.ManagedUser;
import io.keyrotator.infra.config.KeyrotatorConfig.RotationSettings;
import io.keyrotator.infra.config.KeyrotatorConfig.Schedule;
import io.keyrotator.infra.config.KeyrotatorConfig.Trail;
import io.keyrotator.infra.config.KeyrotatorConfig.TrailMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and validates the keyrotator configuration. Every problem found is reported at once, each
 * naming its field (e.g. {@code users[1].name}), so one synth shows everything to fix.
 *
 * <p>Defaults: schedule {@code rate(30 days)} with no window; previousKeyPolicy {@code keep};
 * keyLimitPolicy {@code idle}; idleDays 7; deleteUnprovenKeys false; propagationSuccesses 3;
 * propagationTimeoutSeconds 60; propagationIntervalMillis 1000; no e-mail; trail mode {@code none};
 * no hardening; logRetentionDays 365; hygiene enabled, schedule {@code cron(0 6 * * ? *)},
 * graceDays 7, hardLimitDays 0 (off), deleteAfterDays 30, stuckAfterHours 24, repair false, dryRun
 * false, auditMaxKeyAgeDays 90, auditUnusedDays 45; no operators; deploymentRoleArn unset (the CDK
 * bootstrap's CloudFormation execution role). {@code environments} and {@code users} have no
 * default.
 */
public final class ConfigLoader {
  /** Log retention values CloudWatch Logs accepts that this app offers. */
  public static final Set<Integer> RETENTION_DAYS = Set.of(30, 90, 180, 365, 731, 1827, 3653);

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d");
  private static final Pattern STAGE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{0,39}");
  // IAM user names: 1-64 of [\w+=,.@-]; the CDK app also uses them in secret names.
  private static final Pattern USER_NAME = Pattern.compile("[\\w+=,.@-]{1,64}");
  private static final Pattern IAM_PATH = Pattern.compile("/([\\x21-\\x7E]*/)?");
  private static final Pattern PRINCIPAL_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::\\d{12}:(role|user)/[\\x21-\\x7E]+");
  private static final Pattern ROLE_ARN =
      Pattern.compile("arn:aws[a-z-]*:iam::(\\d{12}):role/[\\x21-\\x7E]+");
  private static final Pattern RATE = Pattern.compile("rate\\((\\d+) (hour|hours|day|days)\\)");
  private static final Pattern CRON = Pattern.compile("cron\\(\\S+( \\S+){5}\\)");
  // EventBridge schedule rules: rate(1 minute|hour|day) or, for N >= 2, rate(N minutes|hours|days).
  private static final Pattern EVENTS_RATE =
      Pattern.compile("rate\\((1 (minute|hour|day)|([2-9]|[1-9]\\d+) (minutes|hours|days))\\)");
  private static final Pattern WINDOW = Pattern.compile("(\\d{1,2})h");
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Pattern LOG_GROUP = Pattern.compile("[\\w#/.-]{1,512}");

  private final List<String> problems = new ArrayList<>();

  private ConfigLoader() {}

  /**
   * Loads the configuration from a CDK context value (an object from cdk.json, or a JSON string
   * from {@code -c keyrotator=...}).
   *
   * @throws InvalidConfigException naming every bad field
   */
  public static KeyrotatorConfig fromContext(Object contextValue) {
    if (contextValue == null) {
      throw new InvalidConfigException(
          List.of(
              "keyrotator: missing. Add a \"keyrotator\" object to the context in cdk.json, or"
                  + " name a JSON file with -c keyrotator:configFile=PATH"));
    }
    JsonNode root;
    try {
      root =
          contextValue instanceof String text
              ? MAPPER.readTree(text)
              : MAPPER.valueToTree(contextValue);
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidConfigException(List.of("keyrotator: not valid JSON: " + e.getMessage()));
    }
    return fromJson(root);
  }

  /** Loads the configuration from a JSON file. */
  public static KeyrotatorConfig fromFile(Path file) {
    try {
      return fromJson(MAPPER.readTree(Files.readString(file)));
    } catch (IOException e) {
      throw new InvalidConfigException(
          List.of("keyrotator:configFile: cannot read " + file + ": " + e.getMessage()));
    }
  }

  /** Validates an already parsed configuration. */
  public static KeyrotatorConfig fromJson(JsonNode root) {
    return new ConfigLoader().parse(root);
  }

  private KeyrotatorConfig parse(JsonNode root) {
    if (root == null || !root.isObject()) {
      throw new InvalidConfigException(List.of("keyrotator: expected a JSON object"));
    }
    allowOnly(
        root,
        "",
        "environments",
        "users",
        "schedule",
        "rotation",
        "notificationEmails",
        "trail",
        "hardening",
        "logRetentionDays",
        "hygiene",
        "operators",
        "deploymentRoleArn");
    List<Environment> environments = environments(root.path("environments"));
    List<ManagedUser> users = users(root.path("users"));
    Schedule schedule = schedule(root.path("schedule"));
    RotationSettings rotation = rotation(root.path("rotation"));
    List<String> emails = emails(root.path("notificationEmails"));
    Trail trail = trail(root.path("trail"));
    Hardening hardening = hardening(root.path("hardening"));
    HygieneSettings hygiene = hygiene(root.path("hygiene"));
    List<String> operators = principalArns(root.path("operators"), "operators");
    Optional<String> deploymentRole = deploymentRole(root, environments);
    int retention = integer(root, "logRetentionDays", "logRetentionDays", 365, 1, 3653);
    if (!RETENTION_DAYS.contains(retention)) {
      problems.add("logRetentionDays: " + retention + " is not one of " + sorted(RETENTION_DAYS));
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(problems);
    }
    return new KeyrotatorConfig(
        environments,
        users,
        schedule,
        rotation,
        emails,
        trail,
        hardening,
        retention,
        hygiene,
        operators,
        deploymentRole);
  }

  private List<Environment> environments(JsonNode node) {
    List<Environment> result = new ArrayList<>();
    if (!node.isArray() || node.isEmpty()) {
      problems.add(
          "environments: expected a non-empty list of {\"name\", \"account\", \"region\"}");
      return result;
    }
    Set<String> names = new HashSet<>();
    Map<String, String> accounts = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String field = "environments[" + i + "]";
      JsonNode env = node.get(i);
      if (!env.isObject()) {
        problems.add(field + ": expected an object");
        continue;
      }
      allowOnly(env, field + ".", "name", "account", "region");
      String account = text(env, "account", field + ".account", null);
      if (account != null && !ACCOUNT.matcher(account).matches()) {
        problems.add(field + ".account: \"" + account + "\" is not a 12-digit AWS account id");
      }
      String region = text(env, "region", field + ".region", null);
      if (region != null && !REGION.matcher(region).matches()) {
        problems.add(field + ".region: \"" + region + "\" is not an AWS Region such as us-east-1");
      }
      String name = text(env, "name", field + ".name", "keyrotator-" + account + "-" + region);
      if (name != null && !STAGE_NAME.matcher(name).matches()) {
        problems.add(
            field
                + ".name: \""
                + name
                + "\" must be a letter then letters, digits or -, at most 40");
      }
      if (name != null && !names.add(name)) {
        problems.add(field + ".name: \"" + name + "\" is used twice");
      }
      if (account == null || region == null) {
        problems.add(field + ": account and region are both required");
      } else if (accounts.containsKey(account)) {
        // IAM users are global to an account: two Regions would rotate the same users' keys
        // from two functions, which then fight over the two-key limit.
        problems.add(
            field
                + ".account: "
                + account
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

  private List<ManagedUser> users(JsonNode node) {
    List<ManagedUser> result = new ArrayList<>();
    if (!node.isArray() || node.isEmpty()) {
      problems.add(
          "users: expected a non-empty list of {\"name\", \"create\", \"path\", \"readers\"}");
      return result;
    }
    // IAM user names are unique regardless of case: "App" and "app" cannot both exist.
    Map<String, Integer> firstIndexByName = new HashMap<>();
    for (int i = 0; i < node.size(); i++) {
      String field = "users[" + i + "]";
      JsonNode user = node.get(i);
      if (!user.isObject()) {
        problems.add(field + ": expected an object");
        continue;
      }
      allowOnly(user, field + ".", "name", "create", "path", "readers");
      String name = text(user, "name", field + ".name", null);
      if (name == null) {
        problems.add(field + ".name: required");
      } else if (!USER_NAME.matcher(name).matches()) {
        problems.add(field + ".name: \"" + name + "\" is not a valid IAM user name");
      } else if (name.contains(",")) {
        problems.add(
            field
                + ".name: \""
                + name
                + "\" contains a comma; IAM allows it, but the functions receive the managed users"
                + " as one comma-separated list. Rename the user or leave it out");
      } else {
        Integer first = firstIndexByName.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
        if (first != null) {
          String other = node.get(first).path("name").asText();
          problems.add(
              other.equals(name)
                  ? field + ".name: \"" + name + "\" is listed twice (users[" + first + "])"
                  : field
                      + ".name: \""
                      + name
                      + "\" and users["
                      + first
                      + "].name \""
                      + other
                      + "\" are the same IAM user: IAM user names are unique regardless of case."
                      + " Keep one of them");
        }
      }
      boolean create = bool(user, "create", field + ".create", false);
      String path =
          text(user, "path", field + ".path", create ? KeyrotatorConfig.MANAGED_PATH : "/");
      if (create && !KeyrotatorConfig.MANAGED_PATH.equals(path)) {
        problems.add(
            field
                + ".path: users the stack creates always live under "
                + KeyrotatorConfig.MANAGED_PATH
                + "; remove \"path\" or set \"create\": false");
      } else if (path != null && !IAM_PATH.matcher(path).matches()) {
        problems.add(field + ".path: \"" + path + "\" must start and end with /");
      }
      List<String> readers = principalArns(user.path("readers"), field + ".readers");
      result.add(new ManagedUser(name, create, path, readers));
    }
    int joinedLength =
        result.stream().mapToInt(u -> u.name() == null ? 0 : u.name().length() + 1).sum() - 1;
    if (joinedLength > KeyrotatorConfig.MAX_MANAGED_USER_NAMES_LENGTH) {
      problems.add(
          "users: the "
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
   * A list of IAM role or user ARNs, e.g. {@code readers} or {@code operators}; empty if absent.
   */
  private List<String> principalArns(JsonNode node, String field) {
    List<String> result = new ArrayList<>();
    if (node.isMissingNode()) {
      return result;
    }
    if (!node.isArray()) {
      problems.add(field + ": expected a list of IAM role or user ARNs");
      return result;
    }
    for (int r = 0; r < node.size(); r++) {
      String arn = node.get(r).asText();
      if (!node.get(r).isTextual() || !PRINCIPAL_ARN.matcher(arn).matches()) {
        problems.add(field + "[" + r + "]: \"" + arn + "\" is not an IAM role or user ARN");
      }
      result.add(arn);
    }
    return List.copyOf(result);
  }

  /**
   * The deployment role, if given: a role ARN in the account of every environment (CloudFormation
   * runs as a role of the account it deploys to).
   */
  private Optional<String> deploymentRole(JsonNode root, List<Environment> environments) {
    String arn = text(root, "deploymentRoleArn", "deploymentRoleArn", null);
    if (arn == null) {
      return Optional.empty();
    }
    var role = ROLE_ARN.matcher(arn);
    if (!role.matches()) {
      problems.add("deploymentRoleArn: \"" + arn + "\" is not an IAM role ARN");
      return Optional.of(arn);
    }
    for (int i = 0; i < environments.size(); i++) {
      String account = environments.get(i).account();
      if (account != null && !account.equals(role.group(1))) {
        problems.add(
            "deploymentRoleArn: the role is in account "
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

  private Schedule schedule(JsonNode node) {
    if (node.isMissingNode()) {
      return new Schedule("rate(30 days)", Optional.empty());
    }
    if (!node.isObject()) {
      problems.add("schedule: expected an object {\"expression\", \"window\"}");
      return null;
    }
    allowOnly(node, "schedule.", "expression", "window");
    String expression = text(node, "expression", "schedule.expression", "rate(30 days)");
    if (expression != null) {
      var rate = RATE.matcher(expression);
      if (rate.matches()) {
        long n = Long.parseLong(rate.group(1));
        boolean hours = rate.group(2).startsWith("hour");
        if (hours ? n < 4 || n > 23 : n < 1 || n > 1000) {
          problems.add(
              "schedule.expression: \""
                  + expression
                  + "\": Secrets Manager rotates between every 4 hours and every 1000 days"
                  + " (rate(4 hours) .. rate(23 hours), rate(1 day) .. rate(1000 days))");
        }
      } else if (!CRON.matcher(expression).matches()) {
        problems.add(
            "schedule.expression: \""
                + expression
                + "\" is neither rate(N days|hours) nor a six-field cron(...) expression");
      }
    }
    String window = text(node, "window", "schedule.window", null);
    if (window != null) {
      var m = WINDOW.matcher(window);
      if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(1)) > 24) {
        problems.add("schedule.window: \"" + window + "\" must be 1h .. 24h, e.g. 3h");
      }
    }
    return new Schedule(expression, Optional.ofNullable(window));
  }

  private RotationSettings rotation(JsonNode node) {
    if (!node.isMissingNode() && !node.isObject()) {
      problems.add("rotation: expected an object");
      node = MissingNode.getInstance();
    }
    if (node.isObject()) {
      allowOnly(
          node,
          "rotation.",
          "previousKeyPolicy",
          "keyLimitPolicy",
          "idleDays",
          "deleteUnprovenKeys",
          "propagationSuccesses",
          "propagationTimeoutSeconds",
          "propagationIntervalMillis");
    }
    String previous =
        oneOf(
            node,
            "previousKeyPolicy",
            "rotation.previousKeyPolicy",
            "keep",
            "keep",
            "deactivate",
            "delete");
    String limit =
        oneOf(
            node, "keyLimitPolicy", "rotation.keyLimitPolicy", "idle", "inactive", "idle", "never");
    int idleDays = integer(node, "idleDays", "rotation.idleDays", 7, 0, 3650);
    boolean deleteUnproven = bool(node, "deleteUnprovenKeys", "rotation.deleteUnprovenKeys", false);
    int successes =
        integer(node, "propagationSuccesses", "rotation.propagationSuccesses", 3, 1, 20);
    // The function must finish within Lambda's 15 minutes: timeout = wait + 60 s of headroom.
    int timeout =
        integer(
            node, "propagationTimeoutSeconds", "rotation.propagationTimeoutSeconds", 60, 5, 780);
    int interval =
        integer(
            node,
            "propagationIntervalMillis",
            "rotation.propagationIntervalMillis",
            1000,
            100,
            60000);
    return new RotationSettings(
        previous, limit, idleDays, deleteUnproven, successes, timeout, interval);
  }

  private List<String> emails(JsonNode node) {
    List<String> result = new ArrayList<>();
    if (node.isMissingNode()) {
      return result;
    }
    if (!node.isArray()) {
      problems.add("notificationEmails: expected a list of e-mail addresses");
      return result;
    }
    for (int i = 0; i < node.size(); i++) {
      String email = node.get(i).asText();
      if (!node.get(i).isTextual() || !EMAIL.matcher(email).matches()) {
        problems.add("notificationEmails[" + i + "]: \"" + email + "\" is not an e-mail address");
      }
      result.add(email);
    }
    return List.copyOf(result);
  }

  private Trail trail(JsonNode node) {
    if (node.isMissingNode()) {
      return new Trail(TrailMode.NONE, Optional.empty());
    }
    if (!node.isObject()) {
      problems.add("trail: expected an object {\"mode\", \"logGroupName\"}");
      return null;
    }
    allowOnly(node, "trail.", "mode", "logGroupName");
    String mode = oneOf(node, "mode", "trail.mode", "none", "create", "existingLogGroup", "none");
    String logGroup = text(node, "logGroupName", "trail.logGroupName", null);
    if ("existingLogGroup".equals(mode) && logGroup == null) {
      problems.add(
          "trail.logGroupName: required when trail.mode is existingLogGroup (the log group your"
              + " organization or account trail delivers to in this Region)");
    } else if (logGroup != null && !"existingLogGroup".equals(mode)) {
      problems.add("trail.logGroupName: only used with trail.mode existingLogGroup");
    } else if (logGroup != null && !LOG_GROUP.matcher(logGroup).matches()) {
      problems.add("trail.logGroupName: \"" + logGroup + "\" is not a log group name");
    }
    TrailMode trailMode =
        mode == null
            ? null
            : switch (mode) {
              case "create" -> TrailMode.CREATE;
              case "existingLogGroup" -> TrailMode.EXISTING_LOG_GROUP;
              default -> TrailMode.NONE;
            };
    return new Trail(trailMode, Optional.ofNullable(logGroup));
  }

  private Hardening hardening(JsonNode node) {
    if (node.isMissingNode()) {
      return new Hardening(false, Optional.empty());
    }
    if (!node.isObject()) {
      problems.add("hardening: expected an object {\"passwordPolicy\", \"mfaGroupName\"}");
      return null;
    }
    allowOnly(node, "hardening.", "passwordPolicy", "mfaGroupName");
    boolean passwordPolicy = bool(node, "passwordPolicy", "hardening.passwordPolicy", false);
    String group = text(node, "mfaGroupName", "hardening.mfaGroupName", null);
    if (group != null && !USER_NAME.matcher(group).matches()) {
      problems.add("hardening.mfaGroupName: \"" + group + "\" is not a valid IAM group name");
    }
    return new Hardening(passwordPolicy, Optional.ofNullable(group));
  }

  private HygieneSettings hygiene(JsonNode node) {
    HygieneSettings d = HygieneSettings.defaults();
    if (!node.isMissingNode() && !node.isObject()) {
      problems.add("hygiene: expected an object");
      return d;
    }
    if (node.isObject()) {
      allowOnly(
          node,
          "hygiene.",
          "enabled",
          "schedule",
          "graceDays",
          "hardLimitDays",
          "deleteAfterDays",
          "stuckAfterHours",
          "repair",
          "dryRun",
          "auditMaxKeyAgeDays",
          "auditUnusedDays");
    }
    boolean enabled = bool(node, "enabled", "hygiene.enabled", d.enabled());
    String schedule = text(node, "schedule", "hygiene.schedule", d.schedule());
    if (schedule != null
        && !EVENTS_RATE.matcher(schedule).matches()
        && !CRON.matcher(schedule).matches()) {
      problems.add(
          "hygiene.schedule: \""
              + schedule
              + "\" is neither rate(N minutes|hours|days) (rate(1 day) for one) nor a six-field"
              + " cron(...) expression such as cron(0 6 * * ? *)");
    }
    int grace = integer(node, "graceDays", "hygiene.graceDays", d.graceDays(), 0, 3650);
    int hardLimit =
        integer(node, "hardLimitDays", "hygiene.hardLimitDays", d.hardLimitDays(), 0, 3650);
    if (hardLimit != 0 && hardLimit <= grace) {
      problems.add(
          "hygiene.hardLimitDays: "
              + hardLimit
              + " must be longer than hygiene.graceDays ("
              + grace
              + "), or 0 to turn the hard limit off");
    }
    int deleteAfter =
        integer(node, "deleteAfterDays", "hygiene.deleteAfterDays", d.deleteAfterDays(), 1, 3650);
    int stuck =
        integer(node, "stuckAfterHours", "hygiene.stuckAfterHours", d.stuckAfterHours(), 1, 8760);
    boolean repair = bool(node, "repair", "hygiene.repair", d.repair());
    boolean dryRun = bool(node, "dryRun", "hygiene.dryRun", d.dryRun());
    int maxKeyAge =
        integer(
            node,
            "auditMaxKeyAgeDays",
            "hygiene.auditMaxKeyAgeDays",
            d.auditMaxKeyAgeDays(),
            1,
            3650);
    int unused =
        integer(node, "auditUnusedDays", "hygiene.auditUnusedDays", d.auditUnusedDays(), 1, 3650);
    return new HygieneSettings(
        enabled, schedule, grace, hardLimit, deleteAfter, stuck, repair, dryRun, maxKeyAge, unused);
  }

  private void allowOnly(JsonNode node, String prefix, String... known) {
    Set<String> allowed = Set.of(known);
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!allowed.contains(name)) {
        problems.add(prefix + name + ": unknown field; expected one of " + sorted(allowed));
      }
    }
  }

  private String text(JsonNode node, String name, String field, String fallback) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return fallback;
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      problems.add(field + ": expected a non-empty string, found " + value);
      return null;
    }
    return value.asText();
  }

  private boolean bool(JsonNode node, String name, String field, boolean fallback) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return fallback;
    }
    if (!value.isBoolean()) {
      problems.add(field + ": expected true or false, found " + value);
      return fallback;
    }
    return value.asBoolean();
  }

  private int integer(JsonNode node, String name, String field, int fallback, int min, int max) {
    JsonNode value = node.path(name);
    if (value.isMissingNode() || value.isNull()) {
      return fallback;
    }
    if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max) {
      problems.add(
          field + ": expected a whole number from " + min + " to " + max + ", found " + value);
      return fallback;
    }
    return value.asInt();
  }

  private String oneOf(
      JsonNode node, String name, String field, String fallback, String... allowed) {
    String value = text(node, name, field, fallback);
    if (value != null && !List.of(allowed).contains(value)) {
      problems.add(field + ": \"" + value + "\" is not one of " + List.of(allowed));
      return null;
    }
    return value;
  }

  private static List<?> sorted(Set<?> values) {
    return values.stream().map(String::valueOf).sorted().toList();
  }
}
