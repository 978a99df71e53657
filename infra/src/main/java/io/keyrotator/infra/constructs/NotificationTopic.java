package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sns.subscriptions.EmailSubscription;
import software.constructs.Construct;

/**
 * The SNS topic every keyrotator alarm and rule notifies: encrypted with its own customer managed
 * key (key rotation on), TLS-only publish and subscribe, e-mail subscriptions.
 */
@Value.Enclosing
public final class NotificationTopic extends Construct {
  private final Topic topic;
  private final Key key;

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableNotificationTopic.Props.Builder {}

    /** Addresses to subscribe; default none (each address gets a confirmation mail). */
    List<String> emails();

    /** The topic's display name, shown as the e-mail sender; default "keyrotator". */
    @Value.Default
    default String displayName() {
      return "keyrotator";
    }
  }

  public NotificationTopic(Construct scope, String id, Props props) {
    super(scope, id);
    key =
        Key.Builder.create(this, "Key")
            .description("Encrypts the keyrotator notification topic")
            .enableKeyRotation(true)
            .removalPolicy(RemovalPolicy.DESTROY)
            .pendingWindow(Duration.days(7))
            .build();
    // CloudWatch alarms and EventBridge publish to an encrypted topic only if the key lets them.
    key.addToResourcePolicy(
        PolicyStatement.Builder.create()
            .sid("AllowAlarmAndRulePublishing")
            .effect(Effect.ALLOW)
            .principals(
                List.of(
                    new ServicePrincipal("cloudwatch.amazonaws.com"),
                    new ServicePrincipal("events.amazonaws.com")))
            .actions(List.of("kms:Decrypt", "kms:GenerateDataKey*"))
            .resources(List.of("*"))
            .build());
    topic =
        Topic.Builder.create(this, "Topic")
            .displayName(props.displayName())
            .masterKey(key)
            .enforceSsl(true)
            .build();
    // enforceSsl replaces the default topic policy, so CloudWatch alarms need an explicit grant
    // (EventBridge targets add their own). SourceAccount stops other accounts' alarms using it.
    topic.addToResourcePolicy(
        ServicePrincipalStatements.allow(
            "AllowCloudWatchAlarms",
            "cloudwatch.amazonaws.com",
            "sns:Publish",
            topic.getTopicArn(),
            Map.of("StringEquals", Map.of("aws:SourceAccount", Stack.of(this).getAccount()))));
    for (String email : props.emails()) {
      topic.addSubscription(new EmailSubscription(email));
    }
  }

  /** The topic. */
  public Topic getTopic() {
    return topic;
  }

  /** The topic's key. */
  public Key getKey() {
    return key;
  }
}
