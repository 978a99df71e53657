package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Where failures go in the full configuration: the encrypted topic, the rotation-failure rule, the
 * StepFailed alarm, and the out-of-band key change rule in the us-east-1 companion stack.
 */
class NotificationsAndRulesTest extends FullConfigurationTest {

  @Test
  void topicIsEncryptedTlsOnlyAndMailsTheConfiguredAddresses() {
    template.hasResourceProperties(
        "AWS::SNS::Topic",
        Match.objectLike(
            Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn")))));
    template.hasResourceProperties(
        "AWS::SNS::TopicPolicy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                TemplateMatchers.statementsInclude(TemplateMatchers.DENY_WITHOUT_TLS))));
    template.resourceCountIs("AWS::SNS::Subscription", 2);
    for (String email : List.of("alerts@example.com", "oncall@example.com")) {
      template.hasResourceProperties(
          "AWS::SNS::Subscription",
          Match.objectLike(Map.of("Protocol", "email", "Endpoint", email)));
    }
  }

  @Test
  void rotationFailuresOfManagedSecretsGoToTheTopicWithAReadableMessage() {
    template.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "EventPattern",
                Match.objectLike(
                    Map.of(
                        "source", List.of("aws.secretsmanager"),
                        "detail-type", List.of("AWS Service Event via CloudTrail"),
                        "detail",
                            Match.objectLike(
                                Map.of(
                                    "eventName",
                                    List.of(
                                        "RotationFailed",
                                        "RotationAbandoned",
                                        "TestRotationFailed"),
                                    "$or",
                                    List.of(
                                        TemplateMatchers.atPath(
                                            "additionalEventData.SecretId",
                                            List.of(
                                                Map.of(
                                                    "prefix",
                                                    partitionArn(
                                                        ":secretsmanager:eu-west-1:123456789012:secret:keyrotator/")),
                                                Map.of("prefix", "keyrotator/"))),
                                        TemplateMatchers.atPath(
                                            "additionalEventData.SecretId",
                                            List.of(Map.of("exists", false)))))))),
                "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Arn", Map.of("Ref", logicalId(stack.getNotifications().getTopic())),
                            "InputTransformer",
                                Match.objectLike(
                                    Map.of(
                                        "InputTemplate",
                                        Match.stringLikeRegexp(".*rotate-secret.*")))))))));
  }

  @Test
  void stepFailedMetricOfEveryStepRaisesAnAlarm() {
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmActions",
                List.of(Map.of("Ref", logicalId(stack.getNotifications().getTopic()))),
                "Metrics",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(Map.of("Expression", "m0 + m1 + m2 + m3")),
                        Match.objectLike(
                            Map.of(
                                "MetricStat",
                                Match.objectLike(
                                    Map.of(
                                        "Metric",
                                        Map.of(
                                            "Namespace", "keyrotator",
                                            "MetricName", "StepFailed",
                                            "Dimensions",
                                                List.of(
                                                    Map.of(
                                                        "Name",
                                                        "Step",
                                                        "Value",
                                                        "finishSecret"))))))))))));
  }

  @Test
  void outOfBandKeyChangeRuleIsNotInANonUsEast1Stack() {
    assertThat(
            template.findResources(
                "AWS::Events::Rule",
                TemplateMatchers.withProperties(
                    Map.of(
                        "EventPattern", Match.objectLike(Map.of("source", List.of("aws.iam")))))))
        .isEmpty();
  }

  @Test
  void usEast1CompanionStackCarriesTheOutOfBandKeyChangeRule() {
    Stack companion = built.stack("KeyrotatorIamEvents");
    Template companionTemplate = built.template("KeyrotatorIamEvents");

    assertThat(built.stacks()).hasSize(2);
    assertThat(companion.getRegion()).isEqualTo("us-east-1");
    assertThat(companion.getAccount()).isEqualTo("123456789012");
    TemplateMatchers.hasRule(
        companionTemplate,
        TemplateMatchers.eventPattern(
            "aws.iam",
            "AWS API Call via CloudTrail",
            Map.of(
                "detail",
                Map.of(
                    "eventSource", List.of("iam.amazonaws.com"),
                    "eventName", List.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"),
                    "requestParameters", Map.of("userName", List.of("ci-deployer", "legacy-batch")),
                    "$or",
                        List.of(
                            TemplateMatchers.NOT_AN_ASSUMED_ROLE,
                            TemplateMatchers.sessionIssuerNoneOf(
                                List.of(
                                    partitionArn(
                                        ":iam::123456789012:role/keyrotator-rotation-eu-west-1"),
                                    partitionArn(
                                        ":iam::123456789012:role/keyrotator-hygiene-eu-west-1"))))))),
        List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.anyValue())))));
    companionTemplate.hasResourceProperties(
        "AWS::SNS::Topic", Match.objectLike(Map.of("KmsMasterKeyId", Match.anyValue())));
    companionTemplate.resourceCountIs("AWS::SNS::Subscription", 2);
  }
}
