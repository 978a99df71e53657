package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The Outputs an operator reads after {@code cdk deploy --outputs-file}: stable names, a
 * description each, and log group names that are the ones the functions write to.
 */
class StackOutputsTest {
  private static final TestApps.Built FULL = TestApps.get(TestApps.FULL);
  private static final KeyrotatorStack STACK = FULL.keyrotatorStack();
  private static final Template TEMPLATE = FULL.template("Keyrotator");

  private static Map<String, Object> ref(software.constructs.IConstruct construct) {
    return Map.of("Ref", StackRefs.logicalId(STACK, construct));
  }

  private static void hasOutput(String id, Object value) {
    TEMPLATE.hasOutput(
        id, Map.of("Value", value, "Description", Match.stringLikeRegexp("\\S.{10,}")));
  }

  @Test
  void functionsAreNamedByTheirAliasOrFunctionArnAndTheirLogGroups() {
    hasOutput("RotationFunctionName", ref(STACK.getRotationFunction().getFunction()));
    hasOutput("RotationFunctionAliasArn", ref(STACK.getRotationFunction().getAlias()));
    hasOutput("RotationLogGroupName", ref(STACK.getRotationFunction().getLogGroup()));
    hasOutput("HygieneFunctionName", ref(STACK.getHygiene().orElseThrow().getFunction()));
    hasOutput(
        "HygieneFunctionArn",
        Map.of(
            "Fn::GetAtt",
            List.of(
                StackRefs.logicalId(STACK, STACK.getHygiene().orElseThrow().getFunction()),
                "Arn")));
    hasOutput("HygieneLogGroupName", ref(STACK.getHygiene().orElseThrow().getLogGroup()));
  }

  @Test
  void logGroupsHaveTheNamesLambdaWouldGiveThem() {
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Function", Match.objectLike(Map.of("FunctionName", "keyrotator-rotation")));
    TEMPLATE.hasResourceProperties(
        "AWS::Logs::LogGroup",
        Match.objectLike(Map.of("LogGroupName", "/aws/lambda/keyrotator-rotation")));
    TEMPLATE.hasResourceProperties(
        "AWS::Lambda::Function", Match.objectLike(Map.of("FunctionName", "keyrotator-hygiene")));
    TEMPLATE.hasResourceProperties(
        "AWS::Logs::LogGroup",
        Match.objectLike(Map.of("LogGroupName", "/aws/lambda/keyrotator-hygiene")));
  }

  @Test
  void topicEachSecretAndTheSealAreNamed() {
    hasOutput("NotificationTopicArn", ref(STACK.getNotifications().getTopic()));
    // IAM user names may hold punctuation, logical ids may not: a hash keeps them apart.
    hasOutput(
        "SecretArncideployer54f52228", ref(STACK.getSecrets().get("ci-deployer").getSecret()));
    hasOutput(
        "SecretArnlegacybatch922eadff", ref(STACK.getSecrets().get("legacy-batch").getSecret()));
    hasOutput("EvidenceSealSecretArn", Match.objectLike(Map.of("Ref", Match.anyValue())));
    TestApps.get(TestApps.MINIMAL)
        .template("Keyrotator")
        .hasOutput("SecretArnreporting", Match.objectLike(Map.of("Value", Match.anyValue())));
  }

  @Test
  void usEast1CompanionNamesItsTopic() {
    FULL.template("KeyrotatorIamEvents")
        .hasOutput("NotificationTopicArn", Match.objectLike(Map.of("Value", Match.anyValue())));
  }

  @Test
  void withoutHygieneThereIsNoHygieneOutput() {
    Template template = TestApps.get(TestApps.NO_HYGIENE).template("Keyrotator");

    assertThat(template.findOutputs("Hygiene*")).isEmpty();
    assertThat(template.findOutputs("*").keySet())
        .containsExactlyInAnyOrder(
            "RotationFunctionName",
            "RotationFunctionAliasArn",
            "RotationLogGroupName",
            "NotificationTopicArn",
            "SecretArnapp",
            "EvidenceSealSecretArn");
  }
}
