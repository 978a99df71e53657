package io.keyrotator.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionHandlers;
import io.keyrotator.contract.MetricNames;
import io.keyrotator.infra.config.KeyrotatorConfig.Hygiene;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IEventBus;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.events.targets.SnsTopicProps;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.destinations.EventBridgeDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The scheduled hygiene function: retires previous keys of the managed secrets, finds stuck
 * rotations and orphan keys, and audits the account from the IAM credential report. Same jar as the
 * rotation function, its own execution role, log group, report delivery and alarms.
 *
 * <p>The function does not publish anything itself: it returns its report. Asynchronous invocations
 * (the schedule) send that result to the account's default event bus (on-success destination), and
 * a rule forwards the report's {@code summary} to the topic when the report says {@code notify:
 * true}. Failures are reported by the {@code Errors} alarm rather than an on-failure destination:
 * the alarm also covers on-demand (synchronous) runs and timeouts, fires on the first failed
 * attempt instead of after the retries, and sends one notification per failure.
 *
 * <p>Metrics come from the function's embedded-metric-format log lines (namespace {@code
 * keyrotator}, dimension {@code Job=hygiene}); an alarm watches each finding count.
 */
public final class HygieneFunction extends Construct {
  /** The handler in the lambda module. */
  public static final String HANDLER = FunctionHandlers.HYGIENE;

  /** The namespace of the function's metrics. */
  public static final String METRIC_NAMESPACE = MetricNames.NAMESPACE;

  /** The dimension every hygiene metric carries. */
  public static final Map<String, String> JOB_DIMENSION =
      Map.of(MetricNames.JOB_DIMENSION, MetricNames.HYGIENE_JOB);

  /** The finding counts that raise an alarm when above zero. */
  public static final List<String> ALARMED_METRICS = MetricNames.HYGIENE_ALARMED;

  /** The detail-type Lambda gives the record of a successful asynchronous invocation. */
  public static final String SUCCESS_DETAIL_TYPE = "Lambda Function Invocation Result - Success";

  /** Account-level IAM actions the audit needs; none has a resource type, so they are on "*". */
  public static final List<String> ACCOUNT_AUDIT_ACTIONS =
      List.of(
          "iam:GenerateCredentialReport",
          "iam:GetCredentialReport",
          "iam:GetAccountPasswordPolicy");

  private final Role role;
  private final Function function;
  private final Rule reportRule;
  private final Alarm errorsAlarm;
  private final Map<String, Alarm> findingAlarms = new LinkedHashMap<>();
  private final Set<String> keysGranted = new HashSet<>();

