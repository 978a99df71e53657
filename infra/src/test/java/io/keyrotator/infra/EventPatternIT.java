package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The synthesized EventBridge patterns, evaluated against sample CloudTrail events by the local
 * emulator's EventBridge: the out-of-band rule must fire for people and other roles but not for the rotation
 * role, and the failure rule for keyrotator's secrets only.
 */
class EventPatternIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROTATION_ROLE =
      "arn:aws:iam::123456789012:role/keyrotator-rotation-eu-west-1";

  static LocalEventBridge eventBridge;
  static String keyChangePattern;
  static String failurePattern;

  @BeforeAll
  static void setUp() throws Exception {
    TestApps.Built full = TestApps.get(TestApps.FULL);
    keyChangePattern = pattern(full.template("KeyrotatorIamEvents"), "aws.iam");
    failurePattern = pattern(full.template("Keyrotator"), "aws.secretsmanager");
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
            Match.objectLike(
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of("EventPattern", Match.objectLike(Map.of("source", List.of(source))))))));
    assertThat(rules).hasSize(1);
    Map<String, Object> props = (Map<String, Object>) rules.values().iterator().next().get("Properties");
    return JSON.writeValueAsString(resolve(props.get("EventPattern")));
  }

  /** Resolves the few intrinsics the patterns use, as CloudFormation would in the aws partition. */
  @SuppressWarnings("unchecked")
  private static Object resolve(Object value) {
    if (value instanceof Map<?, ?> map) {
      if (map.containsKey("Fn::Join")) {
        List<Object> join = (List<Object>) map.get("Fn::Join");
        return ((List<Object>) join.get(1))
            .stream().map(part -> String.valueOf(resolve(part))).collect(Collectors.joining((String) join.get(0)));
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
                  e -> (String) e.getKey(), e -> resolve(e.getValue()), (a, b) -> a, java.util.LinkedHashMap::new));
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
            "eventSource", "iam.amazonaws.com",
            "eventName", eventName,
            "requestParameters", Map.of("userName", userName),
            "userIdentity", identity));
  }

  private static Map<String, Object> assumedRole(String roleArn) {
    return Map.of(
        "type", "AssumedRole",
        "arn", roleArn.replace(":role/", ":assumed-role/") + "/session",
        "sessionContext", Map.of("sessionIssuer", Map.of("type", "Role", "arn", roleArn)));
  }

  @Test
  void keyChangeByAPersonIsReported() throws Exception {
    Sample event =
        keyEvent(
            "CreateAccessKey",
            "ci-deployer",
            Map.of("type", "IAMUser", "arn", "arn:aws:iam::123456789012:user/alice"));

    assertThat(delivered(keyChangePattern, event)).isTrue();
  }

  @Test
  void keyChangeByTheRootUserIsReported() throws Exception {
    Sample event =
        keyEvent("DeleteAccessKey", "legacy-batch", Map.of("type", "Root", "arn", "arn:aws:iam::123456789012:root"));

    assertThat(delivered(keyChangePattern, event)).isTrue();
  }

  @Test
  void keyChangeByAnotherRoleIsReported() throws Exception {
    Sample event =
        keyEvent("UpdateAccessKey", "ci-deployer", assumedRole("arn:aws:iam::123456789012:role/Admin"));

    assertThat(delivered(keyChangePattern, event)).isTrue();
  }

  @Test
  void keyChangeByTheRotationRoleIsExpected() throws Exception {
    for (String eventName : List.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey")) {
      Sample event = keyEvent(eventName, "ci-deployer", assumedRole(ROTATION_ROLE));

      assertThat(delivered(keyChangePattern, event)).as(eventName).isFalse();
    }
  }

  @Test
  void keyChangeOnAnUnmanagedUserIsNotKeyrotatorsBusiness() throws Exception {
    Sample event =
        keyEvent("CreateAccessKey", "bob", Map.of("type", "IAMUser", "arn", "arn:aws:iam::123456789012:user/alice"));

    assertThat(delivered(keyChangePattern, event)).isFalse();
  }

  private static Sample rotationEvent(String eventName, Map<String, Object> extra) throws Exception {
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
      Sample event =
          rotationEvent(
              eventName,
              Map.of(
                  "additionalEventData",
                  Map.of(
                      "SecretId",
                      "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyrotator/ci-deployer-AbC123")));

      assertThat(delivered(failurePattern, event)).as(eventName).isTrue();
    }
  }

  @Test
  void failedRotationOfAnotherSecretIsNotReported() throws Exception {
    Sample event =
        rotationEvent(
            "RotationFailed",
            Map.of(
                "additionalEventData",
                Map.of("SecretId", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password-Xy9")));

    assertThat(delivered(failurePattern, event)).isFalse();
  }

  @Test
  void failedRotationThatNamesNoSecretIsStillReported() throws Exception {
    assertThat(delivered(failurePattern, rotationEvent("RotationFailed", Map.of()))).isTrue();
  }

  @Test
  void successfulRotationIsQuiet() throws Exception {
    Sample event =
        rotationEvent(
            "RotationSucceeded",
            Map.of(
                "additionalEventData",
                Map.of(
                    "SecretId",
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:keyrotator/ci-deployer-AbC123")));

    assertThat(delivered(failurePattern, event)).isFalse();
  }
}
