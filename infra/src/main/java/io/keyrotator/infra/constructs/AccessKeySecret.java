package io.keyrotator.infra.constructs;

import io.keyrotator.contract.SecretValueFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.secretsmanager.CfnRotationSchedule;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * One IAM user's access key in Secrets Manager, rotated by the {@link RotationFunction}.
 *
 * <p>The secret starts as {@code {"UserName": "<user>"}}: the first rotation (which Secrets Manager
 * starts as soon as the schedule is set) creates the first key. The schedule is written on the L1
 * {@link CfnRotationSchedule}: the L2 {@code RotationSchedule} offers neither {@code cron}
 * (aws/aws-cdk issue 24062) nor control over the invoke permission it adds (it has no SourceAccount
 * condition). The schedule depends on its own invoke permission, whose source is this secret's ARN
 * (aws/aws-cdk issue 26481; see {@link RotationFunction#allowInvocationBy}).
 *
 * <p>Only keyrotator writes the secret (its resource policy): the value, stages and tags only the
 * rotation role, the hygiene role (stage moves and removing the attempt record) and the deployment
 * role; the secret's settings, policy, replication and deletion only the deployment role; starting
 * and cancelling a rotation only the deployment role and the listed operators. Reading the value is
 * denied to all but keyrotator's roles, the listed readers and, with {@code selfReaderArn}, the
 * managed user itself. The key's policy lets the same principals use it, only through Secrets
 * Manager (see {@link SecretsKey}).
 */
@Value.Enclosing
public final class AccessKeySecret extends Construct {
  /** The start of every secret name the CDK app gives: {@code keyrotator/<user>}. */
  public static final String SECRET_NAME_PREFIX = "keyrotator/";

  /** Writes to the value and the tags: the rotation role and the deployment role. */
  public static final List<String> VALUE_AND_TAG_WRITES =
      List.of("secretsmanager:PutSecretValue", "secretsmanager:TagResource");

  /** Moving stages and removing tags: also the hygiene role (repair, resolved attempt records). */
  public static final List<String> STAGE_MOVES_AND_TAG_REMOVAL =
      List.of("secretsmanager:UpdateSecretVersionStage", "secretsmanager:UntagResource");

  /** The secret's settings, policy, replication and life: the deployment role only. */
  public static final List<String> DEPLOYMENT_ONLY_WRITES =
      List.of(
          "secretsmanager:UpdateSecret",
          "secretsmanager:PutResourcePolicy",
          "secretsmanager:DeleteResourcePolicy",
          "secretsmanager:RestoreSecret",
          "secretsmanager:ReplicateSecretToRegions",
          "secretsmanager:RemoveRegionsFromReplication",
          "secretsmanager:StopReplicationToReplica",
          "secretsmanager:DeleteSecret");

  /** Starting and cancelling a rotation: the deployment role and the operators. */
  public static final List<String> ROTATION_CONTROL =
      List.of("secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret");

  /** What the rotation function needs of the key: read and write values. */
  static final List<String> READ_WRITE_KEY_ACTIONS = List.of("kms:Decrypt", "kms:GenerateDataKey");

  /**
   * What CloudFormation needs of the key: it writes the first value, and a change of key
   * re-encrypts the current versions (UpdateSecret with a new KmsKeyId needs kms:Encrypt).
   */
  static final List<String> DEPLOYMENT_KEY_ACTIONS =
      List.of("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt");

  private final Secret secret;
  private final CfnRotationSchedule schedule;
  private final CfnPermission invokePermission;
  private final SecretsKey key;

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableAccessKeySecret.Props.Builder {}

    /** The IAM user; required. */
    String userName();

    /** The rotation function; required. */
    RotationFunction rotationFunction();

    /** The key; default a new {@link SecretsKey} for this secret. */
    Optional<SecretsKey> encryptionKey();

    /** {@code rate(...)} or {@code cron(...)}; default {@code rate(30 days)}. */
    @Value.Default
    default String scheduleExpression() {
      return "rate(30 days)";
    }

    /** The rotation window, e.g. {@code 3h}; default none (Secrets Manager's default). */
    Optional<String> window();

    /** IAM principal ARNs allowed to read the secret; default none. */
    List<String> readers();

    /**
     * The managed user's own ARN, when its own key may read the secret: for a consumer with no
     * other AWS identity ({@code keyrotator credentials --self}). It gets GetSecretValue alone (the
     * other readers also DescribeSecret) and kms:Decrypt through Secrets Manager; default none.
     */
    Optional<String> selfReaderArn();

    /**
     * An existing access key id of the user that the secret takes over: its first value names it
     * ({@value SecretValueFields#ADOPT_ACCESS_KEY_IDS}) and the first rotation seals the adoption
     * (docs/deploy.md, "Existing users and keys"); default none.
     */
    Optional<String> adoptKey();

    /** Default {@code keyrotator/<userName>} ({@link #SECRET_NAME_PREFIX}). */
    @Value.Default
    default String secretName() {
      return SECRET_NAME_PREFIX + userName();
    }

    /**
     * The hygiene function's role, which reads the secret, moves its stages and removes attempt
     * records; default none (no hygiene function).
     */
    Optional<String> hygieneRoleArn();

    /**
     * The role CloudFormation deploys with, the only one allowed to change the secret's settings
     * and policy; default {@link DeploymentRole#of} the stack (synthesis fails if the stack's
     * synthesizer names none).
     */
    Optional<String> deploymentRoleArn();

    /** IAM principal ARNs allowed to start and cancel rotations; default none. */
    List<String> operators();
  }

  public AccessKeySecret(Construct scope, String id, Props props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    RotationFunction rotation = props.rotationFunction();
    String rotationRole = rotation.getRole().getRoleArn();
    Optional<String> deploymentRole = props.deploymentRoleArn().or(() -> DeploymentRole.of(stack));
    if (deploymentRole.isEmpty()) {
      throw new IllegalArgumentException(
          "AccessKeySecret: the stack's synthesizer names no CloudFormation execution role;"
              + " give deploymentRoleArn, the role CloudFormation deploys this stack with");
    }
    key =
        props
            .encryptionKey()
            .orElseGet(
                () ->
                    new SecretsKey(
                        this,
                        "Key",
                        new SecretsKey.Props(
                            "Encrypts the keyrotator secret of " + props.userName())));

    secret =
        Secret.Builder.create(this, "Secret")
            .secretName(props.secretName())
            .description("Access key of IAM user " + props.userName() + ", rotated by keyrotator")
            .encryptionKey(key.getKey())
            // Not a secret: only the user name. The first rotation creates the first key.
            .secretStringValue(SecretValue.unsafePlainText(bootstrapValue(props)))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Tags.of(secret).add(FunctionContract.SECRET_USER_TAG_KEY, props.userName());
    Tags.of(secret).add(FunctionContract.SECRET_MANAGED_TAG_KEY, "true");

    rotation.grantRotation(secret, key.getKey());

    List<String> allowedReaders = new ArrayList<>();
    allowedReaders.add(rotationRole);
    props.hygieneRoleArn().ifPresent(allowedReaders::add);
    allowedReaders.addAll(props.readers());
    props.selfReaderArn().ifPresent(allowedReaders::add);
    secret.addToResourcePolicy(
        denyAllBut(
            "OnlyRotationAndReadersGetValue",
            List.of("secretsmanager:GetSecretValue"),
            allowedReaders));
    secret.addToResourcePolicy(
        denyAllBut(
            "OnlyKeyrotatorWritesValueAndTags",
            VALUE_AND_TAG_WRITES,
            List.of(rotationRole, deploymentRole.get())));
    List<String> stageMovers = new ArrayList<>(List.of(rotationRole));
    props.hygieneRoleArn().ifPresent(stageMovers::add);
    stageMovers.add(deploymentRole.get());
    secret.addToResourcePolicy(
        denyAllBut(
            "OnlyKeyrotatorMovesStagesAndRemovesTags", STAGE_MOVES_AND_TAG_REMOVAL, stageMovers));
    secret.addToResourcePolicy(
        denyAllBut(
            "OnlyDeploymentChangesTheSecret",
            DEPLOYMENT_ONLY_WRITES,
            List.of(deploymentRole.get())));
    List<String> rotationStarters = new ArrayList<>(List.of(deploymentRole.get()));
    rotationStarters.addAll(props.operators());
    secret.addToResourcePolicy(
        denyAllBut("OnlyOperatorsStartOrCancelRotation", ROTATION_CONTROL, rotationStarters));
    if (!props.readers().isEmpty()) {
      List<IPrincipal> readers =
          props.readers().stream().map(arn -> (IPrincipal) new ArnPrincipal(arn)).toList();
      secret.addToResourcePolicy(
          PolicyStatement.Builder.create()
              .sid("ReadersGetValue")
              .effect(Effect.ALLOW)
              .principals(readers)
              .actions(List.of("secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"))
              .resources(List.of("*"))
              .build());
    }

    key.allowUseViaSecretsManager(
        "RotationRoleReadsAndWrites", List.of(rotationRole), READ_WRITE_KEY_ACTIONS);
    props
        .hygieneRoleArn()
        .ifPresent(
            hygiene ->
                key.allowUseViaSecretsManager(
                    "HygieneRoleReads", List.of(hygiene), List.of("kms:Decrypt")));
    key.allowUseViaSecretsManager(
        "DeploymentRoleWritesAndReads", List.of(deploymentRole.get()), DEPLOYMENT_KEY_ACTIONS);
    props
        .selfReaderArn()
        .ifPresent(
            self ->
                secret.addToResourcePolicy(
                    PolicyStatement.Builder.create()
                        .sid("UserReadsItsOwnKey")
                        .effect(Effect.ALLOW)
                        .principals(List.of(new ArnPrincipal(self)))
                        .actions(List.of("secretsmanager:GetSecretValue"))
                        .resources(List.of("*"))
                        .build()));

    List<String> decrypters = new ArrayList<>(props.readers());
    props.selfReaderArn().ifPresent(decrypters::add);
    key.allowUseViaSecretsManager(
        // Unique per secret even for user names that differ only in punctuation.
        "ReadersDecryptViaSecretsManager" + getNode().getAddr().substring(0, 12),
        decrypters,
        List.of("kms:Decrypt"));

    CfnRotationSchedule.RotationRulesProperty.Builder rules =
        CfnRotationSchedule.RotationRulesProperty.builder()
            .scheduleExpression(props.scheduleExpression());
    props.window().ifPresent(rules::duration);
    schedule =
        CfnRotationSchedule.Builder.create(this, "Schedule")
            .secretId(secret.getSecretArn())
            .rotationLambdaArn(rotation.getAlias().getFunctionArn())
            .rotationRules(rules.build())
            // Rotate as soon as the schedule exists: that first rotation creates the first key.
            .rotateImmediatelyOnUpdate(true)
            .build();
    invokePermission = rotation.allowInvocationBy(this, secret, props.secretName());
    schedule.getNode().addDependency(invokePermission);
    // The function must be able to read and write the secret before its first rotation.
    schedule.getNode().addDependency(rotation.getRole());
  }

  /**
   * Denies {@code actions} on the secret to every principal whose {@code aws:PrincipalArn} is none
   * of {@code allowed}. A role session's PrincipalArn is the role's ARN, so naming a role covers
   * all its sessions.
   */
  static PolicyStatement denyAllBut(String sid, List<String> actions, List<String> allowed) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.DENY)
        .principals(List.of(new AnyPrincipal()))
        .actions(actions)
        .resources(List.of("*"))
        .conditions(Map.of("StringNotEquals", Map.of("aws:PrincipalArn", List.copyOf(allowed))))
        .build();
  }

  /**
   * The first value: {@code {"UserName": "<user>"}}, naming the key to adopt when there is one.
   * Both are checked by the configuration (an IAM user name, an access key id), so nothing needs
   * escaping.
   */
  private static String bootstrapValue(Props props) {
    return "{\""
        + SecretValueFields.USER_NAME
        + "\":\""
        + props.userName()
        + "\""
        + props
            .adoptKey()
            .map(k -> ",\"" + SecretValueFields.ADOPT_ACCESS_KEY_IDS + "\":[\"" + k + "\"]")
            .orElse("")
        + "}";
  }

  /** The secret. */
  public Secret getSecret() {
    return secret;
  }

  /** The rotation schedule (L1, see the class comment). */
  public CfnRotationSchedule getSchedule() {
    return schedule;
  }

  /** The permission that lets Secrets Manager invoke the rotation function for this secret. */
  public CfnPermission getInvokePermission() {
    return invokePermission;
  }

  /** The key that encrypts the secret, with its policy. */
  public SecretsKey getSecretsKey() {
    return key;
  }
}
