package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * What keyrotator's two functions share: a retained log group, an execution role that may write to
 * that log group only (no AWSLambdaBasicExecutionRole with its "*"), and KMS use limited to calls
 * made through Secrets Manager.
 */
final class FunctionExecution {
  private FunctionExecution() {}

  /** The function's log group ({@code Logs}), kept when the stack is removed. */
  static LogGroup logGroup(Construct scope, RetentionDays retention) {
    return LogGroup.Builder.create(scope, "Logs")
        .retention(retention)
        .removalPolicy(RemovalPolicy.RETAIN)
        .build();
  }

  /** The execution role ({@code Role}), allowed to write to {@code logs} and nothing else yet. */
  static Role role(Construct scope, String description, Optional<String> name, LogGroup logs) {
    Role.Builder builder =
        Role.Builder.create(scope, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(description);
    name.ifPresent(builder::roleName);
    Role role = builder.build();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("WriteOwnLogs")
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn()))
            .build());
    return role;
  }

  /** Allows the KMS actions on the key only when Secrets Manager makes the call. */
  static PolicyStatement keyViaSecretsManager(
      Construct scope, String sid, List<String> actions, IKey key) {
    Stack stack = Stack.of(scope);
    return PolicyStatement.Builder.create()
        .sid(sid)
        .actions(actions)
        .resources(List.of(key.getKeyArn()))
        .conditions(
            Map.of(
                "StringEquals",
                Map.of(
                    "kms:ViaService",
                    "secretsmanager." + stack.getRegion() + "." + stack.getUrlSuffix())))
        .build();
  }
}
