package io.keyrotator.infra.constructs;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.kms.CfnKey;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.kms.Key;
import software.constructs.Construct;

/**
 * A customer managed key for keyrotator's secrets whose policy names every principal that may use
 * it. The account may administer the key (so it never becomes unmanageable) but not use it: only
 * the principals given to {@link #allowUseViaSecretsManager} may encrypt or decrypt, and only
 * through Secrets Manager in the stack's Region. Key rotation is on; the key is retained when the
 * stack is removed.
 *
 * <p>Why not the L2 {@link Key}: it adds {@code kms:*} for the account root, and a {@code Secret}
 * encrypted with it adds use for the whole account through Secrets Manager. This construct writes
 * the policy itself on the L1 {@link CfnKey} and hands out the key as an imported {@link IKey}
 * ({@link #getKey()}), whose grants cannot add statements to the policy.
 */
public final class SecretsKey extends Construct {
  /** Administration without use: no Decrypt, Encrypt, GenerateDataKey* or ReEncrypt*. */
  public static final List<String> ADMIN_ACTIONS =
      List.of(
          "kms:Create*",
          "kms:Describe*",
          "kms:Enable*",
          "kms:List*",
          "kms:Put*",
          "kms:Update*",
          "kms:Revoke*",
          "kms:Disable*",
          "kms:Get*",
          "kms:Delete*",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:ScheduleKeyDeletion",
          "kms:CancelKeyDeletion");

  private final PolicyDocument policy;
  private final CfnKey resource;
  private final IKey key;
  private final Set<String> sids = new HashSet<>();

  /**
   * Options.
   *
   * @param description the key's description (required, at most 8192 characters)
   */
  public record Props(String description) {
    /**
     * @throws IllegalArgumentException "SecretsKey: description ..." if it is missing or too long
     */
    public Props {
      PropsCheck.required("SecretsKey", "description", description);
      PropsCheck.inRange("SecretsKey", "description length", description.length(), 0, 8192);
    }
  }

  public SecretsKey(Construct scope, String id, Props props) {
    super(scope, id);
    String description = props.description();
    policy =
        PolicyDocument.Builder.create()
            .statements(
                List.of(
                    PolicyStatement.Builder.create()
                        .sid("AccountAdministersButDoesNotUseTheKey")
                        .principals(List.of(new AccountRootPrincipal()))
                        .actions(ADMIN_ACTIONS)
                        .resources(List.of("*"))
                        .build()))
            .build();
    resource =
        CfnKey.Builder.create(this, "Resource")
            .description(description)
            .enableKeyRotation(true)
            .keyPolicy(policy)
            .build();
    resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    key = Key.fromKeyArn(this, "Imported", resource.getAttrArn());
  }

  /**
   * Lets the principals use the key for {@code actions}, only in calls Secrets Manager makes for
   * them in this Region ({@code kms:ViaService}). A principal that is a role of this stack must be
   * given by a reference to it (its {@code Arn} attribute): KMS checks that every principal exists
   * when the policy is set, and the reference makes the key wait for the role. Repeating a {@code
   * sid} adds nothing (one statement per role, however many secrets share the key).
   */
  public void allowUseViaSecretsManager(
      String sid, List<String> principalArns, List<String> actions) {
    if (principalArns.isEmpty() || !sids.add(sid)) {
      return;
    }
    Stack stack = Stack.of(this);
    policy.addStatements(
        PolicyStatement.Builder.create()
            .sid(sid)
            .principals(
                principalArns.stream().map(arn -> (IPrincipal) new ArnPrincipal(arn)).toList())
            .actions(actions)
            .resources(List.of("*"))
            .conditions(viaSecretsManager(stack))
            .build());
  }

  /**
   * The condition that lets a key be used only in calls Secrets Manager makes in the stack's Region
   * ({@code kms:ViaService}).
   */
  static Map<String, Object> viaSecretsManager(Stack stack) {
    return Map.of(
        "StringEquals",
        Map.of(
            "kms:ViaService", "secretsmanager." + stack.getRegion() + "." + stack.getUrlSuffix()));
  }

  /** The key, to encrypt secrets with and to name in identity policies. */
  public IKey getKey() {
    return key;
  }

  /** The key resource (L1), for its logical id and attributes. */
  public CfnKey getResource() {
    return resource;
  }
}
