package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stack built from the smallest configuration ({@link TestApps#MINIMAL}): us-east-1, one
 * existing user, an existing trail log group, no e-mail, no hardening. Optional parts must be
 * absent, and the out-of-band rule must sit in the main stack.
 */
class MinimalConfigurationStackTest {
  static TestApps.Built built;
  static KeyrotatorStack stack;
  static Template template;

  @BeforeAll
  static void synthesizeOnce() {
    built = TestApps.get(TestApps.MINIMAL);
    stack = (KeyrotatorStack) built.stack("Keyrotator");
    template = built.template("Keyrotator");
  }

  @Test
  void usEast1NeedsNoCompanionStack() {
    assertThat(built.stacks()).containsExactly(stack);
    assertThat(stack.getRegion()).isEqualTo("us-east-1");
  }

  @Test
  void outOfBandKeyChangeRuleIsInTheMainStackAndExemptsKeyrotatorsRoles() {
    String role =
        stack.getLogicalId(
            (CfnElement) stack.getRotationFunction().getRole().getNode().getDefaultChild());
    String hygieneRole =
        stack.getLogicalId(
            (CfnElement) stack.getHygiene().orElseThrow().getRole().getNode().getDefaultChild());
    TemplateMatchers.hasRuleWithPattern(
        template,
        Map.of(
            "source", List.of("aws.iam"),
            "detail",
                Match.objectLike(
                    Map.of(
                        "requestParameters", Map.of("userName", List.of("reporting")),
                        "$or",
                            Match.arrayWith(
                                List.of(
                                    TemplateMatchers.sessionIssuerNoneOf(
                                        List.of(
                                            Map.of("Fn::GetAtt", List.of(role, "Arn")),
                                            Map.of(
                                                "Fn::GetAtt", List.of(hygieneRole, "Arn"))))))))));
  }

  @Test
  void existingUsersOnlyMeansNoPathWildcard() {
    String policy =
        stack.getLogicalId(
            (CfnElement)
                stack
                    .getRotationFunction()
                    .getRole()
                    .getNode()
                    .findChild("DefaultPolicy")
                    .getNode()
                    .getDefaultChild());
    List<IamStatements.Located> iam =
        IamStatements.statementsOf(template, policy).stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("iam:")))
            .toList();

    assertThat(iam).hasSize(3);
    for (IamStatements.Located statement : iam) {
      assertThat(statement.resources())
          .containsExactly(StackRefs.partitionArn(":iam::210987654321:user/reporting"));
    }
    template.resourceCountIs("AWS::IAM::User", 0);
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectLike(
                        Map.of(
                            "KEYROTATOR_MANAGED_USERS", "reporting",
                            "KEYROTATOR_MANAGED_PATH_PREFIX", "",
                            "KEYROTATOR_MANAGED_TAG", Match.absent(),
                            "KEYROTATOR_PREVIOUS_KEY_POLICY", "keep"))))));
  }

  @Test
  void defaultScheduleIsEvery30DaysWithoutWindow() {
    template.hasResourceProperties(
        "AWS::SecretsManager::RotationSchedule",
        Match.objectLike(Map.of("RotationRules", Map.of("ScheduleExpression", "rate(30 days)"))));
  }

  @Test
  void existingTrailLogGroupGetsTheAlarmsAndNoTrailIsCreated() {
    template.resourceCountIs("AWS::CloudTrail::Trail", 0);
    template.resourceCountIs("AWS::S3::Bucket", 0);
    template.resourceCountIs("AWS::Logs::MetricFilter", 17);
    template.allResourcesProperties(
        "AWS::Logs::MetricFilter",
        Match.objectLike(Map.of("LogGroupName", "aws-controltower/CloudTrailLogs")));
    // 15 CIS + 2 keyrotator filters, the StepFailed alarm and the hygiene function's six.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 24);
  }

  @Test
  void hardeningIsOffUnlessConfigured() {
    template.resourceCountIs("Custom::AWS", 0);
    template.resourceCountIs("AWS::IAM::Group", 0);
    template.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
  }

  @Test
  void noEmailMeansNoSubscription() {
    template.resourceCountIs("AWS::SNS::Subscription", 0);
    template.resourceCountIs("AWS::SNS::Topic", 1);
  }

  @Test
  @SuppressWarnings("unchecked")
  void secretWithoutReadersAllowsNobodyAnything() {
    template.resourceCountIs("AWS::SecretsManager::Secret", 1 + 1); // + the evidence seal
    Map<String, Map<String, Object>> policies =
        template.findResources(
            "AWS::SecretsManager::ResourcePolicy",
            TemplateMatchers.withProperties(
                Map.of(
                    "ResourcePolicy",
                    TemplateMatchers.statementsInclude(
                        Match.objectLike(Map.of("Sid", "OnlyRotationAndReadersGetValue"))))));
    assertThat(policies).hasSize(1);
    Map<String, Object> document =
        (Map<String, Object>)
            ((Map<String, Object>) policies.values().iterator().next().get("Properties"))
                .get("ResourcePolicy");
    List<Map<String, Object>> statements = (List<Map<String, Object>>) document.get("Statement");

    assertThat(statements).isNotEmpty();
    assertThat(statements).allSatisfy(s -> assertThat(s.get("Effect")).isEqualTo("Deny"));
  }
}
