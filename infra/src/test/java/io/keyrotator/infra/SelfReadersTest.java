package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code readers: ["self"]} ({@link TestApps#SELF_READERS}): the managed user may read its own
 * secret with its own key, for a consumer with no other AWS identity, and nothing more: exactly
 * GetSecretValue on that one secret, and kms:Decrypt only through Secrets Manager; an identity
 * policy only on the user the stack creates.
 */
class SelfReadersTest {
  private static final TestApps.Built built = TestApps.get(TestApps.SELF_READERS);
  private static final KeyrotatorStack stack = built.keyrotatorStack();
  private static final Template template = built.template("Keyrotator");
  private static final Object CREATED_USER_ARN =
      Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("Userappci.*"), "Arn"));
  private static final Object EXISTING_USER_ARN =
      StackRefs.partitionArn(":iam::555555555555:user/apps/legacy");

  private static String secretId(String user) {
    return StackRefs.logicalId(stack, stack.getSecrets().get(user).getSecret());
  }

  private static void secretPolicyHas(String user, Object... statements) {
    template.hasResourceProperties(
        "AWS::SecretsManager::ResourcePolicy",
        Match.objectLike(
            Map.of(
                "SecretId",
                Map.of("Ref", secretId(user)),
                "ResourcePolicy",
                TemplateMatchers.statementsInclude(statements))));
  }

  @Test
  void eachUserMayGetOnlyItsOwnSecretsValue() {
    for (Map.Entry<String, Object> user :
        Map.of("app-ci", CREATED_USER_ARN, "legacy", EXISTING_USER_ARN).entrySet()) {
      secretPolicyHas(
          user.getKey(),
          // The deny comes first in the policy, and arrayWith keeps the order.
          Match.objectLike(
              Map.of(
                  "Sid",
                  "OnlyRotationAndReadersGetValue",
                  "Condition",
                  Match.objectLike(
                      Map.of(
                          "StringNotEquals",
                          Map.of("aws:PrincipalArn", Match.arrayWith(List.of(user.getValue()))))))),
          Map.of(
              "Sid",
              "UserReadsItsOwnKey",
              "Effect",
              "Allow",
              "Principal",
              Map.of("AWS", user.getValue()),
              "Action",
              "secretsmanager:GetSecretValue",
              "Resource",
              "*"));
    }
    assertThat(
            template.findResources(
                "AWS::SecretsManager::ResourcePolicy",
                TemplateMatchers.withProperties(
                    Map.of(
                        "SecretId",
                        Map.of("Ref", secretId("other")),
                        "ResourcePolicy",
                        TemplateMatchers.statementsInclude(
                            Match.objectLike(Map.of("Sid", "UserReadsItsOwnKey")))))))
        .as("a user without readers: [\"self\"] may not")
        .isEmpty();
  }

  @Test
  void theCreatedUserAloneGetsAnIdentityPolicyForExactlyItsSecret() {
    template.resourcePropertiesCountIs(
        "AWS::IAM::Policy", Match.objectLike(Map.of("Users", Match.anyValue())), 1);
    template.hasResourceProperties(
        "AWS::IAM::Policy",
        Map.of(
            "PolicyName",
            Match.anyValue(),
            "Users",
            List.of(Map.of("Ref", Match.stringLikeRegexp("Userappci.*"))),
            "PolicyDocument",
            Map.of(
                "Version",
                "2012-10-17",
                "Statement",
                List.of(
                    Map.of(
                        "Sid",
                        "ReadOwnKeySecret",
                        "Effect",
                        "Allow",
                        "Action",
                        "secretsmanager:GetSecretValue",
                        "Resource",
                        Map.of("Ref", secretId("app-ci")))))));
  }

  @Test
  void theUsersMayDecryptOnlyThroughSecretsManager() {
    template.hasResourceProperties(
        "AWS::KMS::Key",
        Match.objectLike(
            Map.of(
                "KeyPolicy",
                TemplateMatchers.statementsInclude(
                    Match.objectLike(
                        Map.of(
                            "Principal",
                            Map.of(
                                "AWS",
                                List.of(
                                    "arn:aws:iam::555555555555:role/ci-runner", CREATED_USER_ARN)),
                            "Action",
                            "kms:Decrypt",
                            "Condition",
                            TemplateMatchers.viaSecretsManager("eu-west-1"))),
                    Match.objectLike(
                        Map.of(
                            "Principal",
                            Map.of("AWS", EXISTING_USER_ARN),
                            "Action",
                            "kms:Decrypt",
                            "Condition",
                            TemplateMatchers.viaSecretsManager("eu-west-1")))))));
  }
}
