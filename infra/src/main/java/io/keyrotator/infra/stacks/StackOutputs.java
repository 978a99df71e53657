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
  /**
   * The stack's fixed Outputs: each logical id (the key in {@code outputs.json}) with the
   * description CloudFormation shows next to it.
   */
  enum Output {
    ROTATION_FUNCTION_NAME("RotationFunctionName", "The rotation function's name"),
    ROTATION_FUNCTION_ARN(
        "RotationFunctionAliasArn",
        "The ARN of the rotation function's live alias, which the rotation schedules invoke"),
    ROTATION_LOG_GROUP(
        "RotationLogGroupName",
        "The rotation function's log group: aws logs tail <name> --since 30m"),
    HYGIENE_FUNCTION_NAME("HygieneFunctionName", "The hygiene function's name"),
    HYGIENE_FUNCTION_ARN("HygieneFunctionArn", "The hygiene function's ARN"),
    HYGIENE_LOG_GROUP(
        "HygieneLogGroupName", "The hygiene function's log group: aws logs tail <name> --since 1d"),
    TOPIC_ARN(
        "NotificationTopicArn",
        "The topic keyrotator's alarms, failures and hygiene reports go to"),
    SEAL_SECRET_ARN(
        "EvidenceSealSecretArn",
        "The secret holding the key keyrotator seals its evidence with (never read it by hand)");

    /** The Output's logical id, the same in every synthesis. */
    final String id;

    /** What the value is and what to do with it, for whoever reads the stack's Outputs. */
    final String description;

    Output(String id, String description) {
      this.id = id;
      this.description = description;
    }
  }

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
    output(stack, Output.ROTATION_FUNCTION_NAME, rotation.getFunction().getFunctionName());
    output(stack, Output.ROTATION_FUNCTION_ARN, rotation.getAlias().getFunctionArn());
    output(stack, Output.ROTATION_LOG_GROUP, rotation.getLogGroup().getLogGroupName());
    hygiene.ifPresent(
        h -> {
          output(stack, Output.HYGIENE_FUNCTION_NAME, h.getFunction().getFunctionName());
          output(stack, Output.HYGIENE_FUNCTION_ARN, h.getFunction().getFunctionArn());
          output(stack, Output.HYGIENE_LOG_GROUP, h.getLogGroup().getLogGroupName());
        });
    output(stack, Output.TOPIC_ARN, notifications.getTopic().getTopicArn());
    secrets.forEach(
        (user, secret) ->
            output(
                stack,
                secretArnId(user),
                secret.getSecret().getSecretArn(),
                "The secret holding IAM user " + user + "'s access key (keyrotator --secret-id)"));
    output(stack, Output.SEAL_SECRET_ARN, seal.getSecret().getSecretArn());
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

  /** One of the fixed Outputs, with its own description. */
  private static void output(Stack stack, Output output, String value) {
    output(stack, output.id, value, output.description);
  }

  /** An Output whose logical id is {@code id}, whatever construct path it sits at. */
  static void output(Stack stack, String id, String value, String description) {
    CfnOutput output =
        CfnOutput.Builder.create(stack, id).value(value).description(description).build();
    output.overrideLogicalId(id);
  }
}