  /**
   * Options.
   *
   * @param topic where reports and alarms go (required)
   * @param codePath the function's jar; default {@code lambda/target/keyrotator-lambda.jar}
   * @param settings default {@link Hygiene#defaults()}
   * @param deleteUnprovenKeys passed as KEYROTATOR_DELETE_UNPROVEN_KEYS; give the rotation
   *     function's value; default false
   * @param users the IAM users in scope, by name and path (required, at least one): give the
   *     rotation function's list
   * @param roleName the execution role's name; default generated. Give one when a rule elsewhere
   *     must recognise the role's key changes as expected
   * @param memorySize MB; default 1024
   * @param timeout default 10 minutes (a full account's audit takes a few minutes)
   * @param retryAttempts retries of a failed asynchronous run (0-2); default 1: one more go after a
   *     transient failure (a run is safe to repeat), without tripling a run that keeps timing out
   * @param architecture default ARM_64
   * @param logRetention default one year
   * @param alarmPeriod the period of every alarm; default one day (the job runs daily)
   */
  public record Props(
      ITopic topic,
      String codePath,
      Hygiene settings,
      boolean deleteUnprovenKeys,
      List<IamUser> users,
      Optional<String> roleName,
      int memorySize,
      Duration timeout,
      int retryAttempts,
      Architecture architecture,
      RetentionDays logRetention,
      Duration alarmPeriod) {
    public Props {
      users = List.copyOf(users);
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
      private ITopic topic;
      private String codePath = "lambda/target/keyrotator-lambda.jar";
      private Hygiene settings = Hygiene.defaults();
      private boolean deleteUnprovenKeys;
      private List<IamUser> users = List.of();
      private String roleName;
      private int memorySize = 1024;
      private Duration timeout = Duration.minutes(10);
      private int retryAttempts = 1;
      private Architecture architecture = Architecture.ARM_64;
      private RetentionDays logRetention = RetentionDays.ONE_YEAR;
      private Duration alarmPeriod = Duration.days(1);

      public Builder topic(ITopic value) {
        topic = value;
        return this;
      }

      public Builder codePath(String value) {
        codePath = value;
        return this;
      }

      public Builder settings(Hygiene value) {
        settings = value;
        return this;
      }

      public Builder deleteUnprovenKeys(boolean value) {
        deleteUnprovenKeys = value;
        return this;
      }

      public Builder users(List<IamUser> value) {
        users = value;
        return this;
      }

      public Builder roleName(String value) {
        roleName = value;
        return this;
      }

      public Builder memorySize(int value) {
        memorySize = value;
        return this;
      }

      public Builder timeout(Duration value) {
        timeout = value;
        return this;
      }

      public Builder retryAttempts(int value) {
        retryAttempts = value;
        return this;
      }

      public Builder architecture(Architecture value) {
        architecture = value;
        return this;
      }

      public Builder logRetention(RetentionDays value) {
        logRetention = value;
        return this;
      }

      public Builder alarmPeriod(Duration value) {
        alarmPeriod = value;
        return this;
      }

      public Props build() {
        if (topic == null) {
          throw new IllegalArgumentException("HygieneFunction: topic is required");
        }
        RotationFunction.checkUsers("HygieneFunction", users);
        long seconds = timeout.toSeconds().longValue();
        if (seconds < 1 || seconds > RotationFunction.MAX_TIMEOUT_SECONDS) {
          throw new IllegalArgumentException(
              "HygieneFunction: timeout "
                  + seconds
                  + " s is outside Lambda's 1-"
                  + RotationFunction.MAX_TIMEOUT_SECONDS
                  + " s");
        }
        if (retryAttempts < 0 || retryAttempts > 2) {
          throw new IllegalArgumentException(
              "HygieneFunction: retryAttempts " + retryAttempts + " is outside Lambda's 0-2");
        }
        return new Props(
            topic,
            codePath,
            settings,
            deleteUnprovenKeys,
            users,
            Optional.ofNullable(roleName),
            memorySize,
            timeout,
            retryAttempts,
            architecture,
            logRetention,
            alarmPeriod);
      }
    }
  }

