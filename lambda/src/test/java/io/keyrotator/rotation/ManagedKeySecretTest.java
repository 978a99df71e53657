package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.NewAccessKey;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManagedKeySecretTest {
  private static final String SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY01";
  private static final Instant CREATED = Instant.parse("2026-11-23T10:00:00.123Z");

  @Test
  void roundTripsAValueKeyrotatorCreated() {
    ManagedKeySecret value =
        ManagedKeySecret.createdByRotation("app-ci", new NewAccessKey("AKIAIOSFODNN7EXAMPLE", SECRET, CREATED));
    ManagedKeySecret parsed = ManagedKeySecret.parse(value.toJson(), "test");
    assertThat(parsed).isEqualTo(value);
    assertThat(parsed.provesCreationOf(new AccessKey("AKIAIOSFODNN7EXAMPLE", true, Instant.parse("2026-11-23T10:00:00Z")))).isTrue();
    assertThat(value.toJson()).contains("\"CreatedBy\":\"keyrotator\"", "\"CreateDate\":\"2026-11-23T10:00:00.123Z\"");
  }

  @Test
  void aKeyImportedByHandIsNotProvablyOurs() {
    ManagedKeySecret imported =
        ManagedKeySecret.parse("{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"SecretAccessKey\":\"" + SECRET + "\"}", "t");
    assertThat(imported.provesCreationOf(new AccessKey("AKIAIOSFODNN7EXAMPLE", true, CREATED))).isFalse();
    ManagedKeySecret claimsButWrongDate = ManagedKeySecret.parse(
        "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"SecretAccessKey\":\"x\",\"CreatedBy\":\"keyrotator\",\"CreateDate\":\"2020-01-01T00:00:00Z\"}", "t");
    assertThat(claimsButWrongDate.provesCreationOf(new AccessKey("AKIAIOSFODNN7EXAMPLE", true, CREATED))).isFalse();
  }

  @Test
  void aUserNameAloneIsABootstrap() {
    ManagedKeySecret value = ManagedKeySecret.parse("{\"UserName\":\"app-ci\"}", "t");
    assertThat(value.isBootstrap()).isTrue();
    assertThat(value).isEqualTo(ManagedKeySecret.bootstrap("app-ci"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"UserName\":\"app-ci\",\"SecretAccessKey\":\"" + SECRET + "\"                 | is not valid JSON at line 1",
      "[\"" + SECRET + "\"]                                                              | it is not a JSON object",
      "''                                                                                | it is empty",
      "{\"SecretAccessKey\":\"" + SECRET + "\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"} | it has no \"UserName\"",
      "{\"UserName\":\"bad name!\"}                                                      | not a valid IAM user name",
      "{\"UserName\":\"app-ci\",\"SecretAccessKey\":\"" + SECRET + "\"}                  | has \"SecretAccessKey\" but no \"AccessKeyId\"",
      "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}                | has \"AccessKeyId\" but no \"SecretAccessKey\"",
      "{\"UserName\":42}                                                                 | \"UserName\" must be a string",
      "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"x\"}      | not a valid access key id",
      "{\"UserName\":\"app-ci\",\"CreateDate\":\"yesterday\"}                            | not an ISO-8601 instant"})
  void rejectsBadValuesWithoutRepeatingThem(String json, String problem) {
    assertThatThrownBy(() -> ManagedKeySecret.parse(json, "AWSCURRENT of app-ci"))
        .isInstanceOf(RotationFailure.class)
        .hasMessageContaining("the secret value in AWSCURRENT of app-ci cannot be used")
        .hasMessageContaining(problem)
        .hasMessageContaining("put-secret-value")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void toStringHidesTheSecret() {
    ManagedKeySecret value =
        ManagedKeySecret.createdByRotation("app-ci", new NewAccessKey("AKIAIOSFODNN7EXAMPLE", SECRET, CREATED));
    assertThat(value.toString()).doesNotContain(SECRET).contains("AKIA...MPLE");
    assertThat(new NewAccessKey("AKIAIOSFODNN7EXAMPLE", SECRET, CREATED).toString()).doesNotContain(SECRET);
  }
}
