package io.keyrotator.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * Who may invoke the rotation function's alias: Secrets Manager, for keyrotator's secrets only. One
 * permission per secret, with that secret's ARN as {@code aws:SourceArn} (and the account as {@code
 * aws:SourceAccount}), while Lambda's 20 KB function policy has room; beyond about 35 secrets, one
 * shared permission for every secret named {@value AccessKeySecret#SECRET_NAME_PREFIX}{@code *} in
 * this account and Region. See {@link RotationFunction} for why.
 */
final class RotationInvokePermissions {
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

  private final Construct owner;
  private final Alias alias;
  private final Optional<CfnPermission> shared;
  private final List<String> invokingSecretNames = new ArrayList<>();

  /**
   * Adds the shared permission to {@code owner} now if the users' secrets would not fit one each,
   * and a validation that fails synthesis if the secrets actually added do not fit.
   */
  RotationInvokePermissions(Construct owner, Alias alias, List<ManagedIamUser> users) {
    this.owner = owner;
    this.alias = alias;
    List<String> expectedSecretNames =
        users.stream().map(user -> AccessKeySecret.SECRET_NAME_PREFIX + user.name()).toList();
    shared =
        estimatedInvokePolicyBytes(expectedSecretNames) <= MAX_FUNCTION_POLICY_BYTES
            ? Optional.empty()
            : Optional.of(
                permission(
                    owner,
                    "SecretsManagerInvoke",
                    Stack.of(owner)
                        .formatArn(
                            ArnComponents.builder()
                                .service("secretsmanager")
                                .resource("secret")
                                .resourceName(AccessKeySecret.SECRET_NAME_PREFIX + "*")
                                .arnFormat(ArnFormat.COLON_RESOURCE_NAME)
                                .build())));
    owner.getNode().addValidation(this::validate);
  }

  private List<String> validate() {
    int bytes = estimatedInvokePolicyBytes(invokingSecretNames);
    return shared.isEmpty() && bytes > MAX_FUNCTION_POLICY_BYTES
        ? List.of(
            "RotationFunction: "
                + invokingSecretNames.size()
                + " per-secret invoke permissions need about "
                + bytes
                + " bytes, more than Lambda's "
                + MAX_FUNCTION_POLICY_BYTES
                + "-byte function policy; list every secret's user in users so the function uses"
                + " one permission for "
                + AccessKeySecret.SECRET_NAME_PREFIX
                + "* instead")
        : List.of();
  }

  /**
   * The size Lambda's policy on the alias reaches with one invoke permission per secret name,
   * estimated from above.
   */
  static int estimatedInvokePolicyBytes(List<String> secretNames) {
    return POLICY_ENVELOPE_BYTES
        + secretNames.stream().mapToInt(name -> PERMISSION_STATEMENT_BYTES + name.length()).sum();
  }

  private CfnPermission permission(Construct scope, String id, String sourceArn) {
    return CfnPermission.Builder.create(scope, id)
        .action("lambda:InvokeFunction")
        .functionName(alias.getFunctionArn())
        .principal("secretsmanager.amazonaws.com")
        .sourceAccount(Stack.of(owner).getAccount())
        .sourceArn(sourceArn)
        .build();
  }

  /** See {@link RotationFunction#allowInvocationBy}. */
  CfnPermission allow(Construct scope, ISecret secret, String secretName) {
    if (shared.isPresent()) {
      if (!secretName.startsWith(AccessKeySecret.SECRET_NAME_PREFIX)) {
        throw new IllegalArgumentException(
            "RotationFunction: secret "
                + secretName
                + " does not start with "
                + AccessKeySecret.SECRET_NAME_PREFIX
                + ", the only secrets the shared invoke permission covers (the function has too"
                + " many users for one permission per secret)");
      }
      return shared.get();
    }
    invokingSecretNames.add(secretName);
    return permission(scope, "InvokePermission", secret.getSecretArn());
  }

  Optional<CfnPermission> shared() {
    return shared;
  }
}
