package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * EventBridge rule: a rotation of a keyrotator secret failed ({@code RotationFailed}), was
 * abandoned ({@code RotationAbandoned}, e.g. someone put a value during a rotation) or a test-only
 * run failed ({@code TestRotationFailed}). Sends a readable message to the topic.
 */
@Value.Enclosing
public final class RotationFailureRule extends Construct {
  /** The Secrets Manager CloudTrail events this rule matches. */
  public static final List<String> EVENT_NAMES =
      List.of("RotationFailed", "RotationAbandoned", "TestRotationFailed");

  private final Rule rule;

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableRotationFailureRule.Props.Builder {}

    /** Where to send; required. */
    ITopic topic();

    /** Only secrets whose name starts with this; default {@code keyrotator/}. */
    @Value.Default
    default String secretNamePrefix() {
      return AccessKeySecret.SECRET_NAME_PREFIX;
    }

    /**
     * The rotation function's log group, named in the message; default {@code
     * /aws/lambda/keyrotator-rotation} (the default {@link RotationFunction}'s).
     */
    @Value.Default
    default String logGroupName() {
      return "/aws/lambda/keyrotator-rotation";
    }
  }

  public RotationFailureRule(Construct scope, String id, Props props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    String arnPrefix =
        "arn:"
            + stack.getPartition()
            + ":secretsmanager:"
            + stack.getRegion()
            + ":"
            + stack.getAccount()
            + ":secret:"
            + props.secretNamePrefix();
    // The event names the secret by ARN in additionalEventData.SecretId (a bare name is accepted
    // too). Should an event arrive without that field, the second branch still reports it: a
    // failure that cannot be attributed is better reported than lost.
    rule =
        new CloudTrailEventRule(
                "aws.secretsmanager",
                "AWS Service Event via CloudTrail",
                "secretsmanager.amazonaws.com",
                EVENT_NAMES)
            .create(
                this,
                "keyrotator: rotation of a managed secret failed or was abandoned",
                Map.of(
                    "$or",
                    List.of(
                        Map.of(
                            "additionalEventData",
                            Map.of(
                                "SecretId",
                                List.of(
                                    Map.of("prefix", arnPrefix),
                                    Map.of("prefix", props.secretNamePrefix())))),
                        Map.of(
                            "additionalEventData",
                            Map.of("SecretId", List.of(Map.of("exists", false)))))),
                props.topic(),
                "keyrotator: "
                    + EventField.fromPath("$.detail.eventName")
                    + " for secret "
                    + EventField.fromPath("$.detail.additionalEventData.SecretId")
                    + " in account "
                    + EventField.getAccount()
                    + ", Region "
                    + EventField.getRegion()
                    + " at "
                    + EventField.getTime()
                    + ".\nThe key in the secret was not changed by this run."
                    + " Read the reason in the rotation function's log group ("
                    + props.logGroupName()
                    + "), fix it, then run: aws secretsmanager rotate-secret --secret-id "
                    + EventField.fromPath("$.detail.additionalEventData.SecretId")
                    + "\nSee docs/deploy.md, section Alarms.");
  }

  /** The rule. */
  public Rule getRule() {
    return rule;
  }
}
