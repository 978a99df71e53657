package io.keyrotator.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.SecretValue;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Tags;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.secretsmanager.CfnRotationSchedule;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.constructs.Construct;

/**
 * One IAM user's access key in Secrets Manager, rotated by the {@link RotationFunction}.
 *
 * <p>The secret starts as {@code {"UserName": "<user>"}}: the first rotation (which Secrets
 * Manager starts as soon as the schedule is set) creates the first key. The schedule is written on
 * the L1 {@link CfnRotationSchedule}: the L2 {@code RotationSchedule} offers neither {@code cron}
 * (aws/aws-cdk issue 24062) nor control over the invoke permission it adds (it has no
 * SourceAccount condition). The schedule depends on the function's invoke permission (aws/aws-cdk
 * issue 26481). A resource policy denies reading the value to every principal except the rotation
 * role, keyrotator's other service roles and the listed readers.
 */
public final class ManagedKeySecret extends Construct {
  private final Secret secret;
  private final CfnRotationSchedule schedule;
  private final IKey key;

  /**
   * Options.
   *
   * @param userName the IAM user (required)
   * @param rotationFunction the rotation function (required)
   * @param encryptionKey the customer managed key; default a new key for this secret, rotation on
   * @param scheduleExpression {@code rate(...)} or {@code cron(...)}; default {@code rate(30 days)}
   * @param window the rotation window, e.g. {@code 3h}; default none (Secrets Manager's default)
   * @param readers IAM principal ARNs allowed to read the secret; default none
   * @param secretName default {@code keyrotator/<userName>}
   * @param serviceReaders ARNs of keyrotator's own roles, besides the rotation role, that read the
   *     value with their identity policy (the hygiene function); default none
   */
  public record Props(
      String userName,
      RotationFunction rotationFunction,
      Optional<IKey> encryptionKey,
      String scheduleExpression,
      Optional<String> window,
      List<String> readers,
      String secretName,
      List<String> serviceReaders) {
    public Props {
      readers = List.copyOf(readers);
      serviceReaders = List.copyOf(serviceReaders);
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
      private String userName;
      private RotationFunction rotationFunction;
      private IKey encryptionKey;
      private String scheduleExpression = "rate(30 days)";
      private String window;
      private List<String> readers = List.of();
      private String secretName;
      private List<String> serviceReaders = List.of();

      public Builder userName(String value) {
        userName = value;
        return this;
      }

      public Builder rotationFunction(RotationFunction value) {
        rotationFunction = value;
        return this;
      }

      public Builder encryptionKey(IKey value) {
        encryptionKey = value;
        return this;
      }

      public Builder scheduleExpression(String value) {
        scheduleExpression = value;
        return this;
      }

      public Builder window(String value) {
        window = value;
        return this;
      }

      public Builder readers(List<String> value) {
        readers = value;
        return this;
      }

      public Builder secretName(String value) {
        secretName = value;
        return this;
      }

      public Builder serviceReaders(List<String> value) {
        serviceReaders = value;
        return this;
      }

      public Props build() {
        if (userName == null || rotationFunction == null) {
          throw new IllegalArgumentException("ManagedKeySecret: userName and rotationFunction are required");
        }
        return new Props(
            userName,
            rotationFunction,
            Optional.ofNullable(encryptionKey),
            scheduleExpression,
            Optional.ofNullable(window),
            readers,
            secretName == null ? "keyrotator/" + userName : secretName,
            serviceReaders);
      }
    }
  }

  public ManagedKeySecret(Construct scope, String id, Props props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    RotationFunction rotation = props.rotationFunction();
    key =
        props
            .encryptionKey()
            .orElseGet(
                () ->
                    Key.Builder.create(this, "Key")
                        .description("Encrypts the keyrotator secret of " + props.userName())
                        .enableKeyRotation(true)
                        .removalPolicy(RemovalPolicy.RETAIN)
                        .build());

    secret =
        Secret.Builder.create(this, "Secret")
            .secretName(props.secretName())
            .description("Access key of IAM user " + props.userName() + ", rotated by keyrotator")
            .encryptionKey(key)
            // Not a secret: only the user name. The first rotation creates the first key.
            .secretStringValue(
                SecretValue.unsafePlainText("{\"UserName\":\"" + props.userName() + "\"}"))
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    Tags.of(secret).add("keyrotator:user", props.userName());
    Tags.of(secret).add("keyrotator:managed", "true");

    rotation.grantRotation(secret, key);

    List<String> allowedReaders = new ArrayList<>();
    allowedReaders.add(rotation.getRole().getRoleArn());
    allowedReaders.addAll(props.serviceReaders());
    allowedReaders.addAll(props.readers());
    secret.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("OnlyRotationAndReadersGetValue")
            .effect(Effect.DENY)
            .principals(List.of(new AnyPrincipal()))
            .actions(List.of("secretsmanager:GetSecretValue"))
            .resources(List.of("*"))
            .conditions(Map.of("StringNotEquals", Map.of("aws:PrincipalArn", allowedReaders)))
            .build());
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
      key.addToResourcePolicy(
          PolicyStatement.Builder.create()
              // Unique per secret even for user names that differ only in punctuation.
              .sid("ReadersDecryptViaSecretsManager" + getNode().getAddr().substring(0, 12))
              .effect(Effect.ALLOW)
              .principals(readers)
              .actions(List.of("kms:Decrypt"))
              .resources(List.of("*"))
              .conditions(
                  Map.of(
                      "StringEquals",
                      Map.of(
                          "kms:ViaService",
                          "secretsmanager." + stack.getRegion() + "." + stack.getUrlSuffix())))
              .build());
    }

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
    schedule.getNode().addDependency(rotation.getInvokePermission());
    // The function must be able to read and write the secret before its first rotation.
    schedule.getNode().addDependency(rotation.getRole());
  }

  /** The secret. */
  public Secret getSecret() {
    return secret;
  }

  /** The rotation schedule (L1, see the class comment). */
  public CfnRotationSchedule getSchedule() {
    return schedule;
  }

  /** The key that encrypts the secret. */
  public IKey getKey() {
    return key;
  }

}
