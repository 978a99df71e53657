package io.keyrotator.infra.constructs;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionHandlers;
import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.contract.MetricNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.events.EventBus;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.destinations.EventBridgeDestination;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The scheduled hygiene function: retires previous keys of the managed secrets, finds stuck
 * rotations and orphan keys, and audits the account from the IAM credential report. Same jar as the
 * rotation function, its own execution role and log group.
 *
 * <p>The function does not publish anything itself: it returns its report. Asynchronous invocations
 * (the schedule, {@link HygieneSchedule}) send that result to the account's default event bus
 * (on-success destination), where {@link HygieneReportDelivery} forwards it to the topic. Failures
 * are watched by {@link HygieneAlarms} through {@link #metricErrors} rather than an on-failure
 * destination: the alarm also covers on-demand (synchronous) runs and timeouts, fires on the first
 * failed attempt instead of after the retries, and sends one notification per failure.
 *
 * <p>Metrics come from the function's embedded-metric-format log lines (namespace {@value
 * MetricNames#NAMESPACE}, dimension {@code Job=hygiene}); {@link #metricFinding} reads them.
 */
public final class HygieneFunction extends KeyrotatorFunction {
  /** The handler in the lambda module. */
  public static final String HANDLER = FunctionHandlers.HYGIENE;

  /** The finding counts that should stay zero; {@link HygieneAlarms} watches each. */
  public static final List<String> ALARMED_METRICS = MetricNames.HYGIENE_ALARMED;

  /** Account-level IAM actions the audit needs; none has a resource type, so they are on "*". */
  public static final List<String> ACCOUNT_AUDIT_ACTIONS =
      List.of(
          "iam:GenerateCredentialReport",
          "iam:GetCredentialReport",
          "iam:GetAccountPasswordPolicy");

  private final Function function;
  private final SecretGrants secretGrants;

  /**
   * Options; the shared ones in {@link #function()} (function name default {@code
   * keyrotator-hygiene}, memory default 1024 MB). Every whole-number setting defaults to, and must
   * lie in the range of, the function's own setting in {@link FunctionSettings}; docs/hygiene.md
   * says what each means.
   *
   * @param function the shared options, see {@link FunctionOptions}
   * @param graceDays default {@link FunctionSettings#GRACE}
   * @param hardLimitDays 0 turns the hard limit off; default {@link FunctionSettings#HARD_LIMIT}
   * @param deleteAfterDays default {@link FunctionSettings#DELETE_AFTER}
   * @param stuckAfterHours default {@link FunctionSettings#STUCK_AFTER}
   * @param repair repair stuck rotations instead of only reporting them; default false
   * @param dryRun report what would be done, change nothing; default false
   * @param auditMaxKeyAgeDays default {@link FunctionSettings#MAX_KEY_AGE}
   * @param auditUnusedDays default {@link FunctionSettings#UNUSED}
   * @param timeout 1 s to 15 minutes; default 10 minutes (a full account's audit takes a few
   *     minutes)
   * @param retryAttempts retries of a failed asynchronous run (0-2); default 1: one more go after a
   *     transient failure (a run is safe to repeat), without tripling a run that keeps timing out
   */
  public record Props(
      FunctionOptions function,
      int graceDays,
      int hardLimitDays,
      int deleteAfterDays,
      int stuckAfterHours,
      boolean repair,
      boolean dryRun,
      int auditMaxKeyAgeDays,
      int auditUnusedDays,
      Duration timeout,
      int retryAttempts) {
    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder extends FunctionOptions.Builder<Builder> {
      private static final String CONSTRUCT = "HygieneFunction";
      private int graceDays = FunctionSettings.GRACE.defaultValue();
      private int hardLimitDays = FunctionSettings.HARD_LIMIT.defaultValue();
      private int deleteAfterDays = FunctionSettings.DELETE_AFTER.defaultValue();
      private int stuckAfterHours = FunctionSettings.STUCK_AFTER.defaultValue();
      private boolean repair;
      private boolean dryRun;
      private int auditMaxKeyAgeDays = FunctionSettings.MAX_KEY_AGE.defaultValue();
      private int auditUnusedDays = FunctionSettings.UNUSED.defaultValue();
      private Duration timeout = Duration.minutes(10);
      private int retryAttempts = 1;

      private Builder() {
        super("keyrotator-hygiene", 1024);
      }

      public Builder graceDays(int value) {
        graceDays = value;
        return this;
      }

      public Builder hardLimitDays(int value) {
        hardLimitDays = value;
        return this;
      }

      public Builder deleteAfterDays(int value) {
        deleteAfterDays = value;
        return this;
      }

      public Builder stuckAfterHours(int value) {
        stuckAfterHours = value;
        return this;
      }

      public Builder repair(boolean value) {
        repair = value;
        return this;
      }

      public Builder dryRun(boolean value) {
        dryRun = value;
        return this;
      }

      public Builder auditMaxKeyAgeDays(int value) {
        auditMaxKeyAgeDays = value;
        return this;
      }

      public Builder auditUnusedDays(int value) {
        auditUnusedDays = value;
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

      /**
       * @throws IllegalArgumentException "HygieneFunction: field ..." for a value out of range
       */
      public Props build() {
        FunctionOptions function = functionOptions(CONSTRUCT);
        PropsCheck.inRange(CONSTRUCT, "graceDays", graceDays, FunctionSettings.GRACE);
        PropsCheck.inRange(CONSTRUCT, "hardLimitDays", hardLimitDays, FunctionSettings.HARD_LIMIT);
        PropsCheck.inRange(
            CONSTRUCT, "deleteAfterDays", deleteAfterDays, FunctionSettings.DELETE_AFTER);
        PropsCheck.inRange(
            CONSTRUCT, "stuckAfterHours", stuckAfterHours, FunctionSettings.STUCK_AFTER);
        PropsCheck.inRange(
            CONSTRUCT, "auditMaxKeyAgeDays", auditMaxKeyAgeDays, FunctionSettings.MAX_KEY_AGE);
        PropsCheck.inRange(CONSTRUCT, "auditUnusedDays", auditUnusedDays, FunctionSettings.UNUSED);
        PropsCheck.required(CONSTRUCT, "timeout", timeout);
        long seconds = timeout.toSeconds().longValue();
        if (seconds < 1 || seconds > RotationFunction.MAX_TIMEOUT_SECONDS) {
          throw new IllegalArgumentException(
              CONSTRUCT
                  + ": timeout "
                  + seconds
                  + " s is outside Lambda's 1-"
                  + RotationFunction.MAX_TIMEOUT_SECONDS
                  + " s");
        }
        if (retryAttempts < 0 || retryAttempts > 2) {
          throw new IllegalArgumentException(
              CONSTRUCT + ": retryAttempts " + retryAttempts + " is outside Lambda's 0-2");
        }
        return new Props(
            function,
            graceDays,
            hardLimitDays,
            deleteAfterDays,
            stuckAfterHours,
            repair,
            dryRun,
            auditMaxKeyAgeDays,
            auditUnusedDays,
            timeout,
            retryAttempts);
      }
    }
  }

  public HygieneFunction(Construct scope, String id, Props props) {
    super(
        scope,
        id,
        props.function(),
        "keyrotator hygiene function: retires previous keys of managed users, audits the"
            + " account read-only");
    Stack stack = Stack.of(this);
    FunctionExecution execution = execution();
    Role role = execution.role();
    // ListSecrets has no resource type: it cannot be narrowed. It returns names and metadata,
    // never values; the function keeps only the managed secrets it finds.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("FindManagedSecrets")
            .actions(List.of("secretsmanager:ListSecrets"))
            .resources(List.of("*"))
            .build());
    List<String> userArns = props.function().users().stream().map(user -> user.arn(stack)).toList();
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
            .conditions(FunctionExecution.onlyTagKeys(FunctionContract.DEACTIVATED_TAG_KEY))
            .build());
    // The credential report and the password policy are account-level: no resource type exists.
    // GenerateCredentialReport only asks IAM to (re)build the report; it changes no identity.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("AuditAccountCredentials")
            .actions(ACCOUNT_AUDIT_ACTIONS)
            .resources(List.of("*"))
            .build());
    secretGrants =
        new SecretGrants(
            this,
            role,
            List.of("secretsmanager:UpdateSecretVersionStage"),
            List.of("secretsmanager:UntagResource"),
            List.of("kms:Decrypt"),
            "DecryptSecretsOnlyViaSecretsManager");

    function =
        execution
            .function(
                this,
                props.function(),
                HANDLER,
                "keyrotator: retires previous access keys and audits IAM credentials",
                environment(props))
            .timeout(props.timeout())
            // The report is the function's result: Lambda puts it on the default bus (the
            // destination also grants events:PutEvents on that bus, and nothing else).
            .onSuccess(
                new EventBridgeDestination(
                    EventBus.fromEventBusName(this, "DefaultBus", "default")))
            .retryAttempts(props.retryAttempts())
            .build();
    execution.finish(
        function,
        "The lambda module is compiled for and tested on Java 21; the hygiene function shares the"
            + " rotation function's jar and runtime, and moving to a newer runtime is a change of"
            + " the lambda module.",
        "Resource \"*\" only for actions without a resource type: secretsmanager:ListSecrets"
            + " (names and metadata, never values) and the account-level, read-only credential"
            + " report and password policy (iam:GenerateCredentialReport, iam:GetCredentialReport,"
            + " iam:GetAccountPasswordPolicy). Users, secrets and keys are named exactly.");
  }

  private static Map<String, String> environment(Props props) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(FunctionEnvironment.HYGIENE_GRACE_DAYS, Integer.toString(props.graceDays()));
    environment.put(
        FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS, Integer.toString(props.hardLimitDays()));
    environment.put(
        FunctionEnvironment.HYGIENE_DELETE_AFTER_DAYS, Integer.toString(props.deleteAfterDays()));
    environment.put(
        FunctionEnvironment.HYGIENE_STUCK_AFTER_HOURS, Integer.toString(props.stuckAfterHours()));
    environment.put(FunctionEnvironment.HYGIENE_REPAIR, Boolean.toString(props.repair()));
    environment.put(FunctionEnvironment.HYGIENE_DRY_RUN, Boolean.toString(props.dryRun()));
    environment.put(
        FunctionEnvironment.AUDIT_MAX_KEY_AGE_DAYS, Integer.toString(props.auditMaxKeyAgeDays()));
    environment.put(
        FunctionEnvironment.AUDIT_UNUSED_DAYS, Integer.toString(props.auditUnusedDays()));
    return environment;
  }

  /**
   * Lets the function inspect one managed secret, move its stages (the stuck-rotation repair),
   * remove an attempt record ({@link FunctionContract#ATTEMPT_TAG_KEY}) it has resolved, and
   * decrypt the secret only through Secrets Manager. Reading the value also needs the secret's
   * resource policy and the key's policy to let this role through (see {@link AccessKeySecret}).
   */
  public void grantSecret(ISecret secret, IKey key) {
    secretGrants.grant(secret, key);
  }

  /**
   * A hygiene count as the function writes it (embedded metric format): namespace {@value
   * MetricNames#NAMESPACE}, dimension {@code Job=hygiene}, statistic Sum.
   *
   * @param metricName one of the hygiene names in {@link MetricNames}
   * @param period the period to sum over
   */
  public Metric metricFinding(String metricName, Duration period) {
    return Metric.Builder.create()
        .namespace(MetricNames.NAMESPACE)
        .metricName(metricName)
        .dimensionsMap(Map.of(MetricNames.JOB_DIMENSION, MetricNames.HYGIENE_JOB))
        .statistic("Sum")
        .period(period)
        .build();
  }

  /** Previous keys past their grace period that their consumers still use. */
  public Metric metricPreviousKeysStillInUse(Duration period) {
    return metricFinding(MetricNames.PREVIOUS_KEYS_STILL_IN_USE, period);
  }

  /** Rotations whose AWSPENDING version sat longer than {@code stuckAfterHours}. */
  public Metric metricStuckRotations(Duration period) {
    return metricFinding(MetricNames.STUCK_ROTATIONS, period);
  }

  /** Failed runs of the function (Lambda's {@code Errors}: errors, timeouts, crashes), summed. */
  public Metric metricErrors(Duration period) {
    return function.metricErrors(MetricOptions.builder().period(period).statistic("Sum").build());
  }

  @Override
  public Function getFunction() {
    return function;
  }
}
