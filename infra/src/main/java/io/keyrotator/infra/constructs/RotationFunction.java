package io.keyrotator.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.FunctionHandlers;
import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.config.KeyrotatorConfig.RotationSettings;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
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
 * ManagedKeySecret#SECRET_NAME_PREFIX} in this account and Region, and then refuses secrets named
 * otherwise. Refusing large configurations instead would break deployments that work today; the
 * fallback still keeps every other secret out, and the function itself accepts only secrets of the
 * managed users that it can prove are keyrotator's.
 */
public final class RotationFunction extends Construct {
  /** The handler in the lambda module. */
  public static final String HANDLER = FunctionHandlers.ROTATION;

  /** Added to the longest propagation wait to get the function timeout. */
  static final int TIMEOUT_HEADROOM_SECONDS = 60;

  /** Lambda's longest timeout. */
  static final int MAX_TIMEOUT_SECONDS = 900;

  /** Lambda's limit on a function's (here: the alias's) resource-based policy, in bytes. */
  static final int MAX_FUNCTION_POLICY_BYTES = 20_480;

  /**
   * The most a per-secret permission statement takes besides its secret's name: a 100-character
   * statement id (CloudFormation generates it), the longest partition and Region, a 64-character
   * function name, the {@code live} qualifier, the source account and the ARN's random suffix.
   */
  static final int PERMISSION_STATEMENT_BYTES = 530;

  /** The policy's own {@code Version}, {@code Id} and brackets. */
  static final int POLICY_ENVELOPE_BYTES = 60;

  private final Role role;
  private final Function function;
  private final Alias alias;
  private final Optional<CfnPermission> sharedInvokePermission;
  private final List<String> invokingSecretNames = new ArrayList<>();
  private final Set<String> keysGranted = new HashSet<>();

