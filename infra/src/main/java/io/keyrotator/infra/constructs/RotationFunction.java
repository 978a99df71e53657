package io.keyrotator.infra.constructs;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionHandlers;
import io.keyrotator.contract.FunctionSettings;
import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.MetricNames;
import io.keyrotator.contract.PreviousKeyPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The Secrets Manager rotation function for IAM access keys: Java 21, SnapStart on published
 * versions, an alias ({@code live}) that rotation schedules target, a log group with retention and
 * JSON logs, and an execution role that can touch only the listed users, by exact ARN, and the
 * secrets handed to {@link #grantRotation}. The function gets the same user list as its scope
 * ({@link FunctionContract#MANAGED_USERS_ENV}).
 *
 * <p>Secrets Manager may invoke the alias only for keyrotator's secrets: {@link #allowInvocationBy}
 * adds one permission per secret, with that secret's ARN as {@code aws:SourceArn} (and this account
 * as {@code aws:SourceAccount}), for the secret's schedule to depend on (a schedule created in
 * parallel with its permission fails: aws/aws-cdk issue 26481). Lambda keeps those permissions in
 * one resource-based policy of at most 20 KB, about 35 to 37 secrets. For more users, the construct
 * falls back to one permission for every secret whose name starts with {@value
 * AccessKeySecret#SECRET_NAME_PREFIX} in this account and Region, and then refuses secrets named
 * otherwise. Refusing large configurations instead would break deployments that work today; the
 * fallback still keeps every other secret out, and the function itself accepts only secrets of the
 * managed users that it can prove are keyrotator's.
 *
 * <p>The function reports each step's outcome as metrics (namespace {@value MetricNames#NAMESPACE},
 * dimension {@value MetricNames#STEP_DIMENSION}); {@link #metricStepFailed} reads them for {@link
 * RotationAlarms}.
 */
@Value.Enclosing
public final class RotationFunction extends KeyrotatorFunction {
  /** The handler in the lambda module. */
  public static final String HANDLER = FunctionHandlers.ROTATION;

  /** Added to the longest propagation wait to get the function timeout. */
  static final int TIMEOUT_HEADROOM_SECONDS = 60;

  /** Lambda's longest timeout. */
  static final int MAX_TIMEOUT_SECONDS = 900;

  private final Function function;
  private final Alias alias;
  private final RotationInvokePermissions invokePermissions;
  private final SecretGrants secretGrants;

  /**
   * Options: the shared ones of {@link FunctionOptions} (function name default {@code
   * keyrotator-rotation}, memory default 512 MB) and the rotation's settings, passed to the
   * function as environment variables (docs/rotation.md says what each means). Every whole-number
   * setting defaults to, and must lie in the range of, the function's own setting in {@link
   * FunctionSettings}.
   */
  @Value.Immutable
  public interface Props extends FunctionOptions {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableRotationFunction.Props.Builder
        implements FunctionOptions.Builder<Builder> {}

    /** Default {@code keyrotator-rotation}. */
    @Override
    @Value.Default
    default String functionName() {
      return "keyrotator-rotation";
    }

    /** Default 512 MB. */
    @Override
    @Value.Default
    default int memorySize() {
      return 512;
    }

    /**
     * What happens to the previous key after a rotation; default {@link
     * FunctionSettings#DEFAULT_PREVIOUS_KEY_POLICY}.
     */
    @Value.Default
    default PreviousKeyPolicy previousKeyPolicy() {
      return FunctionSettings.DEFAULT_PREVIOUS_KEY_POLICY;
    }

    /**
     * What a rotation does when the user already has two keys; default {@link
     * FunctionSettings#DEFAULT_KEY_LIMIT_POLICY}.
     */
    @Value.Default
    default KeyLimitPolicy keyLimitPolicy() {
      return FunctionSettings.DEFAULT_KEY_LIMIT_POLICY;
    }

    /**
     * Days without use after which a previous key counts as idle; default {@link
     * FunctionSettings#IDLE}.
     */
    @Value.Default
    default int idleDays() {
      return FunctionSettings.IDLE.defaultValue();
    }

    /**
     * Consecutive successful STS calls that prove a new key works; default {@link
     * FunctionSettings#PROPAGATION_CHECKS}.
     */
    @Value.Default
    default int propagationSuccesses() {
      return FunctionSettings.PROPAGATION_CHECKS.defaultValue();
    }

    /**
     * Longest wait for a new key, in seconds; the function's timeout is this plus {@value
     * #TIMEOUT_HEADROOM_SECONDS} s, at most Lambda's {@value #MAX_TIMEOUT_SECONDS} s; default
     * {@link FunctionSettings#PROPAGATION_TIMEOUT}.
     */
    @Value.Default
    default int propagationTimeoutSeconds() {
      return FunctionSettings.PROPAGATION_TIMEOUT.defaultValue();
    }

    /**
     * Pause between two checks of a new key, in milliseconds; default {@link
     * FunctionSettings#PROPAGATION_INTERVAL}.
     */
    @Value.Default
    default int propagationIntervalMillis() {
      return FunctionSettings.PROPAGATION_INTERVAL.defaultValue();
    }

    /**
     * @throws IllegalArgumentException "RotationFunction: field ..." for a value out of range, or a
     *     propagation wait that leaves the function no time within Lambda's limit
     */
    @Value.Check
    default void check() {
      String construct = "RotationFunction";
      checkFunctionOptions(construct);
      PropsCheck.inRange(construct, "idleDays", idleDays(), FunctionSettings.IDLE);
      PropsCheck.inRange(
          construct,
          "propagationSuccesses",
          propagationSuccesses(),
          FunctionSettings.PROPAGATION_CHECKS);
      if (propagationTimeoutSeconds() + TIMEOUT_HEADROOM_SECONDS > MAX_TIMEOUT_SECONDS) {
        throw new IllegalArgumentException(
            construct
                + ": propagationTimeoutSeconds "
                + propagationTimeoutSeconds()
                + " plus "
                + TIMEOUT_HEADROOM_SECONDS
                + " s of headroom exceeds Lambda's "
                + MAX_TIMEOUT_SECONDS
                + " s limit");
      }
      PropsCheck.inRange(
          construct,
          "propagationTimeoutSeconds",
          propagationTimeoutSeconds(),
          FunctionSettings.PROPAGATION_TIMEOUT);
      PropsCheck.inRange(
          construct,
          "propagationIntervalMillis",
          propagationIntervalMillis(),
          FunctionSettings.PROPAGATION_INTERVAL);
    }
  }

  public RotationFunction(Construct scope, String id, Props props) {
    super(
        scope,
        id,
        props,
        "keyrotator rotation function: rotates access keys of managed users only");
    FunctionExecution execution = execution();
    Role role = execution.role();

    execution.allowOnManagedUsers(
        "RotateManagedUsersKeys",
        List.of(
            "iam:GetUser",
            "iam:ListAccessKeys",
            "iam:CreateAccessKey",
            "iam:UpdateAccessKey",
            "iam:DeleteAccessKey",
            "iam:GetAccessKeyLastUsed"),
        Map.of());
    // TagUser and UntagUser always carry at least one tag key, so ForAllValues never passes on
    // an empty set here.
    execution.allowOnManagedUsers(
        "ClaimManagedUsers",
        List.of("iam:TagUser"),
        FunctionExecution.onlyTagKeys(FunctionContract.CLAIM_TAG_KEY));
    execution.allowOnManagedUsers(
        "RemoveClaimOrLegacyRotationTag",
        List.of("iam:UntagUser"),
        FunctionExecution.onlyTagKeys(
            FunctionContract.CLAIM_TAG_KEY, FunctionContract.LEGACY_ROTATION_TAG_KEY));
    // The function uses it to find every secret that claims a user.
    execution.allowListSecrets("FindSecrets");
    // Read the secret and its versions (deprecated versions are evidence), write values, move
    // stages, keep the attempt record (the only secret tag the function may write).
    secretGrants =
        new SecretGrants(
            this,
            role,
            List.of("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"),
            List.of("secretsmanager:TagResource", "secretsmanager:UntagResource"),
            List.of("kms:Decrypt", "kms:GenerateDataKey"),
            "UseSecretsKeyOnlyViaSecretsManager");

    function =
        execution
            .function(
                this,
                props,
                HANDLER,
                "keyrotator: Secrets Manager rotation of IAM user access keys",
                environment(props))
            .timeout(Duration.seconds(props.propagationTimeoutSeconds() + TIMEOUT_HEADROOM_SECONDS))
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .build();
    execution.finish(
        function,
        "The lambda module is compiled for and tested on Java 21, the newest Java runtime with"
            + " SnapStart that the project supports; moving to a newer runtime is a change of the"
            + " lambda module, not of this stack.",
        "Resource \"*\" only for secretsmanager:ListSecrets, which has no resource type; it"
            + " returns names and metadata, never values. Every other statement names exact"
            + " users, secrets and keys.");
    // SnapStart applies to published versions only: the alias below publishes one.
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "The live alias points at currentVersion, a published version");

    alias =
        Alias.Builder.create(this, "Live")
            .aliasName("live")
            .version(function.getCurrentVersion())
            .build();
    invokePermissions = new RotationInvokePermissions(this, alias, props.users());
  }

  private static Map<String, String> environment(Props props) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(FunctionEnvironment.PREVIOUS_KEY_POLICY, props.previousKeyPolicy().toString());
    environment.put(FunctionEnvironment.KEY_LIMIT_POLICY, props.keyLimitPolicy().toString());
    environment.put(FunctionEnvironment.IDLE_DAYS, Integer.toString(props.idleDays()));
    environment.put(
        FunctionEnvironment.PROPAGATION_SUCCESSES, Integer.toString(props.propagationSuccesses()));
    environment.put(
        FunctionEnvironment.PROPAGATION_TIMEOUT_SECONDS,
        Integer.toString(props.propagationTimeoutSeconds()));
    environment.put(
        FunctionEnvironment.PROPAGATION_INTERVAL_MILLIS,
        Integer.toString(props.propagationIntervalMillis()));
    return environment;
  }

  /**
   * Lets Secrets Manager invoke the alias to rotate this secret, and returns the permission its
   * schedule must depend on: a new one in {@code scope} whose {@code aws:SourceArn} is the secret's
   * ARN, or, when the users are too many for one permission each, the shared one for {@value
   * AccessKeySecret#SECRET_NAME_PREFIX}{@code *} (then {@code secretName} must start with that
   * prefix).
   *
   * @throws IllegalArgumentException in the shared case, for a secret named otherwise
   */
  public CfnPermission allowInvocationBy(Construct scope, ISecret secret, String secretName) {
    return invokePermissions.allow(scope, secret, secretName);
  }

  /**
   * Lets the function rotate one secret: read it and its versions (deprecated versions are
   * evidence), write values, move stages, keep its attempt record ({@link
   * FunctionContract#ATTEMPT_TAG_KEY}, the only secret tag it may write), and use its key only
   * through Secrets Manager. The key's own policy must let the role in too.
   */
  public void grantRotation(ISecret secret, IKey key) {
    secretGrants.grant(secret, key);
  }

  /**
   * Failures of one rotation step, as the function reports them (embedded metric format): namespace
   * {@value MetricNames#NAMESPACE}, {@value MetricNames#STEP_FAILED}, dimension {@value
   * MetricNames#STEP_DIMENSION}, statistic Sum.
   *
   * @param step one of {@link MetricNames#ROTATION_STEPS}, e.g. {@code createSecret}
   * @param period the period to sum over
   */
  public Metric metricStepFailed(String step, Duration period) {
    return FunctionExecution.count(
        MetricNames.STEP_FAILED, MetricNames.STEP_DIMENSION, step, period);
  }

  @Override
  public Function getFunction() {
    return function;
  }

  /** The alias rotation schedules invoke: a SnapStart-published version. */
  public Alias getAlias() {
    return alias;
  }

  /**
   * The one permission for every {@value AccessKeySecret#SECRET_NAME_PREFIX} secret, present only
   * when the users are too many for one permission per secret.
   */
  public Optional<CfnPermission> getSharedInvokePermission() {
    return invokePermissions.shared();
  }
}
