package io.keyrotator.infra.stacks;

import io.keyrotator.contract.MetricNames;
import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.config.KeyrotatorConfig.Hygiene;
import io.keyrotator.infra.config.KeyrotatorConfig.ManagedUser;
import io.keyrotator.infra.config.KeyrotatorConfig.RotationSettings;
import io.keyrotator.infra.config.KeyrotatorConfig.TrailMode;
import io.keyrotator.infra.constructs.AccessKeyChangeRule;
import io.keyrotator.infra.constructs.AccessKeySecret;
import io.keyrotator.infra.constructs.AccountHardening;
import io.keyrotator.infra.constructs.AlarmDefinition;
import io.keyrotator.infra.constructs.CloudTrailAlarms;
import io.keyrotator.infra.constructs.DeploymentRole;
import io.keyrotator.infra.constructs.EvidenceSealSecret;
import io.keyrotator.infra.constructs.FunctionContract;
import io.keyrotator.infra.constructs.FunctionOptions;
import io.keyrotator.infra.constructs.HygieneAlarms;
import io.keyrotator.infra.constructs.HygieneFunction;
import io.keyrotator.infra.constructs.HygieneReportDelivery;
import io.keyrotator.infra.constructs.HygieneSchedule;
import io.keyrotator.infra.constructs.ManagedIamUser;
import io.keyrotator.infra.constructs.ManagementTrail;
import io.keyrotator.infra.constructs.NotificationTopic;
import io.keyrotator.infra.constructs.RotationAlarms;
import io.keyrotator.infra.constructs.RotationFailureRule;
import io.keyrotator.infra.constructs.RotationFunction;
import io.keyrotator.infra.constructs.SecretsKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.User;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * Everything keyrotator deploys into one account and Region: the rotation function, one secret per
 * managed user, the notification topic, the rotation-failure rule and alarm, the CloudTrail alarms
 * (when a trail is configured), the out-of-band key change rule (when this Region is us-east-1;
 * otherwise {@link IamEventsStack} carries it), the scheduled hygiene function with its report rule
 * and alarms (unless disabled) and opt-in account hardening.
 */
public final class KeyrotatorStack extends Stack {
  private final RotationFunction rotationFunction;
  private final NotificationTopic notifications;
  private final Map<String, AccessKeySecret> secrets = new LinkedHashMap<>();
  private final Optional<HygieneFunction> hygiene;

