package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.config.InvalidSettingsException;
import io.keyrotator.config.Settings;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each kind of bad input gets its own clear error through the real Lambda entry point, and leaves
 * IAM and the secret exactly as they were.
 */
@ExtendWith(LocalAwsExtension.class)
class BadInputIT {
  private static final String USER = "app-ci";
  private LocalAws aws;
  private String secret;

  @BeforeEach
  void setUp() {
    aws.createManagedUser(USER);
    secret = aws.createBootstrapSecret("app-ci-key", USER);
    aws.rotate(aws.handler(), secret);
  }

  /** One bad input: arranges the state, returns the event to send. */
  record Case(String name, Function<BadInputIT, String> arrange, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static String event(String step, String secretId, String token) {
    return "{\"Step\":\""
        + step
        + "\",\"SecretId\":\""
        + secretId
        + "\",\"ClientRequestToken\":\""
        + token
        + "\"}";
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "malformed secret JSON",
            t -> {
              t.putCurrentByHand("{\"UserName\": \"app-ci\", \"SecretAccessKey\": \"abc");
              return event("createSecret", t.secret, t.aws.startRotation(t.secret));
            },
            "is not valid JSON"),
        new Case(
            "secret without UserName",
            t -> {
              t.putCurrentByHand(
                  "{\"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\", \"SecretAccessKey\": \"x\"}");
              return event("createSecret", t.secret, t.aws.startRotation(t.secret));
            },
            "has no \"UserName\""),
        new Case(
            "unknown step",
            t -> event("deleteSecret", t.secret, t.aws.startRotation(t.secret)),
            "unknown rotation step \"deleteSecret\""),
        new Case("event that is not JSON", t -> "Step=createSecret", "not a JSON object"),
        new Case(
            "event without a token",
            t -> "{\"Step\":\"createSecret\",\"SecretId\":\"" + t.secret + "\"}",
            "has no ClientRequestToken"),
        new Case(
            "token not among the versions",
            t -> {
              t.aws.startRotation(t.secret);
              return event("createSecret", t.secret, "00000000-0000-0000-0000-000000000000");
            },
            "is not a version of secret"),
        new Case(
            "token not AWSPENDING",
            t -> event("setSecret", t.secret, t.versionWith("AWSPREVIOUS")),
            "is not AWSPENDING"),
        new Case(
            "rotation disabled",
            t -> {
              t.aws.secretsManager.cancelRotateSecret(r -> r.secretId(t.secret));
              return event("createSecret", t.secret, t.versionWith("AWSCURRENT"));
            },
            "rotation is not enabled"),
        new Case(
            "secret missing",
            t -> event("createSecret", "no-such-secret", "00000000-0000-0000-0000-000000000000"),
            "secret no-such-secret does not exist"),
        new Case(
            "user missing",
            t -> {
              t.putCurrentByHand("{\"UserName\": \"ghost\"}");
              return event("createSecret", t.secret, t.aws.startRotation(t.secret));
            },
            "IAM user ghost named in secret app-ci-key does not exist"),
        new Case(
            "user outside the managed scope",
            t -> {
              t.aws.createUser("admin", "/");
              t.putCurrentByHand("{\"UserName\": \"admin\"}");
              return event("createSecret", t.secret, t.aws.startRotation(t.secret));
            },
            "is outside the users keyrotator manages"));
  }

  /** A manual PutSecretValue: the way an operator would break the value. */
  private void putCurrentByHand(String json) {
    aws.secretsManager.putSecretValue(r -> r.secretId(secret).secretString(json));
  }

  private String versionWith(String stage) {
    return aws.stages(secret).entrySet().stream()
        .filter(e -> e.getValue().contains(stage))
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  /** Every user's keys with their status, plus the secret's versions and current value. */
  private List<Object> snapshot() {
    List<String> users =
        aws.iam.listUsers().users().stream().map(u -> u.userName()).sorted().toList();
    Map<String, Object> keys = new HashMap<>();
    users.forEach(u -> keys.put(u, aws.keys(u)));
    return List.of(keys, aws.stages(secret), aws.value(secret, "AWSCURRENT"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badInputGetsAClearErrorAndChangesNothing(Case badInput) {
    String event = badInput.arrange().apply(this);
    List<Object> before = snapshot();
    RotationHandler handler = aws.handler();

    assertThatThrownBy(
            () ->
                handler.handleRequest(
                    new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                    new ByteArrayOutputStream(),
                    null))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining(badInput.expected());

    assertThat(snapshot()).isEqualTo(before);
    assertThat(aws.logLines)
        .anyMatch(
            l ->
                l.contains("\"level\":\"ERROR\"")
                    && l.contains(badInput.expected().replace("\"", "\\\"")));
  }

  @Test
  void invalidSettingsFailAtStartNamingEveryBadVariable() {
    Map<String, String> env = LocalAws.testEnvironment();
    env.put(Settings.PREVIOUS_KEY_POLICY, "shred");
    env.put(Settings.PROPAGATION_TIMEOUT_SECONDS, "9000");
    List<Object> before = snapshot();

    assertThatThrownBy(() -> aws.handler(Settings.from(env)))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(
            "KEYROTATOR_PREVIOUS_KEY_POLICY=\"shred\": expected keep, deactivate or delete")
        .hasMessageContaining(
            "KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS=9000: expected a whole number from 1 to 840");

    assertThat(snapshot()).isEqualTo(before);
  }
}
