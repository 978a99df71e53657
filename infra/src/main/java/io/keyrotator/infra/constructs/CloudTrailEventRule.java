package io.keyrotator.infra.constructs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.events.targets.SnsTopicProps;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * What {@link AccessKeyChangeRule} and {@link RotationFailureRule} share: a rule ({@code Rule}) on
 * a service's CloudTrail events of some names, narrowed by further {@code detail} fields, that
 * sends a readable message to the topic.
 *
 * @param source the event source, e.g. {@code aws.iam}
 * @param detailType the detail-type, e.g. {@code AWS API Call via CloudTrail}
 * @param eventSource the CloudTrail {@code eventSource}, e.g. {@code iam.amazonaws.com}
 * @param eventNames the CloudTrail {@code eventName}s to match
 */
record CloudTrailEventRule(
    String source, String detailType, String eventSource, List<String> eventNames) {

  /**
   * @param moreDetail the {@code detail} fields beyond {@code eventSource} and {@code eventName}
   * @param message the notification, with {@code EventField} placeholders
   */
  Rule create(
      Construct scope,
      String description,
      Map<String, Object> moreDetail,
      ITopic topic,
      String message) {
    Map<String, Object> detail = new HashMap<>(moreDetail);
    detail.put("eventSource", List.of(eventSource));
    detail.put("eventName", eventNames);
    Rule rule =
        Rule.Builder.create(scope, "Rule")
            .description(description)
            .eventPattern(
                EventPattern.builder()
                    .source(List.of(source))
                    .detailType(List.of(detailType))
                    .detail(detail)
                    .build())
            .build();
    rule.addTarget(
        new SnsTopic(
            topic,
            SnsTopicProps.builder().message(RuleTargetInput.fromMultilineText(message)).build()));
    return rule;
  }
}
