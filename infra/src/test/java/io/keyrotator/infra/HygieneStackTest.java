package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.constructs.HygieneFunction;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * The hygiene function's resources: the function and its settings, the schedule, the report's way
 * to the topic, the alarms and the least-privilege role. {@link TestApps#FULL} sets every hygiene
 * setting away from its default, {@link TestApps#MINIMAL} keeps the defaults.
 */
class HygieneStackTest {
  static KeyrotatorStack full;
  static Template fullTemplate;
  static KeyrotatorStack minimal;
  static Template minimalTemplate;

  @BeforeAll
  static void synthesizeOnce() {
    TestApps.Built fullApp = TestApps.get(TestApps.FULL);
    full = (KeyrotatorStack) fullApp.stack("Keyrotator");
    fullTemplate = fullApp.template("Keyrotator");
    TestApps.Built minimalApp = TestApps.get(TestApps.MINIMAL);
    minimal = (KeyrotatorStack) minimalApp.stack("Keyrotator");
    minimalTemplate = minimalApp.template("Keyrotator");
  }

  private static String logicalId(Stack stack, IConstruct construct) {
    return StackRefs.logicalId(stack, construct);
  }

  private static HygieneFunction hygiene(KeyrotatorStack stack) {
    return stack.getHygiene().orElseThrow();
  }

  private static Map<String, Object> partitionArn(String rest) {
    return StackRefs.partitionArn(rest);
  }

  private static Map<String, Object> functionArn(KeyrotatorStack stack) {
    return Map.of("Fn::GetAtt", List.of(logicalId(stack, hygiene(stack).getFunction()), "Arn"));
  }

  // --- the function ---------------------------------------------------------------------------

  @Test
  void runsTheSharedJarOnJava21WithJsonLogsAndWithoutSnapStart() {
    String logs = logicalId(full, hygiene(full).getNode().findChild("Logs"));
    fullTemplate.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Handler",
                "io.keyrotator.lambda.HygieneHandler::handleRequest",
                "Runtime",
                "java21",
                "Architectures",
                List.of("arm64"),
                "MemorySize",
                1024,
                "Timeout",
                600,
                "LoggingConfig",
                Map.of("LogFormat", "JSON", "LogGroup", Map.of("Ref", logs)),
                "SnapStart",
                Match.absent())));
    @SuppressWarnings("unchecked")
    Map<String, Object> logGroup =
        (Map<String, Object>)
            ((Map<String, Object>) fullTemplate.toJSON().get("Resources")).get(logs);
    // Named as Lambda would name it, so `aws logs tail /aws/lambda/<function>` finds it.
    assertThat(logGroup.get("Properties"))
        .isEqualTo(
            Map.of("LogGroupName", "/aws/lambda/keyrotator-hygiene", "RetentionInDays", 731));
    assertThat(logGroup.get("DeletionPolicy")).isEqualTo("Retain");
  }

  /**
   * The hygiene function's environment, a row per variable: its value from the full configuration,
   * then from the minimal one (the defaults). The scope is the rotation function's exact one, with
   * no opt-in tag.
   */
  private static final List<List<String>> HYGIENE_VARIABLES =
      List.of(
          List.of("KEYROTATOR_MANAGED_USERS", "ci-deployer,legacy-batch", "reporting"),
          List.of("KEYROTATOR_MANAGED_PATH_PREFIX", "", ""),
          List.of("KEYROTATOR_HYGIENE_GRACE_DAYS", "10", "7"),
          List.of("KEYROTATOR_HYGIENE_HARD_LIMIT_DAYS", "60", "0"),
          List.of("KEYROTATOR_HYGIENE_DELETE_AFTER_DAYS", "45", "30"),
          List.of("KEYROTATOR_HYGIENE_STUCK_AFTER_HOURS", "6", "24"),
          List.of("KEYROTATOR_HYGIENE_REPAIR", "true", "false"),
          List.of("KEYROTATOR_HYGIENE_DRY_RUN", "false", "false"),
          List.of("KEYROTATOR_DELETE_UNPROVEN_KEYS", "true", "false"),
          List.of("KEYROTATOR_AUDIT_MAX_KEY_AGE_DAYS", "60", "90"),
          List.of("KEYROTATOR_AUDIT_UNUSED_DAYS", "30", "45"));

  /** Asserts the hygiene function's whole environment: column 1 of the table (full) or 2. */
  private static void hygieneFunctionHasEnvironment(Template template, int column) {
    Map<String, String> variables = new LinkedHashMap<>();
    HYGIENE_VARIABLES.forEach(row -> variables.put(row.get(0), row.get(column)));
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Handler",
                HygieneFunction.HANDLER,
                "Environment",
                Map.of("Variables", variables))));
  }

  @Test
  void getsTheConfiguredHygieneSettingsAndTheRotationFunctionsScope() {
    hygieneFunctionHasEnvironment(fullTemplate, 1);
  }

  @Test
  void defaultsMatchTheFunctionsOwnDefaults() {
    hygieneFunctionHasEnvironment(minimalTemplate, 2);
    minimalTemplate.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(Map.of("ScheduleExpression", "cron(0 6 * * ? *)", "State", "ENABLED")));
  }

  // --- schedule and report --------------------------------------------------------------------

  @Test
  void scheduleInvokesTheFunctionOnTheConfiguredSchedule() {
    String rule =
        logicalId(full, full.getNode().findChild("HygieneSchedule").getNode().findChild("Rule"));
    fullTemplate.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "ScheduleExpression", "rate(12 hours)",
                "State", "ENABLED",
                "Targets", List.of(Match.objectLike(Map.of("Arn", functionArn(full)))))));
    fullTemplate.hasResourceProperties(
        "AWS::Lambda::Permission",
        Map.of(
            "Action",
            "lambda:InvokeFunction",
            "FunctionName",
            functionArn(full),
            "Principal",
            "events.amazonaws.com",
            "SourceArn",
            Map.of("Fn::GetAtt", List.of(rule, "Arn"))));
  }

  @Test
  void asynchronousResultsGoToTheDefaultEventBus() {
    fullTemplate.hasResourceProperties(
        "AWS::Lambda::EventInvokeConfig",
        Map.of(
            "FunctionName",
            Map.of("Ref", logicalId(full, hygiene(full).getFunction())),
            "Qualifier",
            "$LATEST",
            "MaximumRetryAttempts",
            1,
            // No on-failure destination: the Errors alarm reports failures (see HygieneFunction).
            "DestinationConfig",
            Map.of(
                "OnSuccess",
                Map.of(
                    "Destination",
                    partitionArn(":events:eu-west-1:123456789012:event-bus/default")))));
  }

  @Test
  void reportsThatAskForAttentionReachTheTopicAsTheirSummary() {
    Map<String, Object> fn = functionArn(full);
    TemplateMatchers.hasRule(
        fullTemplate,
        TemplateMatchers.eventPattern(
            "lambda",
            "Lambda Function Invocation Result - Success",
            Map.of(
                "resources",
                    List.of(
                        fn, Map.of("prefix", Map.of("Fn::Join", List.of("", List.of(fn, ":"))))),
                "detail", Map.of("responsePayload", Map.of("notify", List.of(true))))),
        List.of(
            Map.of(
                "Id", Match.anyValue(),
                "Arn", Map.of("Ref", logicalId(full, full.getNotifications().getTopic())),
                "InputTransformer",
                    Map.of(
                        "InputPathsMap",
                        Map.of(
                            "detail-responsePayload-summary", "$.detail.responsePayload.summary"),
                        "InputTemplate",
                        "\"<detail-responsePayload-summary>\""))));
  }

  // --- alarms ---------------------------------------------------------------------------------

  @Test
  void failedRunsRaiseTheErrorsAlarm() {
    fullTemplate.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Namespace", "AWS/Lambda",
                "MetricName", "Errors",
                "Dimensions",
                    List.of(
                        Map.of(
                            "Name",
                            "FunctionName",
                            "Value",
                            Map.of("Ref", logicalId(full, hygiene(full).getFunction())))),
                "Statistic", "Sum",
                "Period", 86400,
                "Threshold", 0,
                "ComparisonOperator", "GreaterThanThreshold",
                "TreatMissingData", "notBreaching",
                "AlarmActions",
                    List.of(Map.of("Ref", logicalId(full, full.getNotifications().getTopic()))))));
  }

  @Test
  void everyProblemCountRaisesItsAlarmButRoutineActionsDoNot() {
    Map<String, Object> topic = Map.of("Ref", logicalId(full, full.getNotifications().getTopic()));
    assertThat(HygieneFunction.ALARMED_METRICS)
        .containsExactly(
            "PreviousKeysStillInUse",
            "StuckRotations",
            "OrphanKeys",
            "SecretsSkipped",
            "AuditFindings");
    for (String metric : HygieneFunction.ALARMED_METRICS) {
      fullTemplate.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Match.objectLike(
              Map.of(
                  "Namespace",
                  "keyrotator",
                  "MetricName",
                  metric,
                  "Dimensions",
                  List.of(Map.of("Name", "Job", "Value", "hygiene")),
                  "Statistic",
                  "Sum",
                  "Period",
                  86400,
                  "EvaluationPeriods",
                  1,
                  "Threshold",
                  0,
                  "ComparisonOperator",
                  "GreaterThanThreshold",
                  "TreatMissingData",
                  "notBreaching",
                  "AlarmActions",
                  List.of(topic))));
    }
    for (String routine :
        List.of("PreviousKeysDeactivated", "PreviousKeysDeleted", "UnownedKeys")) {
      assertThat(
              fullTemplate.findResources(
                  "AWS::CloudWatch::Alarm",
                  TemplateMatchers.withProperties(Map.of("MetricName", routine))))
          .as(routine)
          .isEmpty();
    }
  }

  // --- least privilege ------------------------------------------------------------------------

  private static List<IamStatements.Located> statements(KeyrotatorStack stack, Template template) {
    return IamStatements.statementsOf(
        template, logicalId(stack, hygiene(stack).getRole().getNode().findChild("DefaultPolicy")));
  }

  private static List<IamStatements.Located> withAction(
      List<IamStatements.Located> statements, String prefix) {
    return statements.stream()
        .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith(prefix)))
        .toList();
  }

  @Test
  void roleHasExactlyTheActionsTheFunctionCalls() {
    assertThat(
            statements(full, fullTemplate).stream()
                .flatMap(s -> s.actions().stream())
                .distinct()
                .sorted()
                .toList())
        .containsExactly(
            "events:PutEvents",
            "iam:DeleteAccessKey",
            "iam:GenerateCredentialReport",
            "iam:GetAccessKeyLastUsed",
            "iam:GetAccountPasswordPolicy",
            "iam:GetCredentialReport",
            "iam:GetUser",
            "iam:ListAccessKeys",
            "iam:TagUser",
            "iam:UntagUser",
            "iam:UpdateAccessKey",
            "kms:Decrypt",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:ListSecretVersionIds",
            "secretsmanager:ListSecrets",
            "secretsmanager:UntagResource",
            "secretsmanager:UpdateSecretVersionStage");
    fullTemplate.hasResourceProperties(
        "AWS::IAM::Role",
        Match.objectLike(
            Map.of(
                "RoleName", "keyrotator-hygiene-eu-west-1", "ManagedPolicyArns", Match.absent())));
  }

  @Test
  void onlyActionsWithoutAResourceTypeAreOnEveryResource() {
    List<String> onStar =
        statements(full, fullTemplate).stream()
            .filter(s -> s.resources().contains("*"))
            .flatMap(s -> s.actions().stream())
            .sorted()
            .toList();

    assertThat(onStar)
        .containsExactly(
            "iam:GenerateCredentialReport",
            "iam:GetAccountPasswordPolicy",
            "iam:GetCredentialReport",
            "secretsmanager:ListSecrets");
  }

  @Test
  void keyActionsReachManagedUsersOnlyAndTagOnlyTheDeactivationTag() {
    List<Object> users = FullConfigurationTest.MANAGED_USER_ARNS;
    List<IamStatements.Located> iam =
        withAction(statements(full, fullTemplate), "iam:").stream()
            .filter(s -> !s.resources().contains("*"))
            .toList();

    assertThat(iam).hasSize(2);
    for (IamStatements.Located statement : iam) {
      assertThat(statement.resources()).as(statement.statement().toString()).isEqualTo(users);
      assertThat(statement.actions()).doesNotContain("iam:CreateAccessKey");
    }
    IamStatements.Located tagging =
        iam.stream().filter(s -> s.actions().contains("iam:TagUser")).findFirst().orElseThrow();
    assertThat(tagging.actions()).containsExactlyInAnyOrder("iam:TagUser", "iam:UntagUser");
    assertThat(tagging.statement().get("Condition"))
        .isEqualTo(
            Map.of(
                "ForAllValues:StringEquals",
                Map.of("aws:TagKeys", List.of("keyrotator:deactivated"))));
  }

  @Test
  void existingUsersOnlyMeansExactUserArns() {
    for (IamStatements.Located statement :
        withAction(statements(minimal, minimalTemplate), "iam:").stream()
            .filter(s -> !s.resources().contains("*"))
            .toList()) {
      assertThat(statement.resources())
          .containsExactly(partitionArn(":iam::210987654321:user/reporting"));
    }
  }

  @Test
  void secretsAreReachedOneByOneAndTheirKeyOnlyThroughSecretsManager() {
    List<IamStatements.Located> all = statements(full, fullTemplate);
    List<IamStatements.Located> secrets =
        withAction(all, "secretsmanager:").stream()
            .filter(s -> !s.resources().contains("*"))
            .filter(s -> !s.statement().containsKey("Condition"))
            .filter(s -> !"ReadTheEvidenceSeal".equals(s.statement().get("Sid")))
            .toList();

    assertThat(secrets.stream().flatMap(s -> s.resources().stream()).toList())
        .containsExactlyInAnyOrder(
            Map.of("Ref", logicalId(full, full.getSecrets().get("ci-deployer").getSecret())),
            Map.of("Ref", logicalId(full, full.getSecrets().get("legacy-batch").getSecret())));
    for (IamStatements.Located statement : secrets) {
      assertThat(statement.actions())
          .containsExactlyInAnyOrder(
              "secretsmanager:DescribeSecret",
              "secretsmanager:GetSecretValue",
              "secretsmanager:ListSecretVersionIds",
              "secretsmanager:UpdateSecretVersionStage");
    }
    List<IamStatements.Located> kms = withAction(all, "kms:");
    assertThat(kms).hasSize(1);
    assertThat(kms.get(0).actions()).containsExactly("kms:Decrypt");
    assertThat(kms.get(0).resources())
        .containsExactly(
            Map.of(
                "Fn::GetAtt",
                List.of(logicalId(full, full.getNode().findChild("SecretsKey")), "Arn")));
    assertThat(kms.get(0).statement().get("Condition"))
        .isEqualTo(TemplateMatchers.viaSecretsManager("eu-west-1"));
  }

  @Test
  void mayRemoveOnlyTheAttemptRecordFromTheManagedSecrets() {
    List<IamStatements.Located> untag =
        withAction(statements(full, fullTemplate), "secretsmanager:UntagResource");

    assertThat(untag).hasSize(2);
    for (IamStatements.Located statement : untag) {
      assertThat(statement.actions()).containsExactly("secretsmanager:UntagResource");
      assertThat(statement.statement().get("Condition"))
          .isEqualTo(
              Map.of(
                  "ForAllValues:StringEquals",
                  Map.of("aws:TagKeys", List.of("keyrotator:attempt"))));
    }
    assertThat(untag.stream().flatMap(s -> s.resources().stream()).toList())
        .containsExactlyInAnyOrder(
            Map.of("Ref", logicalId(full, full.getSecrets().get("ci-deployer").getSecret())),
            Map.of("Ref", logicalId(full, full.getSecrets().get("legacy-batch").getSecret())));
  }

  @Test
  void reportDeliveryMayPutEventsOnTheDefaultBusOnly() {
    List<IamStatements.Located> events = withAction(statements(full, fullTemplate), "events:");

    assertThat(events).hasSize(1);
    assertThat(events.get(0).actions()).containsExactly("events:PutEvents");
    assertThat(events.get(0).resources())
        .containsExactly(partitionArn(":events:eu-west-1:123456789012:event-bus/default"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void wildcardSuppressionNamesExactlyTheStarFinding() {
    String policy = logicalId(full, hygiene(full).getRole().getNode().findChild("DefaultPolicy"));
    Map<String, Object> resource =
        (Map<String, Object>)
            ((Map<String, Object>) fullTemplate.toJSON().get("Resources")).get(policy);
    List<Map<String, Object>> rules =
        (List<Map<String, Object>>)
            ((Map<String, Object>) ((Map<String, Object>) resource.get("Metadata")).get("cdk_nag"))
                .get("rules_to_suppress");

    assertThat(rules).hasSize(1);
    assertThat(rules.get(0).get("id")).isEqualTo("AwsSolutions-IAM5");
    assertThat((List<Object>) rules.get(0).get("applies_to")).containsExactly("Resource::*");
    assertThat((String) rules.get(0).get("reason"))
        .contains("secretsmanager:ListSecrets", "iam:GenerateCredentialReport");
  }

  // --- switched off ---------------------------------------------------------------------------

  @Test
  void disabledHygieneDeploysNothingOfIt() {
    KeyrotatorStack stack = TestApps.get(TestApps.NO_HYGIENE).keyrotatorStack();
    Template template = Template.fromStack(stack);
    String rotationRole = logicalId(stack, stack.getRotationFunction().getRole());

    assertThat(stack.getHygiene()).isEmpty();
    template.resourceCountIs("AWS::Lambda::Function", 1);
    template.resourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
    template.resourceCountIs("AWS::IAM::Role", 1);
    // Only the StepFailed alarm (no trail configured).
    template.resourceCountIs("AWS::CloudWatch::Alarm", 1);
    assertThat(
            template.findResources(
                "AWS::Events::Rule",
                TemplateMatchers.withProperties(Map.of("ScheduleExpression", Match.anyValue()))))
        .isEmpty();
    Map<String, Object> rotationRoleArn = Map.of("Fn::GetAtt", List.of(rotationRole, "Arn"));
    // Only the rotation role passes the secret's deny, and only its key changes are expected.
    template.hasResourceProperties(
        "AWS::SecretsManager::ResourcePolicy",
        Match.objectLike(
            Map.of(
                "ResourcePolicy",
                TemplateMatchers.statementsInclude(
                    Match.objectLike(
                        Map.of(
                            "Action",
                            "secretsmanager:GetSecretValue",
                            "Condition",
                            TemplateMatchers.principalArnNotIn(List.of(rotationRoleArn))))))));
    Map<String, Object> issuer = TemplateMatchers.sessionIssuerNoneOf(List.of(rotationRoleArn));
    TemplateMatchers.hasRuleWithPattern(
        template,
        Map.of("detail", Match.objectLike(Map.of("$or", Match.arrayWith(List.of(issuer))))));
  }
}