  public HygieneFunction(Construct scope, String id, Props props) {
    super(scope, id);
    Stack stack = Stack.of(this);

    LogGroup logGroup = FunctionExecution.logGroup(this, props.logRetention());
    role =
        FunctionExecution.role(
            this,
            "keyrotator hygiene function: retires previous keys of managed users, audits the"
                + " account read-only",
            props.roleName(),
            logGroup);
    // ListSecrets has no resource type: it cannot be narrowed. It returns names and metadata,
    // never values; the function keeps only the managed secrets it finds.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("FindManagedSecrets")
            .actions(List.of("secretsmanager:ListSecrets"))
            .resources(List.of("*"))
            .build());
    List<String> userArns = props.users().stream().map(user -> user.arn(stack)).toList();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("RetireManagedUsersPreviousKeys")
            .actions(
                List.of(
                    "iam:GetUser",
                    "iam:ListAccessKeys",
                    "iam:GetAccessKeyLastUsed",
                    "iam:UpdateAccessKey",
                    "iam:DeleteAccessKey"))
            .resources(userArns)
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("TagManagedUsersWithDeactivationOnly")
            .actions(List.of("iam:TagUser", "iam:UntagUser"))
            .resources(userArns)
            .conditions(RotationFunction.onlyTagKeys(FunctionContract.DEACTIVATED_TAG_KEY))
            .build());
    // The credential report and the password policy are account-level: no resource type exists.
    // GenerateCredentialReport only asks IAM to (re)build the report; it changes no identity.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("AuditAccountCredentials")
            .actions(ACCOUNT_AUDIT_ACTIONS)
            .resources(List.of("*"))
            .build());

    Hygiene s = props.settings();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.putAll(RotationFunction.scopeEnvironment(props.users()));
    environment.put(FunctionEnvironment.HYGIENE_GRACE_DAYS, Integer.toString(s.graceDays()));
    environment.put(
        FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS, Integer.toString(s.hardLimitDays()));
    environment.put(
        FunctionEnvironment.HYGIENE_DELETE_AFTER_DAYS, Integer.toString(s.deleteAfterDays()));
    environment.put(
        FunctionEnvironment.HYGIENE_STUCK_AFTER_HOURS, Integer.toString(s.stuckAfterHours()));
    environment.put(FunctionEnvironment.HYGIENE_REPAIR, Boolean.toString(s.repair()));
    environment.put(FunctionEnvironment.HYGIENE_DRY_RUN, Boolean.toString(s.dryRun()));
    environment.put(
        FunctionEnvironment.DELETE_UNPROVEN_KEYS, Boolean.toString(props.deleteUnprovenKeys()));
    environment.put(
        FunctionEnvironment.AUDIT_MAX_KEY_AGE_DAYS, Integer.toString(s.auditMaxKeyAgeDays()));
    environment.put(FunctionEnvironment.AUDIT_UNUSED_DAYS, Integer.toString(s.auditUnusedDays()));

    IEventBus defaultBus = EventBus.fromEventBusName(this, "DefaultBus", "default");
    function =
        Function.Builder.create(this, "Function")
            .description("keyrotator: retires previous access keys and audits IAM credentials")
            .runtime(Runtime.JAVA_21)
            .architecture(props.architecture())
            .handler(HANDLER)
            .code(Code.fromAsset(props.codePath()))
            .memorySize(props.memorySize())
            .timeout(props.timeout())
            .role(role)
            .logGroup(logGroup)
            .loggingFormat(LoggingFormat.JSON)
            .environment(environment)
            // The report is the function's result: Lambda puts it on the default bus (the
            // destination also grants events:PutEvents on that bus, and nothing else).
            .onSuccess(new EventBridgeDestination(defaultBus))
            .retryAttempts(props.retryAttempts())
            .build();
    function.getNode().addDependency(role);

    NagSuppressions.addResourceSuppressions(
        function,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason(
                    "The lambda module is compiled for and tested on Java 21; the hygiene"
                        + " function shares the rotation function's jar and runtime, and moving"
                        + " to a newer runtime is a change of the lambda module.")
                .build()));
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "Resource \"*\" only for actions without a resource type:"
                        + " secretsmanager:ListSecrets (names and metadata, never values) and the"
                        + " account-level, read-only credential report and password policy"
                        + " (iam:GenerateCredentialReport, iam:GetCredentialReport,"
                        + " iam:GetAccountPasswordPolicy). Users, secrets and keys are named"
                        + " exactly.")
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);

    reportRule =
        Rule.Builder.create(this, "ReportRule")
            .description("keyrotator: hygiene report that asks for attention, to the topic")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of("lambda"))
                    .detailType(List.of(SUCCESS_DETAIL_TYPE))
                    .detail(Map.of("responsePayload", Map.of("notify", List.of(true))))
                    .build())
            .build();
    // Lambda names the function in "resources", with a version qualifier ($LATEST for the
    // schedule's unqualified invocation) or without: accept the exact ARN and any qualifier of it.
    // EventPattern types "resources" as strings only, hence the override for the prefix filter.
    ((CfnRule) reportRule.getNode().getDefaultChild())
        .addPropertyOverride(
            "EventPattern.resources",
            List.of(function.getFunctionArn(), Map.of("prefix", function.getFunctionArn() + ":")));
    reportRule.addTarget(
        new SnsTopic(
            props.topic(),
            SnsTopicProps.builder()
                .message(
                    RuleTargetInput.fromText(
                        EventField.fromPath("$.detail.responsePayload.summary")))
                .build()));

    SnsAction notify = new SnsAction(props.topic());
    errorsAlarm =
        function
            .metricErrors(
                MetricOptions.builder().period(props.alarmPeriod()).statistic("Sum").build())
            .createAlarm(
                this,
                "ErrorsAlarm",
                CreateAlarmOptions.builder()
                    .alarmDescription(
                        "keyrotator: the hygiene function failed (error, timeout or crash), so"
                            + " previous keys were not retired and no audit report was sent."
                            + " Read its log group. See docs/deploy.md, section Alarms.")
                    .threshold(0)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                    .evaluationPeriods(1)
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
    errorsAlarm.addAlarmAction(notify);
    for (String name : ALARMED_METRICS) {
      Alarm alarm =
          Alarm.Builder.create(this, name + "Alarm")
              .alarmDescription(
                  "keyrotator hygiene: "
                      + name
                      + " above zero (metric "
                      + METRIC_NAMESPACE
                      + "/"
                      + name
                      + ", Job=hygiene). The hygiene report names each case. See docs/deploy.md,"
                      + " section Alarms.")
              .metric(findingMetric(name, props.alarmPeriod()))
              .threshold(0)
              .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
              .evaluationPeriods(1)
              .treatMissingData(TreatMissingData.NOT_BREACHING)
              .build();
      alarm.addAlarmAction(notify);
      findingAlarms.put(name, alarm);
    }
  }

  /** A hygiene count metric as the function writes it (embedded metric format). */
  public static Metric findingMetric(String name, Duration period) {
    return Metric.Builder.create()
        .namespace(METRIC_NAMESPACE)
        .metricName(name)
        .dimensionsMap(JOB_DIMENSION)
        .statistic("Sum")
        .period(period)
        .build();
  }

  /**
   * Lets the function inspect one managed secret, move its stages (the stuck-rotation repair),
   * remove an attempt record ({@link FunctionContract#ATTEMPT_TAG_KEY}) it has resolved, and
   * decrypt the secret only through Secrets Manager. Reading the value also needs the secret's
   * resource policy and the key's policy to let this role through (see {@link ManagedKeySecret}).
   */
  public void grantSecret(ISecret secret, IKey key) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of(
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:ListSecretVersionIds",
                    "secretsmanager:UpdateSecretVersionStage"))
            .resources(List.of(secret.getSecretArn()))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("secretsmanager:UntagResource"))
            .resources(List.of(secret.getSecretArn()))
            .conditions(RotationFunction.onlyTagKeys(FunctionContract.ATTEMPT_TAG_KEY))
            .build());
    if (!keysGranted.add(key.getNode().getPath())) {
      return;
    }
    role.addToPrincipalPolicy(
        FunctionExecution.keyViaSecretsManager(
            this,
            "DecryptSecretsOnlyViaSecretsManager" + keysGranted.size(),
            List.of("kms:Decrypt"),
            key));
  }

  /** The execution role. */
  public Role getRole() {
    return role;
  }

  /** The function. */
  public Function getFunction() {
    return function;
  }

  /** The rule that forwards reports with {@code notify: true} to the topic. */
  public Rule getReportRule() {
    return reportRule;
  }

  /** The alarm on the function's Errors metric. */
  public Alarm getErrorsAlarm() {
    return errorsAlarm;
  }

  /** The alarm of each finding metric, by metric name. */
  public Map<String, Alarm> getFindingAlarms() {
    return Map.copyOf(findingAlarms);
  }
}
