package io.keyrotator.infra.constructs;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.MetricNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.LoggingFormat;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * What keyrotator's two functions share: a retained log group with the name Lambda would give it,
 * an execution role that may write to that log group only (no AWSLambdaBasicExecutionRole with its
 * "*"), the function's common settings (Java 21, the shared jar, JSON logs, the scope of managed
 * users) and KMS use limited to calls made through Secrets Manager.
 */
final class FunctionExecution {
  private final LogGroup logGroup;
  private final Role role;
  private final List<String> managedUserArns;

  /**
   * Creates the log group ({@code Logs}) and the role ({@code Role}) in {@code scope}.
   *
   * @param roleDescription what the role is for, shown in IAM
   */
  FunctionExecution(Construct scope, FunctionOptions options, String roleDescription) {
    // Named as Lambda names a function's log group, so that `aws logs tail /aws/lambda/<function>`
    // (docs/cli.md, `keyrotator rotate --wait`) reads the log the function writes.
    logGroup =
        LogGroup.Builder.create(scope, "Logs")
            .logGroupName(options.logGroupName())
            .retention(options.logRetention())
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    Role.Builder builder =
        Role.Builder.create(scope, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description(roleDescription);
    options.roleName().ifPresent(builder::roleName);
    role = builder.build();
    Stack stack = Stack.of(scope);
    managedUserArns = options.users().stream().map(user -> user.arn(stack)).toList();
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid("WriteOwnLogs")
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logGroup.getLogGroupArn()))
            .build());
  }

  LogGroup logGroup() {
    return logGroup;
  }

  Role role() {
    return role;
  }

  /**
   * Allows {@code actions} on the managed users only, each named by its exact ARN.
   *
   * @param conditions the statement's conditions; empty for none
   */
  void allowOnManagedUsers(String sid, List<String> actions, Map<String, Object> conditions) {
    PolicyStatement.Builder statement =
        PolicyStatement.Builder.create().sid(sid).actions(actions).resources(managedUserArns);
    if (!conditions.isEmpty()) {
      statement.conditions(conditions);
    }
    role.addToPrincipalPolicy(statement.build());
  }

  /**
   * Allows secretsmanager:ListSecrets, which has no resource type and so cannot be narrowed; it
   * returns names and metadata, never values.
   */
  void allowListSecrets(String sid) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .sid(sid)
            .actions(List.of("secretsmanager:ListSecrets"))
            .resources(List.of("*"))
            .build());
  }

  /**
   * The function ({@code Function}) with what both share set: name, Java 21, architecture, handler,
   * the jar, memory, this role and log group, JSON logs, and {@code environment} after the managed
   * users' scope and whether unproven keys may be deleted. The caller adds its own settings
   * (timeout, SnapStart, destinations) and builds.
   */
  Function.Builder function(
      Construct scope,
      FunctionOptions options,
      String handler,
      String description,
      Map<String, String> environment) {
    Map<String, String> variables = new LinkedHashMap<>(scopeEnvironment(options.users()));
    variables.put(
        FunctionEnvironment.DELETE_UNPROVEN_KEYS, Boolean.toString(options.deleteUnprovenKeys()));
    variables.putAll(environment);
    return Function.Builder.create(scope, "Function")
        .functionName(options.functionName())
        .description(description)
        .runtime(Runtime.JAVA_21)
        .architecture(options.architecture())
        .handler(handler)
        .code(Code.fromAsset(options.codePath()))
        .memorySize(options.memorySize())
        .role(role)
        .logGroup(logGroup)
        .loggingFormat(LoggingFormat.JSON)
        .environment(variables);
  }

  /**
   * Makes the function wait for its role's policy (CDK adds that dependency for roles it creates
   * itself, not for one passed in) and records why cdk-nag's runtime and wildcard findings do not
   * apply.
   *
   * @param runtimeReason why Java 21 (AwsSolutions-L1)
   * @param wildcardReason which actions are on "*" and why they cannot be narrowed
   *     (AwsSolutions-IAM5, for {@code Resource::*} only)
   */
  void finish(Function function, String runtimeReason, String wildcardReason) {
    function.getNode().addDependency(role);
    NagSuppressions.addResourceSuppressions(
        function,
        List.of(NagPackSuppression.builder().id("AwsSolutions-L1").reason(runtimeReason).build()));
    NagSuppressions.addResourceSuppressions(
        role,
        List.of(
            NagPackSuppression.builder()
                .id("AwsSolutions-IAM5")
                .reason(wildcardReason)
                .appliesTo(List.of("Resource::*"))
                .build()),
        true);
  }

  /**
   * The scope both functions get: the exact user names, and no path (the list is the whole scope).
   * No tag widens it: tags are records anyone with TagUser can write.
   */
  static Map<String, String> scopeEnvironment(List<ManagedIamUser> users) {
    Map<String, String> environment = new LinkedHashMap<>();
    environment.put(
        FunctionContract.MANAGED_USERS_ENV,
        FunctionContract.managedUsers(users.stream().map(ManagedIamUser::name).toList()));
    environment.put(FunctionContract.MANAGED_PATH_PREFIX_ENV, "");
    return environment;
  }

  /**
   * A count as the functions write it (embedded metric format): namespace {@value
   * MetricNames#NAMESPACE}, one dimension, statistic Sum.
   */
  static Metric count(String metricName, String dimension, String value, Duration period) {
    return Metric.Builder.create()
        .namespace(MetricNames.NAMESPACE)
        .metricName(metricName)
        .dimensionsMap(Map.of(dimension, value))
        .statistic("Sum")
        .period(period)
        .build();
  }

  /** Tag requests (TagUser, UntagUser, TagResource, UntagResource) that name only these keys. */
  static Map<String, Object> onlyTagKeys(String... keys) {
    return Map.of("ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of(keys)));
  }

  /** Allows the KMS actions on the key only when Secrets Manager makes the call. */
  static PolicyStatement keyViaSecretsManager(
      Construct scope, String sid, List<String> actions, IKey key) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .actions(actions)
        .resources(List.of(key.getKeyArn()))
        .conditions(SecretsKey.viaSecretsManager(Stack.of(scope)))
        .build();
  }
}
