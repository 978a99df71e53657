package io.keyrotator.infra.constructs;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionHandlers;
import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.contract.MetricNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.Duration;
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
@Value.Enclosing
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
   * Options: the shared ones of {@link FunctionOptions} (function name default {@code
   * keyrotator-hygiene}, memory default 1024 MB) and the job's settings. Every whole-number setting
   * defaults to, and must lie in the range of, the function's own setting in {@link
   * FunctionSettings}; docs/hygiene.md says what each means.
   */
  @Value.Immutable
  public interface Props extends FunctionOptions {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableHygieneFunction.Props.Builder
        implements FunctionOptions.Builder<Builder> {}

    /** Default {@code keyrotator-hygiene}. */
    @Override
    @Value.Default
    default String functionName() {
      return "keyrotator-hygiene";
    }

    /** Default 1024 MB. */
    @Override
    @Value.Default
    default int memorySize() {
      return 1024;
    }

    /**
     * Days after a rotation before an unused previous key may be deactivated; default {@link
     * FunctionSettings#GRACE}.
     */
    @Value.Default
    default int graceDays() {
      return FunctionSettings.GRACE.defaultValue();
    }

    /**
     * Days after a rotation when the previous key is deactivated even if in use, 0 for never;
     * default {@link FunctionSettings#HARD_LIMIT}.
     */
    @Value.Default
    default int hardLimitDays() {
      return FunctionSettings.HARD_LIMIT.defaultValue();
    }

    /**
     * Days a previous key stays inactive before it is deleted; default {@link
     * FunctionSettings#DELETE_AFTER}.
     */
    @Value.Default
    default int deleteAfterDays() {
      return FunctionSettings.DELETE_AFTER.defaultValue();
    }

    /**
     * Hours an AWSPENDING label may sit before the rotation counts as stuck; default {@link
     * FunctionSettings#STUCK_AFTER}.
     */
    @Value.Default
    default int stuckAfterHours() {
      return FunctionSettings.STUCK_AFTER.defaultValue();
    }

    /** Repair stuck rotations instead of only reporting them; default false. */
    @Value.Default
    default boolean repair() {
      return false;
    }

    /** Report what would be done, change nothing; default false. */
    @Value.Default
    default boolean dryRun() {
      return false;
    }

    /**
     * Access keys older than this many days are audit findings; default {@link
     * FunctionSettings#MAX_KEY_AGE}.
     */
    @Value.Default
    default int auditMaxKeyAgeDays() {
      return FunctionSettings.MAX_KEY_AGE.defaultValue();
    }

    /**
     * Credentials unused for longer than this many days are audit findings; default {@link
     * FunctionSettings#UNUSED}.
     */
    @Value.Default
    default int auditUnusedDays() {
      return FunctionSettings.UNUSED.defaultValue();
    }

    /** 1 s to 15 minutes; default 10 minutes (a full account's audit takes a few minutes). */
    @Value.Default
    default Duration timeout() {
      return Duration.minutes(10);
    }

    /**
     * Retries of a failed asynchronous run (0-2); default 1: one more go after a transient failure
     * (a run is safe to repeat), without tripling a run that keeps timing out.
     */
    @Value.Default
    default int retryAttempts() {
      return 1;
    }

    /**
     * @throws IllegalArgumentException "HygieneFunction: field ..." for a value out of range
     */
    @Value.Check
    default void check() {
      String construct = "HygieneFunction";
      checkFunctionOptions(construct);
      PropsCheck.inRange(construct, "graceDays", graceDays(), FunctionSettings.GRACE);
      PropsCheck.inRange(construct, "hardLimitDays", hardLimitDays(), FunctionSettings.HARD_LIMIT);
      PropsCheck.inRange(
          construct, "deleteAfterDays", deleteAfterDays(), FunctionSettings.DELETE_AFTER);
      PropsCheck.inRange(
          construct, "stuckAfterHours", stuckAfterHours(), FunctionSettings.STUCK_AFTER);
      PropsCheck.inRange(
          construct, "auditMaxKeyAgeDays", auditMaxKeyAgeDays(), FunctionSettings.MAX_KEY_AGE);
      PropsCheck.inRange(construct, "auditUnusedDays", auditUnusedDays(), FunctionSettings.UNUSED);
      long seconds = timeout().toSeconds().longValue();
      if (seconds < 1 || seconds > RotationFunction.MAX_TIMEOUT_SECONDS) {
        throw new IllegalArgumentException(
            construct
                + ": timeout "
                + seconds
                + " s is outside Lambda's 1-"
                + RotationFunction.MAX_TIMEOUT_SECONDS
                + " s");
      }
      if (retryAttempts() < 0 || retryAttempts() > 2) {
        throw new IllegalArgumentException(
            construct + ": retryAttempts " + retryAttempts() + " is outside Lambda's 0-2");
      }
    }
  }

  public HygieneFunction(Construct scope, String id, Props props) {
    super(
        scope,
        id,
        props,
        "keyrotator hygiene function: retires previous keys of managed users, audits the"
            + " account read-only");
    FunctionExecution execution = execution();
    Role role = execution.role();
    // The function keeps only the managed secrets it finds.
    execution.allowListSecrets("FindManagedSecrets");
    execution.allowOnManagedUsers(
        "RetireManagedUsersPreviousKeys",
        List.of(
            "iam:GetUser",
            "iam:ListAccessKeys",
            "iam:GetAccessKeyLastUsed",
            "iam:UpdateAccessKey",
            "iam:DeleteAccessKey"),
        Map.of());
    execution.allowOnManagedUsers(
        "TagManagedUsersWithDeactivationOnly",
        List.of("iam:TagUser", "iam:UntagUser"),
        FunctionExecution.onlyTagKeys(FunctionContract.DEACTIVATED_TAG_KEY));
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
                props,
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
    return FunctionExecution.count(
        metricName, MetricNames.JOB_DIMENSION, MetricNames.HYGIENE_JOB, period);
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
