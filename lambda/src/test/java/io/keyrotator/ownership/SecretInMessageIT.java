package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.MutableClock;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Operator (b): a secret pasted into the wrong field must never be repeated. */
class SecretInMessageIT {
  private static final String USER = "app-ci";
  private LocalAws aws;
  private MutableClock clock;

  @BeforeEach
  void setUp() {
    aws = LocalAws.fresh();
    clock = new MutableClock(Instant.now());
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  private String tagged(String name, String user) {
    return aws.secretsManager
        .createSecret(
            r ->
                r.name(name)
                    .secretString("{\"UserName\":\"" + user + "\"}")
                    .tags(t -> t.key(SecretVersions.USER_TAG).value(user)))
        .arn();
  }

  /**
   * A careless operator pastes the secret access key into the wrong field: it must not reach a log
   * or message.
   */
  @Test
  void aSecretPastedIntoUserNameIsNeverRepeated() {
    String pasted = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12";
    String a = aws.createSecret("a-key", "{\"UserName\":\"" + pasted + "\"}");
    RotationHandler handler = aws.handler(aws.settings(Map.of()), clock);
    Throwable refused = catchThrowable(() -> aws.rotate(handler, a));
    assertThat(refused).isNotNull();
    assertThat(refused.getMessage()).doesNotContain(pasted);
    assertThat(String.join("\n", aws.logLines)).doesNotContain(pasted);
  }
}
