package io.keyrotator.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.ArrayList;
import java.util.List;
import org.immutables.value.Value;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.constructs.Construct;

/**
 * The secret that holds the random key keyrotator seals its evidence with (HMAC-SHA256; see the
 * lambda module's {@code EvidenceSeal}): only the rotation and hygiene roles may read it, only the
 * deployment role may change it. A value or record that does not verify under this key proves
 * nothing, so nobody else can make keyrotator retire a key. Never rotated: a new key would void
 * every proof, and the key never leaves keyrotator's functions. Retained when the stack is removed,
 * so that a re-deployment keeps the proofs valid.
 */
@Value.Enclosing
public final class EvidenceSealSecret extends Construct {
  /** The secret's name. Not under {@code keyrotator/}: no IAM user can collide with it. */
  public static final String NAME = "keyrotator-evidence-seal";

  private final Secret secret;

  /** Options; all required. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableEvidenceSealSecret.Props.Builder {}

    /** Encrypts the secret (the stack's secrets key). */
    SecretsKey key();

    /** The functions' roles, which read the key; at least one. */
    List<Role> readers();

    /** The role CloudFormation deploys with, the only one that may change the secret. */
    String deploymentRoleArn();

    /**
     * @throws IllegalArgumentException "EvidenceSealSecret: readers ..." for no reader
     */
    @Value.Check
    default void check() {
      if (readers().isEmpty()) {
        throw new IllegalArgumentException(
            "EvidenceSealSecret: readers is empty: give the functions' roles");
      }
    }
  }

  public EvidenceSealSecret(Construct scope, String id, Props props) {
    super(scope, id);
    SecretsKey key = props.key();
    List<Role> readers = props.readers();
    String deploymentRoleArn = props.deploymentRoleArn();
    secret =
        Secret.Builder.create(this, "Secret")
            .secretName(NAME)
            .description(
                "The key keyrotator seals its evidence with; readable by keyrotator's functions only")
            .encryptionKey(key.getKey())
            .generateSecretString(
                SecretStringGenerator.builder().passwordLength(64).excludePunctuation(true).build())
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    List<String> readerArns = readers.stream().map(Role::getRoleArn).toList();
    secret.addToResourcePolicy(
        AccessKeySecret.denyAllBut(
            "OnlyKeyrotatorReadsTheSeal", List.of("secretsmanager:GetSecretValue"), readerArns));
    List<String> writes = new ArrayList<>(AccessKeySecret.VALUE_AND_TAG_WRITES);
    writes.addAll(AccessKeySecret.STAGE_MOVES_AND_TAG_REMOVAL);
    writes.addAll(AccessKeySecret.DEPLOYMENT_ONLY_WRITES);
    writes.addAll(AccessKeySecret.ROTATION_CONTROL);
    secret.addToResourcePolicy(
        AccessKeySecret.denyAllBut(
            "OnlyTheDeploymentChangesTheSeal",
            writes.stream().distinct().toList(),
            List.of(deploymentRoleArn)));
    // The key is the managed secrets' own: its policy already lets the rotation and hygiene roles
    // decrypt, and the deployment role write, through Secrets Manager (see AccessKeySecret).
    for (Role role : readers) {
      role.addToPrincipalPolicy(
          PolicyStatement.Builder.create()
              .sid("ReadTheEvidenceSeal")
              .actions(List.of("secretsmanager:GetSecretValue"))
              .resources(List.of(secret.getSecretArn()))
              .build());
    }
    NagSuppressions.addResourceSuppressions(
        secret,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-SMG4")
                .reason(
                    "The seal key is never handed out and must not change: a new key would void every"
                        + " proof keyrotator holds, and keys it created could no longer be retired.")
                .build()));
  }

  /** The secret; its ARN is the functions' KEYROTATOR_SEAL_SECRET. */
  public Secret getSecret() {
    return secret;
  }
}