  /**
   * Options.
   *
   * @param codePath the function's jar (or a directory); default {@code
   *     lambda/target/keyrotator-lambda.jar}, relative to where the app runs
   * @param settings rotation settings passed as environment variables; default the function's own
   *     defaults
   * @param users the IAM users the function may rotate, by name and path (required, at least one;
   *     the names joined with commas at most {@link KeyrotatorConfig#MAX_MANAGED_USER_NAMES_LENGTH}
   *     characters)
   * @param roleName the execution role's name; default generated. Give one when another stack must
   *     recognise the role (the out-of-band key change rule)
   * @param memorySize MB; default 512
   * @param architecture default ARM_64
   * @param logRetention default one year
   */
  public record Props(
      String codePath,
      RotationSettings settings,
      List<IamUser> users,
      Optional<String> roleName,
      int memorySize,
      Architecture architecture,
      RetentionDays logRetention) {
    public Props {
      users = List.copyOf(users);
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
      private String codePath = "lambda/target/keyrotator-lambda.jar";
      private RotationSettings settings = RotationSettings.defaults();
      private List<IamUser> users = List.of();
      private String roleName;
      private int memorySize = 512;
      private Architecture architecture = Architecture.ARM_64;
      private RetentionDays logRetention = RetentionDays.ONE_YEAR;

      public Builder codePath(String value) {
        codePath = value;
        return this;
      }

      public Builder settings(RotationSettings value) {
        settings = value;
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

      public Builder architecture(Architecture value) {
        architecture = value;
        return this;
      }

      public Builder logRetention(RetentionDays value) {
        logRetention = value;
        return this;
      }

      public Props build() {
        checkUsers("RotationFunction", users);
        return new Props(
            codePath,
            settings,
            users,
            Optional.ofNullable(roleName),
            memorySize,
            architecture,
            logRetention);
      }
    }
  }

  /**
   * Refuses an empty user list and one whose names, joined, do not fit the function's environment.
   */
  static void checkUsers(String construct, List<IamUser> users) {
    if (users.isEmpty()) {
      throw new IllegalArgumentException(
          construct + ": no managed users: list at least one in users");
    }
    int length = FunctionContract.managedUsers(users.stream().map(IamUser::name).toList()).length();
    if (length > KeyrotatorConfig.MAX_MANAGED_USER_NAMES_LENGTH) {
      throw new IllegalArgumentException(
          construct
              + ": the managed user names come to "
              + length
              + " characters joined, more than "
              + KeyrotatorConfig.MAX_MANAGED_USER_NAMES_LENGTH
              + " (Lambda allows 4 KB for all environment variables)");
    }
  }

  public RotationFunction(Construct scope, String id, Props props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    int timeoutSeconds = props.settings().propagationTimeoutSeconds() + TIMEOUT_HEADROOM_SECONDS;
    getNode()
        .addValidation(
            () ->
                timeoutSeconds > MAX_TIMEOUT_SECONDS
                    ? List.of(
                        "RotationFunction: propagationTimeoutSeconds "
                            + props.settings().propagationTimeoutSeconds()
                            + " plus "
                            + TIMEOUT_HEADROOM_SECONDS
                            + " s of headroom exceeds Lambda's "
                            + MAX_TIMEOUT_SECONDS
                            + " s limit")
                    : List.of());

    LogGroup logGroup = FunctionExecution.logGroup(this, props.logRetention());
    role =
        FunctionExecution.role(
            this,
            "keyrotator rotation function: rotates access keys of managed users only",
            props.roleName(),
            logGroup);

    List<String> userArns = props.users().stream().map(user -> user.arn(stack)).toList();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("RotateManagedUsersKeys")
            .actions(
                List.of(
                    "iam:GetUser",
                    "iam:ListAccessKeys",
                    "iam:CreateAccessKey",
                    "iam:UpdateAccessKey",
                    "iam:DeleteAccessKey",
                    "iam:GetAccessKeyLastUsed"))
            .resources(userArns)
            .build());
    // TagUser and UntagUser always carry at least one tag key, so ForAllValues never passes on
    // an empty set here.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("ClaimManagedUsers")
            .actions(List.of("iam:TagUser"))
            .resources(userArns)
            .conditions(onlyTagKeys(FunctionContract.CLAIM_TAG_KEY))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("RemoveClaimOrLegacyRotationTag")
            .actions(List.of("iam:UntagUser"))
            .resources(userArns)
            .conditions(
                onlyTagKeys(
                    FunctionContract.CLAIM_TAG_KEY, FunctionContract.LEGACY_ROTATION_TAG_KEY))
            .build());
    // ListSecrets has no resource type: it cannot be narrowed. It returns names and metadata,
    // never values; the function uses it to find every secret that claims a user.
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("FindSecrets")
            .actions(List.of("secretsmanager:ListSecrets"))
            .resources(List.of("*"))
            .build());

    RotationSettings s = props.settings();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.putAll(scopeEnvironment(props.users()));
    environment.put(FunctionEnvironment.PREVIOUS_KEY_POLICY, s.previousKeyPolicy().toString());
    environment.put(FunctionEnvironment.KEY_LIMIT_POLICY, s.keyLimitPolicy().toString());
    environment.put(FunctionEnvironment.IDLE_DAYS, Integer.toString(s.idleDays()));
    environment.put(
        FunctionEnvironment.DELETE_UNPROVEN_KEYS, Boolean.toString(s.deleteUnprovenKeys()));
    environment.put(
        FunctionEnvironment.PROPAGATION_SUCCESSES, Integer.toString(s.propagationSuccesses()));
    environment.put(
        FunctionEnvironment.PROPAGATION_TIMEOUT_SECONDS,
        Integer.toString(s.propagationTimeoutSeconds()));
    environment.put(
        FunctionEnvironment.PROPAGATION_INTERVAL_MILLIS,
        Integer.toString(s.propagationIntervalMillis()));

    function =
        Function.Builder.create(this, "Function")
            .description("keyrotator: Secrets Manager rotation of IAM user access keys")
            .runtime(Runtime.JAVA_21)
            .architecture(props.architecture())
            .handler(HANDLER)
            .code(Code.fromAsset(props.codePath()))
            .memorySize(props.memorySize())
            .timeout(Duration.seconds(Math.min(timeoutSeconds, MAX_TIMEOUT_SECONDS)))
            .role(role)
            .logGroup(logGroup)
            .loggingFormat(LoggingFormat.JSON)
            .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
            .environment(environment)
            .build();
    // The role's policy must exist before the function runs (CDK adds that dependency for roles it
    // creates itself, not for one passed in).
    function.getNode().addDependency(role);

    // SnapStart applies to published versions only: the alias below publishes one.
    Annotations.of(function)
        .acknowledgeWarning(
            "@aws-cdk/aws-lambda:snapStartRequirePublish",
            "The live alias points at currentVersion, a published version");
    NagSuppressions.addResourceSuppressions(
        function,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-L1")
                .reason(
                    "The lambda module is compiled for and tested on Java 21, the newest Java"
                        + " runtime with SnapStart that the project supports; moving to a newer"
                        + " runtime is a change of the lambda module, not of this stack.")
                .build()));
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "Resource \"*\" only for secretsmanager:ListSecrets, which has no resource"
                        + " type; it returns names and metadata, never values. Every other"
                        + " statement names exact users, secrets and keys.")
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);

    alias =
        Alias.Builder.create(this, "Live")
            .aliasName("live")
            .version(function.getCurrentVersion())
            .build();

    List<String> expectedSecretNames =
        props.users().stream()
            .map(user -> ManagedKeySecret.SECRET_NAME_PREFIX + user.name())
            .toList();
    sharedInvokePermission =
        estimatedInvokePolicyBytes(expectedSecretNames) <= MAX_FUNCTION_POLICY_BYTES
            ? Optional.empty()
            : Optional.of(
                invokePermission(
                    this,
                    "SecretsManagerInvoke",
                    stack.formatArn(
                        ArnComponents.builder()
                            .service("secretsmanager")
                            .resource("secret")
                            .resourceName(ManagedKeySecret.SECRET_NAME_PREFIX + "*")
                            .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                            .build())));
    getNode()
        .addValidation(
            () -> {
              int bytes = estimatedInvokePolicyBytes(invokingSecretNames);
              return sharedInvokePermission.isEmpty() && bytes > MAX_FUNCTION_POLICY_BYTES
                  ? List.of(
                      "RotationFunction: "
                          + invokingSecretNames.size()
                          + " per-secret invoke permissions need about "
                          + bytes
                          + " bytes, more than Lambda's "
                          + MAX_FUNCTION_POLICY_BYTES
                          + "-byte function policy; list every secret's user in users so the"
                          + " function uses one permission for "
                          + ManagedKeySecret.SECRET_NAME_PREFIX
                          + "* instead")
                  : List.of();
            });
  }

  /**
   * The size Lambda's policy on the alias reaches with one invoke permission per secret name,
   * estimated from above.
   */
  static int estimatedInvokePolicyBytes(List<String> secretNames) {
    return POLICY_ENVELOPE_BYTES
        + secretNames.stream().mapToInt(name -> PERMISSION_STATEMENT_BYTES + name.length()).sum();
  }

  private CfnPermission invokePermission(Construct scope, String id, String sourceArn) {
    return CfnPermission.Builder.create(scope, id)
        .action("lambda:InvokeFunction")
        .functionName(alias.getFunctionArn())
        .principal("secretsmanager.amazonaws.com")
        .sourceAccount(Stack.of(this).getAccount())
        .sourceArn(sourceArn)
        .build();
  }

  /**
   * Lets Secrets Manager invoke the alias to rotate this secret, and returns the permission its
   * schedule must depend on: a new one in {@code scope} whose {@code aws:SourceArn} is the secret's
   * ARN, or, when the users are too many for one permission each, the shared one for {@value
   * ManagedKeySecret#SECRET_NAME_PREFIX}{@code *} (then {@code secretName} must start with that
   * prefix).
   *
   * @throws IllegalArgumentException in the shared case, for a secret named otherwise
   */
  public CfnPermission allowInvocationBy(Construct scope, ISecret secret, String secretName) {
    if (sharedInvokePermission.isPresent()) {
      if (!secretName.startsWith(ManagedKeySecret.SECRET_NAME_PREFIX)) {
        throw new IllegalArgumentException(
            "RotationFunction: secret "
                + secretName
                + " does not start with "
                + ManagedKeySecret.SECRET_NAME_PREFIX
                + ", the only secrets the shared invoke permission covers (the function has too"
                + " many users for one permission per secret)");
      }
      return sharedInvokePermission.get();
    }
    invokingSecretNames.add(secretName);
    return invokePermission(scope, "InvokePermission", secret.getSecretArn());
  }

  /**
   * The scope both functions get: the exact user names, and no path (the list is the whole scope).
   * No tag widens it: tags are records anyone with TagUser can write.
   */
  static Map<String, String> scopeEnvironment(List<IamUser> users) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(
        FunctionContract.MANAGED_USERS_ENV,
        FunctionContract.managedUsers(users.stream().map(IamUser::name).toList()));
    environment.put(FunctionContract.MANAGED_PATH_PREFIX_ENV, "");
    return environment;
  }

  /** Tag requests (TagUser, UntagUser, TagResource, UntagResource) that name only these keys. */
  static Map<String, Object> onlyTagKeys(String... keys) {
    return Map.of("ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of(keys)));
  }

  /**
   * Lets the function rotate one secret: read it and its versions (deprecated versions are
   * evidence), write values, move stages, keep its attempt record ({@link
   * FunctionContract#ATTEMPT_TAG_KEY}, the only secret tag it may write), and use its key only
   * through Secrets Manager. The key's own policy must let the role in too.
   */
  public void grantRotation(ISecret secret, IKey key) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(
                List.of(
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:ListSecretVersionIds",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"))
            .resources(List.of(secret.getSecretArn()))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(List.of("secretsmanager:TagResource", "secretsmanager:UntagResource"))
            .resources(List.of(secret.getSecretArn()))
            .conditions(onlyTagKeys(FunctionContract.ATTEMPT_TAG_KEY))
            .build());
    grantKeyViaSecretsManager(key);
  }

  private void grantKeyViaSecretsManager(IKey key) {
    if (!keysGranted.add(key.getNode().getPath())) {
      return;
    }
    role.addToPrincipalPolicy(
        FunctionExecution.keyViaSecretsManager(
            this,
            "UseSecretsKeyOnlyViaSecretsManager" + keysGranted.size(),
            List.of("kms:Decrypt", "kms:GenerateDataKey"),
            key));
  }

  /** The execution role. */
  public Role getRole() {
    return role;
  }

  /** The function (its unpublished $LATEST). */
  public Function getFunction() {
    return function;
  }

  /** The alias rotation schedules invoke: a SnapStart-published version. */
  public Alias getAlias() {
    return alias;
  }

  /**
   * The one permission for every {@value ManagedKeySecret#SECRET_NAME_PREFIX} secret, present only
   * when the users are too many for one permission per secret.
   */
  public Optional<CfnPermission> getSharedInvokePermission() {
    return sharedInvokePermission;
  }
}
