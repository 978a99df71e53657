package io.keyrotator.infra.stacks;

import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.config.KeyrotatorConfig.ManagedUser;
import io.keyrotator.infra.constructs.AccessKeyChangeRule;
import io.keyrotator.infra.constructs.NotificationTopic;
import java.util.List;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The us-east-1 companion of a {@link KeyrotatorStack} deployed in another Region. IAM is a global
 * service whose CloudTrail events reach EventBridge only in us-east-1, so the out-of-band access
 * key change rule must live here, with its own encrypted topic and the same subscribers.
 */
public final class IamEventsStack extends Stack {
  /**
   * @param targetRegion the Region of the main stack, whose rotation and hygiene roles' key changes
   *     are expected
   */
  public IamEventsStack(
      Construct scope, String id, StackProps props, KeyrotatorConfig config, String targetRegion) {
    super(scope, id, props);
    NotificationTopic notifications =
        new NotificationTopic(
            this,
            "Notifications",
            new NotificationTopic.Props.Builder().emails(config.notificationEmails()).build());
    List<String> roleArns =
        KeyrotatorStack.expectedRoleNames(config, targetRegion).stream()
            .map(name -> "arn:" + getPartition() + ":iam::" + getAccount() + ":role/" + name)
            .toList();
    new AccessKeyChangeRule(
        this,
        "OutOfBandKeyChanges",
        new AccessKeyChangeRule.Props.Builder()
            .topic(notifications.getTopic())
            .userNames(config.users().stream().map(ManagedUser::name).toList())
            .rotationRoleArn(roleArns.get(0))
            .otherExpectedRoleArns(roleArns.subList(1, roleArns.size()))
            .build());
    StackOutputs.output(
        this,
        StackOutputs.Output.TOPIC_ARN.id,
        notifications.getTopic().getTopicArn(),
        "The topic out-of-band access key changes (seen only in us-east-1) go to");
  }
}
