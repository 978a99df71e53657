package io.keyrotator.infra.stacks;

import io.keyrotator.infra.constructs.AccessKeySecret;
import io.keyrotator.infra.constructs.EvidenceSealSecret;
import io.keyrotator.infra.constructs.HygieneFunction;
import io.keyrotator.infra.constructs.NotificationTopic;
import io.keyrotator.infra.constructs.RotationFunction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;

/**
 * The stack's Outputs: every name an operator needs after a deployment, under a stable logical id
 * with a description, so that {@code cdk deploy --outputs-file outputs.json} (or {@code aws
 * cloudformation describe-stacks}) gives them by a friendly name. docs/deploy.md lists them.
 */
final class StackOutputs {
  /** Logical id of the rotation function's name. */
  static final String ROTATION_FUNCTION_NAME = "RotationFunctionName";

  /** Logical id of the ARN of the rotation function's {@code live} alias. */
  static final String ROTATION_FUNCTION_ARN = "RotationFunctionAliasArn";

  /** Logical id of the rotation function's log group name. */
  static final String ROTATION_LOG_GROUP = "RotationLogGroupName";

  /** Logical id of the hygiene function's name. */
  static final String HYGIENE_FUNCTION_NAME = "HygieneFunctionName";

  /** Logical id of the hygiene function's ARN. */
  static final String HYGIENE_FUNCTION_ARN = "HygieneFunctionArn";

  /** Logical id of the hygiene function's log group name. */
  static final String HYGIENE_LOG_GROUP = "HygieneLogGroupName";

  /** Logical id of the notification topic's ARN. */
  static final String TOPIC_ARN = "NotificationTopicArn";

  /** Logical id of the evidence seal secret's ARN. */
  static final String SEAL_SECRET_ARN = "EvidenceSealSecretArn";

  /** Start of the logical id of each managed user's secret ARN; see {@link #secretArnId}. */
  static final String SECRET_ARN_PREFIX = "SecretArn";

  private StackOutputs() {}

  static void add(
      Stack stack,
      RotationFunction rotation,
      Optional<HygieneFunction> hygiene,
      NotificationTopic notifications,
      Map<String, AccessKeySecret> secrets,
      EvidenceSealSecret seal) {
    output(
        stack,
        ROTATION_FUNCTION_NAME,
        rotation.getFunction().getFunctionName(),
        "The rotation function's name");
    output(
        stack,
        ROTATION_FUNCTION_ARN,
        rotation.getAlias().getFunctionArn(),
        "The ARN of the rotation function's live alias, which the rotation schedules invoke");
    output(
        stack,
        ROTATION_LOG_GROUP,
        rotation.getLogGroup().getLogGroupName(),
        "The rotation function's log group: aws logs tail <name> --since 30m");
    hygiene.ifPresent(
        h -> {
          output(
              stack,
              HYGIENE_FUNCTION_NAME,
              h.getFunction().getFunctionName(),
              "The hygiene function's name");
          output(
              stack,
              HYGIENE_FUNCTION_ARN,
              h.getFunction().getFunctionArn(),
              "The hygiene function's ARN");
          output(
              stack,
              HYGIENE_LOG_GROUP,
              h.getLogGroup().getLogGroupName(),
              "The hygiene function's log group: aws logs tail <name> --since 1d");
        });
    output(
        stack,
        TOPIC_ARN,
        notifications.getTopic().getTopicArn(),
        "The topic keyrotator's alarms, failures and hygiene reports go to");
    secrets.forEach(
        (user, secret) ->
            output(
                stack,
                secretArnId(user),
                secret.getSecret().getSecretArn(),
                "The secret holding IAM user " + user + "'s access key (keyrotator --secret-id)"));
    output(
        stack,
        SEAL_SECRET_ARN,
        seal.getSecret().getSecretArn(),
        "The secret holding the key keyrotator seals its evidence with (never read it by hand)");
  }

  /**
   * {@code SecretArn} and the user name, which IAM allows to hold {@code +=,.@_-}: a logical id is
   * alphanumeric, so such a name loses those characters and gains a short hash of itself, which
   * keeps {@code a.b} and {@code ab} apart and each id the same from one synthesis to the next.
   */
  static String secretArnId(String userName) {
    String alphanumeric = userName.replaceAll("[^A-Za-z0-9]", "");
    if (alphanumeric.equals(userName)) {
      return SECRET_ARN_PREFIX + userName;
    }
    String hash =
        UUID.nameUUIDFromBytes(userName.getBytes(StandardCharsets.UTF_8))
            .toString()
            .substring(0, 8);
    return SECRET_ARN_PREFIX + alphanumeric + hash;
  }

  /** An Output whose logical id is {@code id}, whatever construct path it sits at. */
  static void output(Stack stack, String id, String value, String description) {
    CfnOutput output =
        CfnOutput.Builder.create(stack, id).value(value).description(description).build();
    output.overrideLogicalId(id);
  }
}