  /**
   * @param codePath the functions' jar (rotation and hygiene)
   */
  public KeyrotatorStack(
      Construct scope, String id, StackProps props, KeyrotatorConfig config, String codePath) {
    super(scope, id, props);
    String region = getRegion();

    notifications =
        new NotificationTopic(
            this,
            "Notifications",
            new NotificationTopic.Props.Builder().emails(config.notificationEmails()).build());

    SecretsKey secretsKey =
        new SecretsKey(
            this, "SecretsKey", new SecretsKey.Props("Encrypts keyrotator's access-key secrets"));

    Map<String, User> createdUsers = new LinkedHashMap<>();
    // Every configured user by exact name and path: the functions' whole scope.
    List<ManagedIamUser> managedUsers = new ArrayList<>();
    for (ManagedUser user : config.users()) {
      if (user.create()) {
        createdUsers.put(
            user.name(),
            User.Builder.create(this, "User-" + user.name())
                .userName(user.name())
                .path(KeyrotatorConfig.MANAGED_PATH)
                .build());
      }
      managedUsers.add(new ManagedIamUser(user.name(), user.path()));
    }

    RotationSettings rotation = config.rotation();
    rotationFunction =
        new RotationFunction(
            this,
            "Rotation",
            sharedFunctionOptions(
                    new RotationFunction.Props.Builder(),
                    codePath,
                    managedUsers,
                    rotationRoleName(region),
                    config)
                .previousKeyPolicy(rotation.previousKeyPolicy())
                .keyLimitPolicy(rotation.keyLimitPolicy())
                .idleDays(rotation.idleDays())
                .propagationSuccesses(rotation.propagationSuccesses())
                .propagationTimeoutSeconds(rotation.propagationTimeoutSeconds())
                .propagationIntervalMillis(rotation.propagationIntervalMillis())
                .build());

    Hygiene hygieneSettings = config.hygiene();
    hygiene =
        hygieneSettings.enabled()
            ? Optional.of(
                new HygieneFunction(
                    this,
                    "Hygiene",
                    sharedFunctionOptions(
                            new HygieneFunction.Props.Builder(),
                            codePath,
                            managedUsers,
                            hygieneRoleName(region),
                            config)
                        .graceDays(hygieneSettings.graceDays())
                        .hardLimitDays(hygieneSettings.hardLimitDays())
                        .deleteAfterDays(hygieneSettings.deleteAfterDays())
                        .stuckAfterHours(hygieneSettings.stuckAfterHours())
                        .repair(hygieneSettings.repair())
                        .dryRun(hygieneSettings.dryRun())
                        .auditMaxKeyAgeDays(hygieneSettings.auditMaxKeyAgeDays())
                        .auditUnusedDays(hygieneSettings.auditUnusedDays())
                        .build()))
            : Optional.empty();
    // The hygiene role reads the secrets, and its changes to managed users' keys are expected.
    List<String> hygieneRoleArns =
        hygiene.map(h -> List.of(h.getRole().getRoleArn())).orElse(List.of());
    // Only the role CloudFormation deploys with may change the secrets' settings and policies.
    String deploymentRoleArn =
        config
            .deploymentRoleArn()
            .or(() -> DeploymentRole.of(this))
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "The stack's synthesizer names no CloudFormation execution role that this"
                            + " app can read: set deploymentRoleArn in the keyrotator configuration to"
                            + " the role CloudFormation deploys with"));

    // Evidence counts only if sealed with the key in this secret, which only keyrotator reads.
    List<Role> sealReaders = new ArrayList<>(List.of(rotationFunction.getRole()));
    hygiene.ifPresent(h -> sealReaders.add(h.getRole()));
    EvidenceSealSecret seal =
        new EvidenceSealSecret(
            this,
            "EvidenceSeal",
            new EvidenceSealSecret.Props.Builder()
                .key(secretsKey)
                .readers(sealReaders)
                .deploymentRoleArn(deploymentRoleArn)
                .build());
    rotationFunction
        .getFunction()
        .addEnvironment(FunctionContract.SEAL_SECRET_ENV, seal.getSecret().getSecretArn());
    hygiene.ifPresent(
        h ->
            h.getFunction()
                .addEnvironment(FunctionContract.SEAL_SECRET_ENV, seal.getSecret().getSecretArn()));

    for (ManagedUser user : config.users()) {
      AccessKeySecret secret =
          new AccessKeySecret(
              this,
              "Secret-" + user.name(),
              new AccessKeySecret.Props.Builder()
                  .userName(user.name())
                  .rotationFunction(rotationFunction)
                  .encryptionKey(secretsKey)
                  .scheduleExpression(config.schedule().expression())
                  .window(config.schedule().window())
                  .readers(user.readerArns())
                  .selfReaderArn(selfReaderArn(user, createdUsers.get(user.name())))
                  .adoptKey(user.adoptKey())
                  .hygieneRoleArn(hygiene.map(h -> h.getRole().getRoleArn()))
                  .deploymentRoleArn(deploymentRoleArn)
                  .operators(config.operators())
                  .build());
      hygiene.ifPresent(h -> h.grantSecret(secret.getSecret(), secret.getSecretsKey().getKey()));
      User created = createdUsers.get(user.name());
      if (created != null) {
        // The first rotation starts when the schedule is created: the user must exist by then.
        secret.getSchedule().getNode().addDependency(created);
        if (user.readsOwnSecret()) {
          // The resource policy alone would do within the account; the identity policy keeps the
          // grant visible on the user, and exactly as narrow (its own secret, GetSecretValue).
          created.addToPolicy(
              PolicyStatement.Builder.create()
                  .sid("ReadOwnKeySecret")
                  .actions(List.of("secretsmanager:GetSecretValue"))
                  .resources(List.of(secret.getSecret().getSecretArn()))
                  .build());
        }
      }
      secrets.put(user.name(), secret);
    }

    new RotationFailureRule(
        this,
        "RotationFailures",
        new RotationFailureRule.Props.Builder()
            .topic(notifications.getTopic())
            .logGroupName(rotationFunction.getLogGroupName())
            .build());
    new RotationAlarms(
        this,
        "RotationAlarms",
        RotationAlarms.props().function(rotationFunction).topic(notifications.getTopic()).build());
    hygiene.ifPresent(
        h -> {
          new HygieneSchedule(
              this,
              "HygieneSchedule",
              new HygieneSchedule.Props.Builder()
                  .function(h.getFunction())
                  .expression(hygieneSettings.schedule())
                  .build());
          new HygieneReportDelivery(
              this,
              "HygieneReport",
              new HygieneReportDelivery.Props.Builder()
                  .function(h.getFunction())
                  .topic(notifications.getTopic())
                  .build());
          new HygieneAlarms(
              this,
              "HygieneAlarms",
              HygieneAlarms.props().function(h).topic(notifications.getTopic()).build());
        });

    List<String> userNames = config.users().stream().map(ManagedUser::name).toList();
    if ("us-east-1".equals(region)) {
      new AccessKeyChangeRule(
          this,
          "OutOfBandKeyChanges",
          new AccessKeyChangeRule.Props.Builder()
              .topic(notifications.getTopic())
              .userNames(userNames)
              .rotationRoleArn(rotationFunction.getRole().getRoleArn())
              .otherExpectedRoleArns(hygieneRoleArns)
              .build());
    }

    trailLogGroup(config)
        .ifPresent(
            logGroup ->
                new CloudTrailAlarms(
                    this,
                    "CloudTrailAlarms",
                    new CloudTrailAlarms.Props.Builder()
                        .logGroup(logGroup)
                        .topic(notifications.getTopic())
                        .extra(keyrotatorAlarms(userNames, expectedRoleNames(config, region)))
                        .build()));

    if (config.hardening().passwordPolicy() || config.hardening().mfaGroupName().isPresent()) {
      new AccountHardening(
          this,
          "AccountHardening",
          new AccountHardening.Props.Builder()
              .passwordPolicy(config.hardening().passwordPolicy())
              .mfaGroupName(config.hardening().mfaGroupName())
              .build());
    }
    StackOutputs.add(this, rotationFunction, hygiene, notifications, secrets, seal);
  }

  /**
   * The options both functions get alike: the jar, the managed users, a fixed role name, the log
   * retention and whether keys keyrotator cannot prove it created may be deleted (one setting for
   * both, so that neither function deletes what the other keeps).
   */
  private static <B extends FunctionOptions.Builder<B>> B sharedFunctionOptions(
      B builder,
      String codePath,
      List<ManagedIamUser> users,
      String roleName,
      KeyrotatorConfig config) {
    return builder
        .codePath(codePath)
        .users(users)
        .roleName(roleName)
        .logRetention(retention(config.logRetentionDays()))
        .deleteUnprovenKeys(config.rotation().deleteUnprovenKeys());
  }

  /** The rotation role's name: fixed so that the us-east-1 rule stack can recognise it. */
  public static String rotationRoleName(String region) {
    return "keyrotator-rotation-" + region;
  }

  /** The hygiene role's name: fixed for the same reason as {@link #rotationRoleName}. */
  public static String hygieneRoleName(String region) {
    return "keyrotator-hygiene-" + region;
  }

  /** The names of keyrotator's roles whose access-key changes are expected, in this Region. */
  public static List<String> expectedRoleNames(KeyrotatorConfig config, String region) {
    return config.hygiene().enabled()
        ? List.of(rotationRoleName(region), hygieneRoleName(region))
        : List.of(rotationRoleName(region));
  }

  private Optional<ILogGroup> trailLogGroup(KeyrotatorConfig config) {
    TrailMode mode = config.trail().mode();
    if (mode == TrailMode.CREATE) {
      ManagementTrail trail =
          new ManagementTrail(
              this,
              "Trail",
              new ManagementTrail.Props.Builder()
                  .logRetention(retention(config.logRetentionDays()))
                  .bucketRetentionDays(Math.max(config.logRetentionDays(), 365))
                  .build());
      return Optional.of(trail.getLogGroup());
    }
    if (mode == TrailMode.EXISTING_LOG_GROUP) {
      return Optional.of(
          LogGroup.fromLogGroupName(
              this, "ExistingTrailLogs", config.trail().logGroupName().orElseThrow()));
    }
    return Optional.empty();
  }

  /**
   * keyrotator's own CloudTrail filters: key changes outside rotation, rotation failures. A metric
   * filter pattern holds at most 1024 characters; when the managed users' names do not fit, the
   * key-change filter watches every user's keys instead (still excluding the rotation role), and
   * the EventBridge rule, which has room for the names, stays precise.
   */
  public static List<AlarmDefinition> keyrotatorAlarms(
      List<String> userNames, List<String> expectedRoleNames) {
    String users =
        userNames.stream()
            .map(name -> "($.requestParameters.userName=\"" + name + "\")")
            .collect(Collectors.joining(" || "));
    String keyEvents =
        "($.eventSource=iam.amazonaws.com) && (($.eventName=CreateAccessKey) ||"
            + " ($.eventName=UpdateAccessKey) || ($.eventName=DeleteAccessKey))";
    String otherIssuer =
        expectedRoleNames.stream()
            .map(name -> "($.userIdentity.sessionContext.sessionIssuer.userName!=\"" + name + "\")")
            .collect(Collectors.joining(" && "));
    if (expectedRoleNames.size() > 1) {
      otherIssuer = "(" + otherIssuer + ")";
    }
    String notRotationRole = "(($.userIdentity.type!=\"AssumedRole\") || " + otherIssuer + ")";
    String keyChanges = "{" + keyEvents + " && (" + users + ") && " + notRotationRole + "}";
    String whose = "a managed user";
    if (keyChanges.length() > MAX_FILTER_PATTERN_LENGTH) {
      keyChanges = "{" + keyEvents + " && " + notRotationRole + "}";
      whose = "any IAM user (too many managed users to name in one filter)";
    }
    String failures =
        "{($.eventSource=secretsmanager.amazonaws.com) && (($.eventName=RotationFailed) ||"
            + " ($.eventName=RotationAbandoned) || ($.eventName=TestRotationFailed))}";
    return List.of(
        new AlarmDefinition(
            MetricNames.NAMESPACE,
            "ManagedAccessKeyChangedOutsideRotation",
            "an access key of "
                + whose
                + " was created, changed or deleted by someone other than keyrotator's functions",
            keyChanges),
        new AlarmDefinition(
            MetricNames.NAMESPACE,
            "SecretRotationFailed",
            "a Secrets Manager rotation failed or was abandoned",
            failures));
  }

  /** CloudWatch Logs' limit on a metric filter pattern. */
  public static final int MAX_FILTER_PATTERN_LENGTH = 1024;

  static RetentionDays retention(int days) {
    return switch (days) {
      case 30 -> RetentionDays.ONE_MONTH;
      case 90 -> RetentionDays.THREE_MONTHS;
      case 180 -> RetentionDays.SIX_MONTHS;
      case 365 -> RetentionDays.ONE_YEAR;
      case 731 -> RetentionDays.TWO_YEARS;
      case 1827 -> RetentionDays.FIVE_YEARS;
      case 3653 -> RetentionDays.TEN_YEARS;
      default -> throw new IllegalArgumentException("unsupported log retention: " + days);
    };
  }

  /** The rotation function. */
  public RotationFunction getRotationFunction() {
    return rotationFunction;
  }

  /** The hygiene function, unless {@code hygiene.enabled} is false. */
  public Optional<HygieneFunction> getHygiene() {
    return hygiene;
  }

  /** The notification topic. */
  public NotificationTopic getNotifications() {
    return notifications;
  }

  /** The secrets, by user name. */
  public Map<String, AccessKeySecret> getSecrets() {
    return Map.copyOf(secrets);
  }

  /**
   * The user's ARN when it may read its own secret ({@code readers: ["self"]}): the created user's
   * own attribute (so that the policies naming it wait for the user), else the ARN its name and
   * path give.
   */
  private Optional<String> selfReaderArn(ManagedUser user, User created) {
    if (!user.readsOwnSecret()) {
      return Optional.empty();
    }
    return Optional.of(
        created != null
            ? created.getUserArn()
            : new ManagedIamUser(user.name(), user.path()).arn(Stack.of(this)));
  }
}
