package io.keyrotator.infra.constructs;

import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.config.KeyrotatorConfig.RotationSettings;
import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
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
 * JSON logs, and an execution role that can touch only the managed users and the secrets handed to
 * {@link #grantRotation}.
 *
 * <p>Secrets Manager may invoke the alias only from this account ({@code aws:SourceAccount}); the
 * permission is exposed by {@link #getInvokePermission()} so schedules can depend on it (a schedule
 * created in parallel with the permission fails: aws/aws-cdk issue 26481).
 */
public final class RotationFunction extends Construct {
  /** The handler in the lambda module. */
  public static final String HANDLER = "io.keyrotator.lambda.RotationHandler::handleRequest";
  /** The only user tag the function writes. */
  public static final String ROTATION_TAG_KEY = "keyrotator:rotation";
  /** The opt-in tag the function accepts on users outside the managed path. */
  public static final String MANAGED_TAG = "keyrotator:managed=true";
  /** Added to the longest propagation wait to get the function timeout. */
  static final int TIMEOUT_HEADROOM_SECONDS = 60;
  /** Lambda's longest timeout. */
  static final int MAX_TIMEOUT_SECONDS = 900;

  private final Role role;
  private final Function function;
  private final Alias alias;
  private final CfnPermission invokePermission;
  private final Set<String> keysGranted = new HashSet<>();

  /**
   * Options.
   *
   * @param codePath the function's jar (or a directory); default {@code
   *     lambda/target/keyrotator-lambda.jar}, relative to where the app runs
   * @param settings rotation settings passed as environment variables; default the function's own
   *     defaults
   * @param manageUsersUnderPath allow the users under {@link KeyrotatorConfig#MANAGED_PATH}; default
   *     true
   * @param existingUsers names with their IAM path of existing users the function may rotate;
   *     default none
   * @param roleName the execution role's name; default generated. Give one when another stack
   *     must recognise the role (the out-of-band key change rule)
   * @param memorySize MB; default 512
   * @param architecture default ARM_64
   * @param logRetention default one year
   */
  public record Props(
      String codePath,
      RotationSettings settings,
      boolean manageUsersUnderPath,
      List<ExistingUser> existingUsers,
      Optional<String> roleName,
      int memorySize,
      Architecture architecture,
      RetentionDays logRetention) {
    public Props {
      existingUsers = List.copyOf(existingUsers);
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
      private String codePath = "lambda/target/keyrotator-lambda.jar";
      private RotationSettings settings =
          new RotationSettings("keep", "idle", 7, false, 3, 60, 1000);
      private boolean manageUsersUnderPath = true;
      private List<ExistingUser> existingUsers = List.of();
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

      public Builder manageUsersUnderPath(boolean value) {
        manageUsersUnderPath = value;
        return this;
      }

      public Builder existingUsers(List<ExistingUser> value) {
        existingUsers = value;
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
        return new Props(
            codePath,
            settings,
            manageUsersUnderPath,
            existingUsers,
            Optional.ofNullable(roleName),
            memorySize,
            architecture,
            logRetention);
      }
    }
  }

  /** An existing IAM user, by name and path ("/" for most). */
  public record ExistingUser(String name, String path) {}

  public RotationFunction(Construct scope, String id, Props props) {
    super(scope, id);
    if (!props.manageUsersUnderPath() && props.existingUsers().isEmpty()) {
      throw new IllegalArgumentException(
          "RotationFunction: no managed users: set manageUsersUnderPath or list existingUsers");
    }
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

    List<String> userArns =
        managedUserArns(stack, props.manageUsersUnderPath(), props.existingUsers());
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
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("TagManagedUsersWithRotationStateOnly")
            .actions(List.of("iam:TagUser", "iam:UntagUser"))
            .resources(userArns)
            .conditions(
                Map.of(
                    "ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of(ROTATION_TAG_KEY))))
            .build());

    RotationSettings s = props.settings();
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(
        "KEYROTATOR_MANAGED_PATH_PREFIX",
        props.manageUsersUnderPath() ? KeyrotatorConfig.MANAGED_PATH : "");
    environment.put("KEYROTATOR_MANAGED_TAG", MANAGED_TAG);
    environment.put("KEYROTATOR_PREVIOUS_KEY_POLICY", s.previousKeyPolicy());
    environment.put("KEYROTATOR_KEY_LIMIT_POLICY", s.keyLimitPolicy());
    environment.put("KEYROTATOR_IDLE_DAYS", Integer.toString(s.idleDays()));
    environment.put("KEYROTATOR_DELETE_UNPROVEN_KEYS", Boolean.toString(s.deleteUnprovenKeys()));
    environment.put("KEYROTATOR_PROPAGATION_SUCCESSES", Integer.toString(s.propagationSuccesses()));
    environment.put(
        "KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS", Integer.toString(s.propagationTimeoutSeconds()));
    environment.put(
        "KEYROTATOR_PROPAGATION_INTERVAL_MILLIS", Integer.toString(s.propagationIntervalMillis()));

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
    if (props.manageUsersUnderPath()) {
      NagSuppressions.addResourceSuppressions(
          role,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-IAM5")
                  .reason(
                      "Users under the IAM path /keyrotator/ are created for keyrotator and"
                          + " rotated by it: the path is the scope (the function checks it too).")
                  .appliesTo(
                      List.of(
                          RegexAppliesTo.builder()
                              .regex(MANAGED_PATH_FINDING)
                              .build()))
                  .build()),
          true);
    }

    alias = Alias.Builder.create(this, "Live").aliasName("live").version(function.getCurrentVersion()).build();

    invokePermission =
        CfnPermission.Builder.create(this, "SecretsManagerInvoke")
            .action("lambda:InvokeFunction")
            .functionName(alias.getFunctionArn())
            .principal("secretsmanager.amazonaws.com")
            .sourceAccount(stack.getAccount())
            .build();
  }

  /**
   * The IAM user ARNs a keyrotator function may act on: every user under {@link
   * KeyrotatorConfig#MANAGED_PATH} when {@code underPath}, and each existing user by exact ARN.
   */
  static List<String> managedUserArns(Stack stack, boolean underPath, List<ExistingUser> existing) {
    List<String> userArns = new ArrayList<>();
    if (underPath) {
      userArns.add(userArn(stack, KeyrotatorConfig.MANAGED_PATH.substring(1) + "*"));
    }
    for (ExistingUser user : existing) {
      userArns.add(userArn(stack, user.path().substring(1) + user.name()));
    }
    return userArns;
  }

  /** The cdk-nag IAM5 finding a managed-path user ARN raises, as a regular expression. */
  static final String MANAGED_PATH_FINDING =
      "/^Resource::arn:<AWS::Partition>:iam::(\\d{12}|<AWS::AccountId>):user\\/keyrotator\\/\\*$/";

  private static String userArn(Stack stack, String resourceName) {
    return stack.formatArn(
        ArnComponents.builder()
            .service("iam")
            .region("")
            .resource("user")
            .resourceName(resourceName)
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
            .build());
  }

  /**
   * Lets the function rotate one secret: read, write and move stages on it, and use its key only
   * through Secrets Manager.
   */
  public void grantRotation(ISecret secret, IKey key) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .effect(Effect.ALLOW)
            .actions(
                List.of(
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:PutSecretValue",
                    "secretsmanager:UpdateSecretVersionStage"))
            .resources(List.of(secret.getSecretArn()))
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

  /** Secrets Manager's permission to invoke the alias; schedules must depend on it. */
  public CfnPermission getInvokePermission() {
    return invokePermission;
  }
}
