package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The matchers the stack tests build again and again, written once. */
final class TemplateMatchers {
  private TemplateMatchers() {}

  /** An EventBridge pattern branch: the caller is not an assumed role (an IAM user, root). */
  static final Map<String, Object> NOT_AN_ASSUMED_ROLE =
      atPath("userIdentity.type", List.of(Map.of("anything-but", List.of("AssumedRole"))));

  /** An EventBridge pattern branch: the caller's session was issued by none of {@code roleArns}. */
  static Map<String, Object> sessionIssuerNoneOf(List<?> roleArns) {
    return atPath(
        "userIdentity.sessionContext.sessionIssuer.arn", List.of(Map.of("anything-but", roleArns)));
  }

  /** {@code value} nested under each key of the dotted {@code path}, outermost first. */
  static Map<String, Object> atPath(String path, Object value) {
    List<String> keys = List.of(path.split("\\."));
    Object nested = value;
    for (int i = keys.size() - 1; i > 0; i--) {
      nested = Map.of(keys.get(i), nested);
    }
    return Map.of(keys.get(0), nested);
  }

  /** A statement that denies every request made without TLS ({@code aws:SecureTransport}). */
  static final Object DENY_WITHOUT_TLS =
      Match.objectLike(
          Map.of(
              "Effect",
              "Deny",
              "Condition",
              Map.of("Bool", Map.of("aws:SecureTransport", "false"))));

  /**
   * The condition that limits KMS use to calls Secrets Manager makes in {@code region}, as CDK
   * writes it ({@code secretsmanager.<region>.${AWS::URLSuffix}}).
   */
  static Map<String, Object> viaSecretsManager(String region) {
    return Map.of(
        "StringEquals",
        Map.of(
            "kms:ViaService",
            Map.of(
                "Fn::Join",
                List.of(
                    "",
                    List.of("secretsmanager." + region + ".", Map.of("Ref", "AWS::URLSuffix"))))));
  }

  /**
   * A policy document ({@code Statement} list) that holds, among others, statements matching each
   * of {@code statements} (themselves matchers or exact values).
   */
  static Object statementsInclude(Object... statements) {
    return Match.objectLike(Map.of("Statement", Match.arrayWith(List.of(statements))));
  }

  /**
   * A resource (for {@code Template.findResources}) whose {@code Properties} hold at least {@code
   * properties}.
   */
  static Object withProperties(Map<String, ?> properties) {
    return Match.objectLike(Map.of("Properties", Match.objectLike(properties)));
  }

  /**
   * Asserts that {@code template} has an EventBridge rule whose {@code EventPattern} holds at least
   * {@code pattern} (matchers or exact values by top-level key).
   */
  static void hasRuleWithPattern(Template template, Map<String, ?> pattern) {
    template.hasResourceProperties(
        "AWS::Events::Rule", Match.objectLike(Map.of("EventPattern", Match.objectLike(pattern))));
  }

  /**
   * An exact EventBridge pattern: one {@code source}, one {@code detail-type}, and {@code more}.
   */
  static Map<String, Object> eventPattern(String source, String detailType, Map<String, ?> more) {
    Map<String, Object> pattern = new HashMap<>(more);
    pattern.put("source", List.of(source));
    pattern.put("detail-type", List.of(detailType));
    return pattern;
  }

  /**
   * Asserts that {@code template} has an EventBridge rule with exactly {@code pattern} as its
   * {@code EventPattern} and {@code targets} as its {@code Targets}.
   */
  static void hasRule(Template template, Map<String, ?> pattern, Object targets) {
    template.hasResourceProperties(
        "AWS::Events::Rule", Match.objectLike(Map.of("EventPattern", pattern, "Targets", targets)));
  }

  /**
   * A Lambda permission for Secrets Manager, from this test account (123456789012), to invoke
   * {@code functionName} for the secret(s) {@code sourceArn}.
   */
  static Map<String, Object> secretsManagerMayInvoke(Object sourceArn, Object functionName) {
    return Map.of(
        "Action", "lambda:InvokeFunction",
        "Principal", "secretsmanager.amazonaws.com",
        "SourceAccount", "123456789012",
        "SourceArn", sourceArn,
        "FunctionName", functionName);
  }

  /**
   * The logical ID of the one resource of {@code type} in {@code template}; fails on none or more.
   */
  static String onlyResource(Template template, String type) {
    Map<String, Map<String, Object>> resources = template.findResources(type);
    assertThat(resources).as(type).hasSize(1);
    return resources.keySet().iterator().next();
  }

  /**
   * The condition of a deny statement that exempts exactly {@code principalArns} ({@code
   * StringNotEquals} on {@code aws:PrincipalArn}).
   */
  static Map<String, Object> principalArnNotIn(List<?> principalArns) {
    return Map.of("StringNotEquals", Map.of("aws:PrincipalArn", principalArns));
  }
}
