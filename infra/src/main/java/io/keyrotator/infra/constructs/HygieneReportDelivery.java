package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.services.events.CfnRule;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.RuleTargetInput;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.events.targets.SnsTopicProps;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * The hygiene report's way to people: an EventBridge rule on the default bus that matches the
 * record Lambda puts there after a successful asynchronous run of the hygiene function (its
 * on-success destination, see {@link HygieneFunction}) and forwards the report's {@code summary} to
 * the topic when the report says {@code notify: true}.
 */
@Value.Enclosing
public final class HygieneReportDelivery extends Construct {
  /** The detail-type Lambda gives the record of a successful asynchronous invocation. */
  public static final String SUCCESS_DETAIL_TYPE = "Lambda Function Invocation Result - Success";

  private final Rule rule;

  /** Options; both required. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableHygieneReportDelivery.Props.Builder {}

    /** The hygiene function whose results to forward. */
    IFunction function();

    /** Where reports that ask for attention go. */
    ITopic topic();
  }

  public HygieneReportDelivery(Construct scope, String id, Props props) {
    super(scope, id);
    String functionArn = props.function().getFunctionArn();
    rule =
        Rule.Builder.create(this, "Rule")
            .description("keyrotator: hygiene report that asks for attention, to the topic")
            .eventPattern(
                EventPattern.builder()
                    .source(List.of("lambda"))
                    .detailType(List.of(SUCCESS_DETAIL_TYPE))
                    .detail(Map.of("responsePayload", Map.of("notify", List.of(true))))
                    .build())
            .build();
    // Lambda names the function in "resources", with a version qualifier ($LATEST for the
    // schedule's unqualified invocation) or without: accept the exact ARN and any qualifier of it.
    // EventPattern types "resources" as strings only, hence the override for the prefix filter.
    ((CfnRule) rule.getNode().getDefaultChild())
        .addPropertyOverride(
            "EventPattern.resources", List.of(functionArn, Map.of("prefix", functionArn + ":")));
    rule.addTarget(
        new SnsTopic(
            props.topic(),
            SnsTopicProps.builder()
                .message(
                    RuleTargetInput.fromText(
                        EventField.fromPath("$.detail.responsePayload.summary")))
                .build()));
  }

  /** The rule that forwards reports with {@code notify: true} to the topic. */
  public Rule getRule() {
    return rule;
  }
}
