package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.constructs.AccessKeySecret;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Match;

/**
 * One secret per managed user in the full configuration: bootstrap value, customer managed keys
 * that rotate, the cron schedules on the alias, created users, and who may read a secret.
 */
class SecretsAndSchedulesTest extends FullConfigurationTest {

  @Test
  void eachUserHasASecretWithTheBootstrapValueUnderACustomerManagedKey() {
    template.resourceCountIs("AWS::SecretsManager::Secret", 2 + 1); // + the evidence seal
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      template.hasResourceProperties(
          "AWS::SecretsManager::Secret",
          Match.objectLike(
              Map.of(
                  "Name",
                  "keyrotator/" + user,
                  "SecretString",
                  "{\"UserName\":\"" + user + "\"}",
                  "KmsKeyId",
                  Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("SecretsKey.*"), "Arn")),
                  "Tags",
                  Match.arrayWith(
                      List.of(
                          Map.of("Key", "keyrotator:managed", "Value", "true"),
                          Map.of("Key", "keyrotator:user", "Value", user))))));
    }
  }

  @Test
  void everyKmsKeyRotates() {
    Map<String, Map<String, Object>> keys = template.findResources("AWS::KMS::Key");
    assertThat(keys).isNotEmpty();
    assertThat(
            template.findResources(
                "AWS::KMS::Key",
                TemplateMatchers.withProperties(Map.of("EnableKeyRotation", true))))
        .hasSameSizeAs(keys);
  }

  @Test
  void schedulesUseTheCronEscapeHatchTargetTheAliasAndWaitForThePermission() {
    String alias = logicalId(stack.getRotationFunction().getAlias());
    Map<String, Map<String, Object>> schedules =
        template.findResources("AWS::SecretsManager::RotationSchedule");

    assertThat(schedules).hasSize(2);
    template.allResourcesProperties(
        "AWS::SecretsManager::RotationSchedule",
        Map.of(
            "SecretId", Map.of("Ref", Match.stringLikeRegexp("Secret.*")),
            "RotationLambdaARN", Map.of("Ref", alias),
            "RotationRules", Map.of("ScheduleExpression", "cron(0 4 ? * MON *)", "Duration", "3h"),
            "RotateImmediatelyOnUpdate", true));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources =
        (Map<String, Map<String, Object>>) (Map<String, ?>) template.toJSON().get("Resources");
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      AccessKeySecret secret = stack.getSecrets().get(user);
      String permission = stack.getLogicalId(secret.getInvokePermission());
      @SuppressWarnings("unchecked")
      Map<String, Object> permissionProperties =
          (Map<String, Object>) resources.get(permission).get("Properties");
      // The schedule waits for its own secret's permission (aws/aws-cdk issue 26481).
      assertThat(permissionProperties.get("SourceArn"))
          .isEqualTo(Map.of("Ref", logicalId(secret.getSecret())));
      assertThat(
              IamStatements.strings(
                  resources.get(stack.getLogicalId(secret.getSchedule())).get("DependsOn")))
          .as(user)
          .contains(permission);
    }
  }

  @Test
  void createdUsersLiveUnderTheKeyrotatorPathAndExistBeforeTheirSchedule() {
    template.resourceCountIs("AWS::IAM::User", 1);
    template.hasResourceProperties(
        "AWS::IAM::User", Map.of("UserName", "ci-deployer", "Path", "/keyrotator/"));
    String user =
        stack.getLogicalId(
            (CfnElement) stack.getNode().findChild("User-ci-deployer").getNode().getDefaultChild());
    String schedule = stack.getLogicalId(stack.getSecrets().get("ci-deployer").getSchedule());
    @SuppressWarnings("unchecked")
    Map<String, Object> resource =
        (Map<String, Object>)
            ((Map<String, Object>) template.toJSON().get("Resources")).get(schedule);
    assertThat(IamStatements.strings(resource.get("DependsOn"))).contains(user);
  }

  @Test
  void onlyKeyrotatorsRolesAndListedReadersMayReadASecret() {
    Object role =
        Map.of("Fn::GetAtt", List.of(logicalId(stack.getRotationFunction().getRole()), "Arn"));
    Object hygieneRole =
        Map.of("Fn::GetAtt", List.of(logicalId(stack.getHygiene().orElseThrow().getRole()), "Arn"));
    hasSecretPolicyDenying(
        "ci-deployer",
        Map.of(
            "Effect",
            "Deny",
            "Principal",
            Map.of("AWS", "*"),
            "Action",
            "secretsmanager:GetSecretValue",
            "Condition",
            TemplateMatchers.principalArnNotIn(
                List.of(role, hygieneRole, "arn:aws:iam::123456789012:role/ci-runner"))));
    hasSecretPolicyDenying(
        "legacy-batch",
        Map.of(
            "Effect",
            "Deny",
            "Condition",
            TemplateMatchers.principalArnNotIn(List.of(role, hygieneRole))));
  }

  /**
   * Asserts that the resource policy of {@code user}'s secret holds a statement like {@code deny}.
   */
  private static void hasSecretPolicyDenying(String user, Map<String, Object> deny) {
    template.hasResourceProperties(
        "AWS::SecretsManager::ResourcePolicy",
        Match.objectLike(
            Map.of(
                "SecretId",
                Map.of("Ref", logicalId(stack.getSecrets().get(user).getSecret())),
                "ResourcePolicy",
                TemplateMatchers.statementsInclude(Match.objectLike(deny)))));
  }
}
