package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.NewAccessKey;
import io.keyrotator.ports.RotationFailedException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManagedKeySecretTest {
  private static final String SECRET = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY01";
  private static final Instant CREATED = Instant.parse("2026-11-23T10:00:00.123Z");
  private static final IamUser USER =
      new IamUser(
          "app-ci",
          "AIDAEXAMPLE1",
          "/keyrotator/",
          "arn:aws:iam::123456789012:user/keyrotator/app-ci",
          Map.of());
  private static final String ARN =
      "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-ci-AbCdEf";
  private static final String TOKEN = "c0ffee00-0000-4000-8000-000000000001";

  private static final EvidenceSeal SEAL =
      EvidenceSeal.withKey("test-seal-key-0123456789abcdef0123456789abcdef");

  private static ManagedKeySecret created() {
    return created(Optional.empty());
  }

  private static ManagedKeySecret created(Optional<ManagedKeySecret.ReplacedKey> replaced) {
    return ManagedKeySecret.createdByRotation(
        ManagedKeySecret.bootstrap("app-ci"),
        USER,
        new NewAccessKey("AKIAIOSFODNN7EXAMPLE", SECRET, CREATED),
        ARN,
        TOKEN,
        SEAL,
        replaced,
        List.of());
  }

  @Test
  void roundTripsAValueKeyrotatorCreated() {
    ManagedKeySecret value = created();
    ManagedKeySecret parsed = ManagedKeySecret.parse(value.toJson(), "test");
    assertThat(parsed).isEqualTo(value);
    AccessKey key =
        new AccessKey("AKIAIOSFODNN7EXAMPLE", true, Instant.parse("2026-11-23T10:00:00Z"));
    assertThat(parsed.provesCreationOf(key, ARN, TOKEN, USER, SEAL)).isTrue();
    assertThat(parsed.provesCreationOf(key, ARN + "x", TOKEN, USER, SEAL))
        .as("copied into another secret")
        .isFalse();
    assertThat(parsed.provesCreationOf(key, ARN, "another-version", USER, SEAL))
        .as("copied into another version")
        .isFalse();
    IamUser recreated = new IamUser("app-ci", "AIDAEXAMPLE2", "/keyrotator/", USER.arn(), Map.of());
    assertThat(parsed.provesCreationOf(key, ARN, TOKEN, recreated, SEAL))
        .as("user deleted and re-created")
        .isFalse();
    assertThat(parsed.provesCreationOf(key, ARN, TOKEN, USER, EvidenceSeal.withKey("x".repeat(40))))
        .as("sealed under another key")
        .isFalse();
    String forged = value.toJson().replace("\"Proof\":\"", "\"Proof\":\"x");
    assertThat(ManagedKeySecret.parse(forged, "t").provesCreationOf(key, ARN, TOKEN, USER, SEAL))
        .as("a changed proof")
        .isFalse();
    String unsealed = value.toJson().replaceAll(",\"Proof\":\"[^\"]*\"", "");
    assertThat(ManagedKeySecret.parse(unsealed, "t").provesCreationOf(key, ARN, TOKEN, USER, SEAL))
        .as("every field right but no proof (keyrotator 1, or anyone else)")
        .isFalse();
    assertThat(value.toJson())
        .contains("\"CreatedBy\":\"keyrotator\"", "\"CreateDate\":\"2026-11-23T10:00:00.123Z\"");
  }

  @Test
  void aKeyImportedByHandIsNotProvablyOurs() {
    ManagedKeySecret imported =
        ManagedKeySecret.parse(
            "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"SecretAccessKey\":\""
                + SECRET
                + "\"}",
            "t");
    assertThat(
            imported.provesCreationOf(
                new AccessKey("AKIAIOSFODNN7EXAMPLE", true, CREATED), ARN, TOKEN, USER, SEAL))
        .isFalse();
    ManagedKeySecret claimsButWrongDate =
        ManagedKeySecret.parse(
            "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\",\"SecretAccessKey\":\"x\",\"CreatedBy\":\"keyrotator\",\"CreateDate\":\"2020-01-01T00:00:00Z\"}",
            "t");
    assertThat(
            claimsButWrongDate.provesCreationOf(
                new AccessKey("AKIAIOSFODNN7EXAMPLE", true, CREATED), ARN, TOKEN, USER, SEAL))
        .isFalse();
  }

  @Test
  void aUserNameAloneIsABootstrap() {
    ManagedKeySecret value = ManagedKeySecret.parse("{\"UserName\":\"app-ci\"}", "t");
    assertThat(value.isBootstrap()).isTrue();
    assertThat(value).isEqualTo(ManagedKeySecret.bootstrap("app-ci"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"UserName\":\"app-ci\",\"SecretAccessKey\":\""
            + SECRET
            + "\"                 | is not valid JSON (line 1",
        "{\"UserName\":\"app-ci\",\"UserName\":\"deploy-admin\"}                         | has the field \"UserName\" more than once",
        "{\"UserName\":\"app-ci\"} {\"UserName\":\"deploy-admin\"}                        | more content after the JSON object",
        "{\"UserName\":\"app-ci\"} x                                                      | not valid JSON",
        "[\""
            + SECRET
            + "\"]                                                              | it is not a JSON object",
        "''                                                                                | it is empty",
        "{\"SecretAccessKey\":\""
            + SECRET
            + "\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"} | it has no \"UserName\"",
        "{\"UserName\":\"bad name!\"}                                                      | not a valid IAM user name",
        "{\"UserName\":\"app-ci\",\"SecretAccessKey\":\""
            + SECRET
            + "\"}                  | has \"SecretAccessKey\" but no \"AccessKeyId\"",
        "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}                | has \"AccessKeyId\" but no \"SecretAccessKey\"",
        "{\"UserName\":42}                                                                 | \"UserName\" must be a string",
        "{\"UserName\":\"app-ci\",\"AccessKeyId\":\"AKIA\",\"SecretAccessKey\":\"x\"}      | not a valid access key id",
        "{\"UserName\":\"app-ci\",\"CreateDate\":\"yesterday\"}                            | not an ISO-8601 instant"
      })
  void rejectsBadValuesWithoutRepeatingThem(String json, String problem) {
    assertThatThrownBy(() -> ManagedKeySecret.parse(json, "AWSCURRENT of app-ci"))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("the secret value in AWSCURRENT of app-ci cannot be used")
        .hasMessageContaining(problem)
        .hasMessageContaining("put-secret-value")
        .hasMessageNotContaining(SECRET);
  }

  @Test
  void toStringHidesTheSecret() {
    ManagedKeySecret value = created();
    assertThat(value.toString()).doesNotContain(SECRET).contains("AKIA...MPLE");
    assertThat(new NewAccessKey("AKIAIOSFODNN7EXAMPLE", SECRET, CREATED).toString())
        .doesNotContain(SECRET);
  }

  @Test
  void carriesFieldsItDoesNotKnowToTheNextVersion() {
    ManagedKeySecret current =
        ManagedKeySecret.parse(
            "{\"Owner\":\"team-ci\",\"UserName\":\"app-ci\",\"Consumer\":{\"host\":\"build-1\",\"ports\":[1,2]}}",
            "t");
    ManagedKeySecret next =
        ManagedKeySecret.createdByRotation(
            current,
            USER,
            new NewAccessKey("AKIAIOSFODNN7EXAMPLE", SECRET, CREATED),
            ARN,
            TOKEN,
            SEAL,
            Optional.empty(),
            List.of());
    ManagedKeySecret reread = ManagedKeySecret.parse(next.toJson(), "t");
    assertThat(reread.otherFields()).containsEntry("Owner", "team-ci").containsKey("Consumer");
    assertThat(next.toJson()).contains("\"Consumer\":{\"host\":\"build-1\",\"ports\":[1,2]}");
    assertThat(reread.userId()).contains("AIDAEXAMPLE1");
  }

  @Test
  void theReplacedKeyIsSealedWithTheValueAndProvesNothingOnceChanged() {
    ManagedKeySecret.ReplacedKey replaced =
        new ManagedKeySecret.ReplacedKey("old-version", "AKIAOLDKEY0000000001");
    ManagedKeySecret value = created(Optional.of(replaced));
    ManagedKeySecret reread = ManagedKeySecret.parse(value.toJson(), "t");

    assertThat(reread.provenReplacedKey(ARN, TOKEN, SEAL)).contains(replaced);
    assertThat(reread.sealedFor(ARN, TOKEN, SEAL)).isTrue();
    assertThat(reread.provenReplacedKey(ARN, "another-version", SEAL)).isEmpty();
    ManagedKeySecret forged =
        ManagedKeySecret.parse(
            value.toJson().replace("AKIAOLDKEY0000000001", "AKIAFORGED0000000001"), "t");
    assertThat(forged.provenReplacedKey(ARN, TOKEN, SEAL))
        .as("a changed record breaks the seal")
        .isEmpty();
    assertThatThrownBy(
            () ->
                ManagedKeySecret.parse(
                    "{\"UserName\":\"app-ci\",\"PreviousVersionId\":\"v\"}", "AWSCURRENT of s"))
        .hasMessageContaining("go together");
  }
}
