package io.keyrotator.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.immutables.value.Value;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsCustomResourcePolicy;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.Group;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.constructs.Construct;

/**
 * Opt-in, account-wide hardening from the CIS guidance: the account password policy (IAM.7 with the
 * iam-password-policy rule's defaults) and a group whose members must use MFA for everything except
 * setting up MFA. Both change the whole account, so nothing is created unless asked for.
 */
@Value.Enclosing
public final class AccountHardening extends Construct {
  /** Password policy values: the AWS Config iam-password-policy rule's defaults. */
  public static final Map<String, Object> PASSWORD_POLICY = passwordPolicy();

  private AwsCustomResource passwordPolicyResource;
  private Group mfaGroup;
  private ManagedPolicy mfaPolicy;

  /** Options: everything off by default. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableAccountHardening.Props.Builder {}

    /** Set the account password policy; default false. */
    @Value.Default
    default boolean passwordPolicy() {
      return false;
    }

    /** Create this group with the MFA-enforcement policy; default none. */
    Optional<String> mfaGroupName();
  }

  public AccountHardening(Construct scope, String id, Props props) {
    super(scope, id);
    if (props.passwordPolicy()) {
      AwsSdkCall set =
          AwsSdkCall.builder()
              .service("IAM")
              .action("updateAccountPasswordPolicy")
              .parameters(PASSWORD_POLICY)
              .physicalResourceId(PhysicalResourceId.of("keyrotator-account-password-policy"))
              .build();
      passwordPolicyResource =
          AwsCustomResource.Builder.create(this, "PasswordPolicy")
              .onCreate(set)
              .onUpdate(set)
              .onDelete(
                  AwsSdkCall.builder().service("IAM").action("deleteAccountPasswordPolicy").build())
              // The password policy is an account setting: IAM has no resource ARN for it.
              .policy(
                  AwsCustomResourcePolicy.fromStatements(
                      List.of(
                          PolicyStatement.Builder.create()
                              .actions(
                                  List.of(
                                      "iam:UpdateAccountPasswordPolicy",
                                      "iam:DeleteAccountPasswordPolicy"))
                              .resources(List.of("*"))
                              .build())))
              .installLatestAwsSdk(false)
              .build();
      NagSuppressions.addResourceSuppressions(
          passwordPolicyResource,
          List.of(
              NagPackSuppression.builder()
                  .id("AwsSolutions-IAM5")
                  .reason(
                      "The account password policy is an account-level setting: IAM offers no"
                          + " resource ARN for UpdateAccountPasswordPolicy and"
                          + " DeleteAccountPasswordPolicy, so Resource must be *.")
                  .appliesTo(List.of("Resource::*"))
                  .build()),
          true);
      // AwsCustomResource's provider function is a stack-level singleton that CDK creates.
      var provider =
          Stack.of(this)
              .getNode()
              .tryFindChild("AWS" + AwsCustomResource.PROVIDER_FUNCTION_UUID.replace("-", ""));
      if (provider != null) {
        NagSuppressions.addResourceSuppressions(
            provider,
            List.of(
                NagPackSuppression.builder()
                    .id("AwsSolutions-IAM4")
                    .reason(
                        "CDK's AwsCustomResource provider writes its own logs through"
                            + " AWSLambdaBasicExecutionRole; it runs only while the stack deploys"
                            + " and has no other permission than the password policy calls.")
                    .appliesTo(
                        List.of(
                            "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                                + "AWSLambdaBasicExecutionRole"))
                    .build()),
            true);
      }
    }
    props.mfaGroupName().ifPresent(this::createMfaGroup);
  }

  private void createMfaGroup(String groupName) {
    Stack stack = Stack.of(this);
    String ownUser = iamArn(stack, "user", "${aws:username}");
    mfaPolicy =
        ManagedPolicy.Builder.create(this, "RequireMfaPolicy")
            .description("Denies everything but MFA self-service until the user signs in with MFA")
            .document(
                PolicyDocument.Builder.create()
                    .statements(
                        List.of(
                            PolicyStatement.Builder.create()
                                .sid("ViewAccountPasswordRulesAndMfaDevices")
                                .actions(
                                    List.of(
                                        "iam:GetAccountPasswordPolicy",
                                        "iam:ListVirtualMFADevices"))
                                .resources(List.of("*"))
                                .build(),
                            PolicyStatement.Builder.create()
                                .sid("ManageOwnPasswordAndMfa")
                                .actions(
                                    List.of(
                                        "iam:ChangePassword",
                                        "iam:GetUser",
                                        "iam:ListMFADevices",
                                        "iam:EnableMFADevice",
                                        "iam:ResyncMFADevice",
                                        "iam:DeactivateMFADevice"))
                                .resources(List.of(ownUser))
                                .build(),
                            PolicyStatement.Builder.create()
                                .sid("CreateOwnVirtualMfaDevice")
                                .actions(List.of("iam:CreateVirtualMFADevice"))
                                .resources(List.of(iamArn(stack, "mfa", "${aws:username}")))
                                .build(),
                            PolicyStatement.Builder.create()
                                .sid("DenyAllElseWithoutMfa")
                                .effect(Effect.DENY)
                                .notActions(
                                    List.of(
                                        "iam:CreateVirtualMFADevice",
                                        "iam:EnableMFADevice",
                                        "iam:GetUser",
                                        "iam:ChangePassword",
                                        "iam:ListMFADevices",
                                        "iam:ListVirtualMFADevices",
                                        "iam:ResyncMFADevice",
                                        "sts:GetSessionToken"))
                                .resources(List.of("*"))
                                .conditions(
                                    Map.of(
                                        "BoolIfExists",
                                        Map.of("aws:MultiFactorAuthPresent", "false")))
                                .build()))
                    .build())
            .build();
    NagSuppressions.addResourceSuppressions(
        mfaPolicy,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(
                    "Two Resource * statements, both intended: GetAccountPasswordPolicy and"
                        + " ListVirtualMFADevices are read-only and have no resource-level"
                        + " permissions; the Deny (NotAction, no MFA) must cover every resource.")
                .appliesTo(List.of("Resource::*"))
                .build()));
    mfaGroup =
        Group.Builder.create(this, "RequireMfaGroup")
            .groupName(groupName)
            .managedPolicies(List.of(mfaPolicy))
            .build();
  }

  private static String iamArn(Stack stack, String resource, String name) {
    return stack.formatArn(
        ArnComponents.builder()
            .service("iam")
            .region("")
            .resource(resource)
            .resourceName(name)
            .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
            .build());
  }

  private static Map<String, Object> passwordPolicy() {
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("MinimumPasswordLength", 14);
    policy.put("RequireSymbols", true);
    policy.put("RequireNumbers", true);
    policy.put("RequireUppercaseCharacters", true);
    policy.put("RequireLowercaseCharacters", true);
    policy.put("AllowUsersToChangePassword", true);
    policy.put("PasswordReusePrevention", 24);
    policy.put("MaxPasswordAge", 90);
    return java.util.Collections.unmodifiableMap(policy);
  }

  /** The password policy custom resource, if configured. */
  public Optional<AwsCustomResource> getPasswordPolicy() {
    return Optional.ofNullable(passwordPolicyResource);
  }

  /** The MFA group, if configured. */
  public Optional<Group> getMfaGroup() {
    return Optional.ofNullable(mfaGroup);
  }

  /** The MFA-enforcement policy, if configured. */
  public Optional<ManagedPolicy> getMfaPolicy() {
    return Optional.ofNullable(mfaPolicy);
  }
}
