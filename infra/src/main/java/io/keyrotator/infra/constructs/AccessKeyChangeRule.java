package io.keyrotator.infra.constructs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.services.events.EventField;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * EventBridge rule: someone other than keyrotator's own roles (the rotation role and, when
 * deployed, the hygiene role) created, changed or deleted an access key of a managed user. IAM's
 * CloudTrail events reach EventBridge only in us-east-1, so this rule works only in a stack
 * deployed there.
 */
@Value.Enclosing
public final class AccessKeyChangeRule extends Construct {
  /** The IAM events this rule matches. */
  public static final List<String> EVENT_NAMES =
      List.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey");

  private final Rule rule;

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableAccessKeyChangeRule.Props.Builder {}

    /** Where to send; required. */
    ITopic topic();

    /** The managed users; at least one. */
    List<String> userNames();

    /** The rotation function's role, whose changes are expected; required. */
    String rotationRoleArn();

    /** Further roles whose key changes are expected (the hygiene function's); default none. */
    List<String> otherExpectedRoleArns();

    /** Every role whose key changes are expected. */
    default List<String> expectedRoleArns() {
      List<String> all = new ArrayList<>();
      all.add(rotationRoleArn());
      all.addAll(otherExpectedRoleArns());
      return all;
    }

    /**
     * @throws IllegalArgumentException "AccessKeyChangeRule: userNames ..." for no user
     */
    @Value.Check
    default void check() {
      if (userNames().isEmpty()) {
        throw new IllegalArgumentException(
            "AccessKeyChangeRule: userNames is empty: give the managed users");
      }
    }
  }

  public AccessKeyChangeRule(Construct scope, String id, Props props) {
    super(scope, id);
    // "anything-but" does not match a missing field, so the $or has two branches: the caller is
    // not an assumed role at all (an IAM user, root), or it is one whose issuer is another role.
    rule =
        new CloudTrailEventRule(
                "aws.iam", "AWS API Call via CloudTrail", "iam.amazonaws.com", EVENT_NAMES)
            .create(
                this,
                "keyrotator: access key of a managed user changed outside rotation",
                Map.of(
                    "requestParameters",
                    Map.of("userName", props.userNames()),
                    "$or",
                    List.of(
                        Map.of(
                            "userIdentity",
                            Map.of(
                                "type", List.of(Map.of("anything-but", List.of("AssumedRole"))))),
                        Map.of(
                            "userIdentity",
                            Map.of(
                                "sessionContext",
                                Map.of(
                                    "sessionIssuer",
                                    Map.of(
                                        "arn",
                                        List.of(
                                            Map.of("anything-but", props.expectedRoleArns())))))))),
                props.topic(),
                "keyrotator: "
                    + EventField.fromPath("$.detail.eventName")
                    + " on managed IAM user "
                    + EventField.fromPath("$.detail.requestParameters.userName")
                    + " by "
                    + EventField.fromPath("$.detail.userIdentity.arn")
                    + " (not keyrotator's rotation or hygiene function) in account "
                    + EventField.getAccount()
                    + " at "
                    + EventField.getTime()
                    + ".\nIf this was not planned, check the user's keys with"
                    + " aws iam list-access-keys and rotate the secret with"
                    + " aws secretsmanager rotate-secret. See docs/deploy.md, section Alarms.");
  }

  /** The rule. */
  public Rule getRule() {
    return rule;
  }
}
