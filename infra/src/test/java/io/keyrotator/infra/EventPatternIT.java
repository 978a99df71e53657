package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized EventBridge patterns, evaluated against sample events by the local emulator's
 * EventBridge: the out-of-band rule must fire for people and other roles but not for the rotation
 * role, the failure rule for keyrotator's secrets only, and the hygiene report rule for the hygiene
 * function's reports that ask for attention only.
 */
class EventPatternIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROTATION_ROLE =
      "arn:aws:iam::123456789012:role/keyrotator-rotation-eu-west-1";

  static LocalEventBridge eventBridge;
  static String keyChangePattern;
  static String failurePattern;
  static String reportPattern;
  static Map<String, Object> reportTransformer;

  /** The ARN the tests give the hygiene function (CloudFormation's Fn::GetAtt at deploy time). */
  static final String HYGIENE_FUNCTION =
      "arn:aws:lambda:eu-west-1:123456789012:function:full-Keyrotator-HygieneFunction2508A284-AbCdEf";

  private static final Map<String, String> ARNS = new java.util.HashMap<>();

  @BeforeAll
  static void setUp() throws Exception {
    TestApps.Built full = TestApps.get(TestApps.FULL);
    keyChangePattern = pattern(full.template("KeyrotatorIamEvents"), "aws.iam");
    failurePattern = pattern(full.template("Keyrotator"), "aws.secretsmanager");
    Template main = full.template("Keyrotator");
    KeyrotatorStack stack = (KeyrotatorStack) full.stack("Keyrotator");
    ARNS.put(
        stack.getLogicalId(
            (CfnElement)
                stack.getHygiene().orElseThrow().getFunction().getNode().getDefaultChild()),
        HYGIENE_FUNCTION);
    reportPattern = pattern(main, "lambda");
    reportTransformer = reportTransformer(main);
    eventBridge = LocalEventBridge.start();
  }

  @AfterAll
  static void tearDown() {
    if (eventBridge != null) {
      eventBridge.close();
    }
  }

  @SuppressWarnings("unchecked")
  private static String pattern(Template template, String source) throws Exception {
    Map<String, Map<String, Object>> rules =
        template.findResources(
            "AWS::Events::Rule",
            TemplateMatchers.withProperties(
                Map.of("EventPattern", Match.objectLike(Map.of("source", List.of(source))))));
    assertThat(rules).hasSize(1);
    Map<String, Object> props =
        (Map<String, Object>) rules.values().iterator().next().get("Properties");
    return JSON.writeValueAsString(resolve(props.get("EventPattern")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> reportTransformer(Template template) {
    Map<String, Map<String, Object>> rules =
        template.findResources(
            "AWS::Events::Rule",
            TemplateMatchers.withProperties(
                Map.of("EventPattern", Match.objectLike(Map.of("source", List.of("lambda"))))));
    Map<String, Object> props =
        (Map<String, Object>) rules.values().iterator().next().get("Properties");
    List<Map<String, Object>> targets = (List<Map<String, Object>>) props.get("Targets");
    assertThat(targets).hasSize(1);
    return (Map<String, Object>) targets.get(0).get("InputTransformer");
  }

  /** Resolves the few intrinsics the patterns use, as CloudFormation would in the aws partition. */
  @SuppressWarnings("unchecked")
  private static Object resolve(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.containsKey("Fn::GetAtt")) {
        List<Object> getAtt = (List<Object>) map.get("Fn::GetAtt");
        String arn = ARNS.get((String) getAtt.get(0));
        if (arn == null || !"Arn".equals(getAtt.get(1))) {
          throw new IllegalArgumentException("unexpected Fn::GetAtt in a pattern: " + map);
        }
        return arn;
      }
      if (map.containsKey("Fn::Join")) {
        List<Object> join = (List<Object>) map.get("Fn::Join");
        return ((List<Object>) join.get(1))
            .stream()
                .map(part -> String.valueOf(resolve(part)))
                .collect(Collectors.joining((String) join.get(0)));
      }
      if (map.containsKey("Ref")) {
        return switch ((String) map.get("Ref")) {
          case "AWS::Partition" -> "aws";
          case "AWS::URLSuffix" -> "amazonaws.com";
          default -> throw new IllegalArgumentException("unexpected Ref in a pattern: " + map);
        };
      }
      return map.entrySet().stream()
          .collect(
              Collectors.toMap(
                  e -> (String) e.getKey(),
                  e -> resolve(e.getValue()),
                  (a, b) -> a,
                  java.util.LinkedHashMap::new));
    }
    if (value instanceof List<?> list) {
      return list.stream().map(EventPatternIT::resolve).toList();
    }
    return value;
  }

  /** A sample event: what a rule's pattern is matched against. */
  record Sample(String source, String detailType, Map<String, Object> detail) {}

  private static Sample event(String source, String detailType, Map<String, Object> detail) {
    return new Sample(source, detailType, detail);
  }

  private static boolean delivered(String pattern, Sample sample) throws Exception {
    return eventBridge.delivers(pattern, sample.source(), sample.detailType(), sample.detail());
  }

  private static Sample keyEvent(String eventName, String userName, Map<String, Object> identity)
      throws Exception {
    return event(
        "aws.iam",
        "AWS API Call via CloudTrail",
        Map.of(
            "eventSource",
            "iam.amazonaws.com",
            "eventName",
            eventName,
            "requestParameters",
            Map.of("userName", userName),
            "userIdentity",
            identity));
  }

  private static Map<String, Object> assumedRole(String roleArn) {
    return Map.of(
        "type",
        "AssumedRole",
        "arn",
        roleArn.replace(":role/", ":assumed-role/") + "/session",
        "sessionContext",
        Map.of("sessionIssuer", Map.of("type", "Role", "arn", roleArn)));
  }

  /** The identity of a person's IAM user in a CloudTrail record. */
  private static final Map<String, Object> A_PERSON =
      Map.of("type", "IAMUser", "arn", "arn:aws:iam::123456789012:user/alice");

  /** Key changes on managed users made by anyone but keyrotator: each must be reported. */
  static Stream<Arguments> keyChangesByOthers() {
    return Stream.of(
        Arguments.of("a person", "CreateAccessKey", "ci-deployer", A_PERSON),
        Arguments.of(
            "the root user",
            "DeleteAccessKey",
            "legacy-batch",
            Map.of("type", "Root", "arn", "arn:aws:iam::123456789012:root")),
        Arguments.of(
            "another role",
            "UpdateAccessKey",
            "ci-deployer",
            assumedRole("arn:aws:iam::123456789012:role/Admin")));
  }

  @ParameterizedTest(name = "key change by {0} is reported")
  @MethodSource("keyChangesByOthers")
  void keyChangeByAnyoneElseIsReported(
      String who, String eventName, String userName, Map<String, Object> identity)
      throws Exception {
    assertThat(delivered(keyChangePattern, keyEvent(eventName, userName, identity))).isTrue();
  }

  /** keyrotator's own key changes: the rotation role rotates, the hygiene role only retires. */
  static Stream<Arguments> keyChangesByKeyrotator() {
    return Stream.of(
        Arguments.of(
            "the rotation role",
            ROTATION_ROLE,
            "ci-deployer",
            List.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey")),
        Arguments.of(
            "the hygiene role",
            "arn:aws:iam::123456789012:role/keyrotator-hygiene-eu-west-1",
            "legacy-batch",
            List.of("UpdateAccessKey", "DeleteAccessKey")));
  }

  @ParameterizedTest(name = "key change by {0} is expected")
  @MethodSource("keyChangesByKeyrotator")
  void keyChangeByKeyrotatorIsExpected(
      String who, String roleArn, String userName, List<String> eventNames) throws Exception {
    for (String eventName : eventNames) {
      Sample event = keyEvent(eventName, userName, assumedRole(roleArn));

      assertThat(delivered(keyChangePattern, event)).as(eventName).isFalse();
    }
  }

  @Test
  void keyChangeOnAnUnmanagedUserIsNotKeyrotatorsBusiness() throws Exception {
    Sample event = keyEvent("CreateAccessKey", "bob", A_PERSON);

    assertThat(delivered(keyChangePattern, event)).isFalse();
  }

  /** The ARN of a managed user's secret, as Secrets Manager names it in its events. */
  private static final String KEYROTATOR_SECRET =
      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyrotator/ci-deployer-AbC123";

  /** A rotation event of Secrets Manager about the secret {@code secretId}. */
  private static Sample rotationEventOf(String eventName, String secretId) throws Exception {
    return rotationEvent(eventName, Map.of("additionalEventData", Map.of("SecretId", secretId)));
  }

  private static Sample rotationEvent(String eventName, Map<String, Object> extra)
      throws Exception {
    Map<String, Object> detail = new java.util.LinkedHashMap<>();
    detail.put("eventSource", "secretsmanager.amazonaws.com");
    detail.put("eventName", eventName);
    detail.put("eventType", "AwsServiceEvent");
    detail.putAll(extra);
    return event("aws.secretsmanager", "AWS Service Event via CloudTrail", detail);
  }

  @Test
  void failedRotationOfAKeyrotatorSecretIsReported() throws Exception {
    for (String eventName : List.of("RotationFailed", "RotationAbandoned", "TestRotationFailed")) {
      Sample event = rotationEventOf(eventName, KEYROTATOR_SECRET);

      assertThat(delivered(failurePattern, event)).as(eventName).isTrue();
    }
  }

  @Test
  void failedRotationOfAnotherSecretIsNotReported() throws Exception {
    String other = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password-Xy9";

    assertThat(delivered(failurePattern, rotationEventOf("RotationFailed", other))).isFalse();
  }

  @Test
  void failedRotationThatNamesNoSecretIsStillReported() throws Exception {
    assertThat(delivered(failurePattern, rotationEvent("RotationFailed", Map.of()))).isTrue();
  }

  @Test
  void successfulRotationIsQuiet() throws Exception {
    Sample event = rotationEventOf("RotationSucceeded", KEYROTATOR_SECRET);

    assertThat(delivered(failurePattern, event)).isFalse();
  }

  // --- hygiene reports (the function's on-success destination record) -------------------------

  private static final String DEFAULT_BUS =
      "arn:aws:events:eu-west-1:123456789012:event-bus/default";

  /** The record Lambda puts on the bus after a successful asynchronous run. */
  private static Map<String, Object> invocationRecord(
      String functionArn, String condition, Map<String, Object> responsePayload) {
    return Map.of(
        "version",
        "1.0",
        "timestamp",
        "2026-11-23T06:00:41.123Z",
        "requestContext",
        Map.of(
            "requestId",
            "7c3c3a5e-1c2d-4c55-9a3b-5f0c1f7e2a10",
            "functionArn",
            functionArn,
            "condition",
            condition,
            "approximateInvokeCount",
            1),
        "requestPayload",
        Map.of("source", "aws.events", "detail-type", "Scheduled Event", "detail", Map.of()),
        "responseContext",
        Map.of("statusCode", 200, "executedVersion", "$LATEST"),
        "responsePayload",
        responsePayload);
  }

  private static Map<String, Object> report(boolean notify, String summary) {
    return Map.of(
        "notify", notify,
        "summary", summary,
        "dryRun", false,
        "counts", Map.of("PreviousKeysStillInUse", notify ? 1 : 0, "PreviousKeysDeactivated", 1),
        "actions", List.of(Map.of("action", "deactivated", "user", "ci-deployer")),
        "findings", List.of(),
        "skipped", List.of());
  }

  private static List<JsonNode> reportMessages(
      String detailType, List<String> resources, Map<String, Object> detail) throws Exception {
    return eventBridge.deliveredMessages(
        reportPattern, reportTransformer, "lambda", detailType, resources, detail);
  }

  private static final String SUCCESS = "Lambda Function Invocation Result - Success";

  @Test
  void hygieneReportThatAsksForAttentionReachesTheTopicAsItsSummary() throws Exception {
    String summary = "keyrotator hygiene: 1 previous key still in use (ci-deployer, AKIA...X1).";
    String qualified = HYGIENE_FUNCTION + ":$LATEST";

    List<JsonNode> messages =
        reportMessages(
            SUCCESS,
            List.of(DEFAULT_BUS, qualified),
            invocationRecord(qualified, "Success", report(true, summary)));

    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).isTextual()).as(messages.get(0).toString()).isTrue();
    assertThat(messages.get(0).asText()).isEqualTo(summary);
  }

  @Test
  void hygieneReportNamingTheUnqualifiedFunctionIsAlsoRecognised() throws Exception {
    List<JsonNode> messages =
        reportMessages(
            SUCCESS,
            List.of(DEFAULT_BUS, HYGIENE_FUNCTION),
            invocationRecord(HYGIENE_FUNCTION, "Success", report(true, "something to say")));

    assertThat(messages).hasSize(1);
  }

  @Test
  void hygieneReportWithNothingToSayIsQuiet() throws Exception {
    String qualified = HYGIENE_FUNCTION + ":$LATEST";
    Map<String, Object> withoutNotify = new java.util.HashMap<>(report(false, "all well"));
    withoutNotify.remove("notify");

    assertThat(
            reportMessages(
                SUCCESS,
                List.of(DEFAULT_BUS, qualified),
                invocationRecord(qualified, "Success", report(false, "all well"))))
        .isEmpty();
    assertThat(
            reportMessages(
                SUCCESS,
                List.of(DEFAULT_BUS, qualified),
                invocationRecord(qualified, "Success", withoutNotify)))
        .isEmpty();
  }

  @Test
  void anotherFunctionsResultIsNotAHygieneReport() throws Exception {
    // A function whose name merely starts with the hygiene function's name.
    String similar = HYGIENE_FUNCTION + "-copy:$LATEST";
    String other = "arn:aws:lambda:eu-west-1:123456789012:function:someone-else:$LATEST";

    for (String arn : List.of(similar, other)) {
      assertThat(
              reportMessages(
                  SUCCESS,
                  List.of(DEFAULT_BUS, arn),
                  invocationRecord(arn, "Success", report(true, "x"))))
          .as(arn)
          .isEmpty();
    }
  }

  @Test
  void failedHygieneRunIsLeftToTheErrorsAlarm() throws Exception {
    String qualified = HYGIENE_FUNCTION + ":$LATEST";

    assertThat(
            reportMessages(
                "Lambda Function Invocation Result - Failure",
                List.of(DEFAULT_BUS, qualified),
                invocationRecord(
                    qualified,
                    "RetriesExhausted",
                    Map.of("notify", true, "errorMessage", "Task timed out after 600.00 seconds"))))
        .isEmpty();
  }
}
