package io.keyrotator.infra;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/** Opt-in account hardening in the full configuration: the password policy and the MFA group. */
class AccountHardeningTest extends FullConfigurationTest {

  @Test
  void passwordPolicyUsesTheIamPasswordPolicyRuleDefaults() {
    template.hasResourceProperties(
        "Custom::AWS",
        Match.objectLike(
            Map.of(
                "Create",
                Match.serializedJson(
                    Match.objectLike(
                        Map.of(
                            "service", "IAM",
                            "action", "updateAccountPasswordPolicy",
                            "parameters",
                                Map.of(
                                    "MinimumPasswordLength", 14,
                                    "RequireSymbols", true,
                                    "RequireNumbers", true,
                                    "RequireUppercaseCharacters", true,
                                    "RequireLowercaseCharacters", true,
                                    "AllowUsersToChangePassword", true,
                                    "PasswordReusePrevention", 24,
                                    "MaxPasswordAge", 90)))),
                "Delete",
                Match.serializedJson(
                    Match.objectLike(Map.of("action", "deleteAccountPasswordPolicy"))))));
  }

  @Test
  void mfaEnforcementPolicyIsAttachedToTheConfiguredGroup() {
    String policy = TemplateMatchers.onlyResource(template, "AWS::IAM::ManagedPolicy");
    template.hasResourceProperties(
        "AWS::IAM::Group",
        Map.of("GroupName", "require-mfa", "ManagedPolicyArns", List.of(Map.of("Ref", policy))));
    template.hasResourceProperties(
        "AWS::IAM::ManagedPolicy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                TemplateMatchers.statementsInclude(
                    Match.objectLike(
                        Map.of(
                            "Effect",
                            "Deny",
                            "NotAction",
                            Match.arrayWith(List.of("iam:EnableMFADevice", "sts:GetSessionToken")),
                            "Resource",
                            "*",
                            "Condition",
                            Map.of(
                                "BoolIfExists",
                                Map.of("aws:MultiFactorAuthPresent", "false"))))))));
  }
}
