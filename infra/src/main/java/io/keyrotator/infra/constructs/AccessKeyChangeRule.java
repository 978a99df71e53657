package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
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
public final class AccessKeyChangeRule extends Construct {
  /** The IAM events this rule matches. */
  public static final List<String> EVENT_NAMES =
      List.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey");

  private final Rule rule;

  /**
   * Options.
   *
   * @param topic where to send (required)
   * @param userNames the managed users (required, non-empty)
   * @param rotationRoleArn the rotation function's role, whose changes are expected (required)
   * @param otherExpectedRoleArns further roles whose key changes are expected (the hygiene
   *     function's); default none
   */
  public record Props(
      ITopic topic,
      List<String> userNames,
      String rotationRoleArn,
      List<String> otherExpectedRoleArns) {
    public Props {
      userNames = List.copyOf(userNames);
      otherExpectedRoleArns = List.copyOf(otherExpectedRoleArns);
    }

    /** Every role whose key changes are expected. */
    public List<String> expectedRoleArns() {
      List<String> all = new java.util.ArrayList<>();
      all.add(rotationRoleArn);
      all.addAll(otherExpectedRoleArns);
      return all;
    }

    public static Builder builder() {
      return new Builder();
    }

    /** Builder; every field but otherExpectedRoleArns is required. */
    public static final class Builder {
      private ITopic topic;
      private List<String> userNames = List.of();
      private String rotationRoleArn;
      private List<String> otherExpectedRoleArns = List.of();

      public Builder topic(ITopic value) {
        topic = value;
        return this;
      }

      public Builder userNames(List<String> value) {
        userNames = value;
        return this;
      }

      public Builder rotationRoleArn(String value) {
        rotationRoleArn = value;
        return this;
      }

      public Builder otherExpectedRoleArns(List<String> value) {
        otherExpectedRoleArns = value;
        return this;
      }

      public Props build() {
        if (topic == null || userNames.isEmpty() || rotationRoleArn == null) {
          throw new IllegalArgumentException(
              "AccessKeyChangeRule: topic, userNames and rotationRoleArn are required");
        }
        return new Props(topic, userNames, rotationRoleArn, otherExpectedRoleArns);
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
