package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.iam.model.AccessKey;

/** {@code keyrotator adopt}, in-process, against moto; the rotation function on the same moto. */
@ExtendWith(LocalAwsExtension.class)
class AdoptCommandIT {
  private static final String USER = "app-ci";
  private static final String SECRET = "app-ci-key";
  private LocalAws aws;
  @TempDir Path dir;

  @BeforeAll
  static void credentials() {
    CliRun.useTestCredentials();
  }

  @AfterEach
  void restoreInput() {
    KeyrotatorCli.input = System.in;
  }

  private AccessKey legacyUserWithKey(String name) {
    aws.createUser(name, "/");
    return aws.iam.createAccessKey(r -> r.userName(name)).accessKey();
  }

  private String path(String user) {
    return aws.iam.getUser(r -> r.userName(user)).user().path();
  }

  @Test
  void aDryRunPrintsTheKeysTheirLastUseAndThePlanAndChangesNothing() {
    AccessKey first = legacyUserWithKey("legacy-ci");
    aws.iam.createAccessKey(r -> r.userName("legacy-ci"));

    CliRun run = CliRun.against(aws, "adopt", "--user", "legacy-ci");

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0)).startsWith("USER").contains("KEY", "STATUS", "LAST USED");
    assertThat(run.out())
        .contains("AKIA..." + first.accessKeyId().substring(16), "never used", "adopt")
        .contains("legacy-ci: PLANNED: create secret keyrotator/legacy-ci")
        .contains("the deployment must manage the user: CDK users[] {\"name\": \"legacy-ci\"")
        .contains("Dry run: nothing was changed");
    assertThat(path("legacy-ci")).isEqualTo("/");
    assertThat(aws.secretsManager.listSecrets().secretList())
        .noneMatch(s -> s.name().equals("keyrotator/legacy-ci"));
    assertThat(path("legacy-ci")).as("the user was not moved either").isEqualTo("/");
  }

  @Test
  void applyHandsTheKeyOverWithItsSecretNeverPrintsItAndTheRotationSealsTheAdoption() {
    AccessKey key = legacyUserWithKey("legacy-ci");
    KeyrotatorCli.input =
        new ByteArrayInputStream((key.secretAccessKey() + "\n").getBytes(StandardCharsets.UTF_8));

    CliRun run =
        CliRun.against(
            aws,
            "adopt",
            "--user",
            "legacy-ci",
            "--access-key-id",
            key.accessKeyId(),
            "--secret-access-key-file",
            "-",
            "--move-to-managed-path",
            "--apply");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out() + run.err()).doesNotContain(key.secretAccessKey());
    assertThat(run.out()).contains("legacy-ci: ADOPTED");
    assertThat(path("legacy-ci")).isEqualTo("/keyrotator/");
    ManagedKeySecret value =
        ManagedKeySecret.parse(aws.value("keyrotator/legacy-ci", "AWSCURRENT"), "t");
    assertThat(value.accessKeyId()).contains(key.accessKeyId());
    assertThat(value.adoptStatement()).containsExactly(key.accessKeyId());

    aws.rotate(aws.handler(), "keyrotator/legacy-ci");
    assertThat(aws.value("keyrotator/legacy-ci", "AWSCURRENT"))
        .contains("AdoptedKeys")
        .contains(key.accessKeyId());
    assertThat(aws.keyStatus("legacy-ci", key.accessKeyId()).toString()).isEqualTo("Active");
  }

  @Test
  void bulkAdoptionFromAnAuditReportReportsEachUserAndOneFailureStopsNoOther() throws Exception {
    List<Map<String, Object>> findings = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String user = "legacy-" + i;
      legacyUserWithKey(user);
      findings.add(
          Map.of(
              "type",
              "OLD_ACCESS_KEY",
              "subject",
              user,
              "credential",
              "access key 1",
              "found",
              ""));
    }
    // The secret of user 25 is scheduled for deletion: nothing can be written to it.
    aws.secretsManager.createSecret(r -> r.name("keyrotator/legacy-25").secretString("{}"));
    aws.secretsManager.deleteSecret(r -> r.secretId("keyrotator/legacy-25"));
    Path audit = dir.resolve("audit.json");
    Files.writeString(audit, JSON.std.asString(Map.of("findingCount", 50, "findings", findings)));

    CliRun run =
        CliRun.against(
            aws,
            "adopt",
            "--from-audit",
            audit.toString(),
            "--move-to-managed-path",
            "--apply",
            "-o",
            "json");

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.PROBLEMS);
    Map<String, Object> report = JSON.std.mapFrom(run.out());
    List<?> users = (List<?>) report.get("users");
    assertThat(users).hasSize(50);
    IntStream.range(0, 50)
        .forEach(
            i -> {
              Map<?, ?> user = (Map<?, ?>) users.get(i);
              assertThat(user.get("user")).isEqualTo("legacy-" + i);
              assertThat(user.get("outcome")).isEqualTo(i == 25 ? "FAILED" : "ADOPTED");
            });
    assertThat((String) ((Map<?, ?>) users.get(25)).get("reason")).contains("marked deleted");
    assertThat(path("legacy-49")).isEqualTo("/keyrotator/");
    assertThat(aws.value("keyrotator/legacy-49", "AWSCURRENT")).contains("AdoptAccessKeyIds");
  }

  @Test
  void aUserWithAnUnnamedSecondKeyIsSkippedWithTheReason() {
    AccessKey named = legacyUserWithKey("legacy-ci");
    aws.iam.createAccessKey(r -> r.userName("legacy-ci"));

    CliRun run =
        CliRun.against(
            aws, "adopt", "--user", "legacy-ci", "--access-key-id", named.accessKeyId(), "--apply");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("legacy-ci: SKIPPED: user legacy-ci has 2 keys")
        .contains("never touches a key nobody named");
    assertThat(path("legacy-ci")).isEqualTo("/");
  }

  @Test
  void aSecretWithoutItsKeyIsAUsageError() {
    CliRun run =
        CliRun.against(aws, "adopt", "--user", "legacy-ci", "--secret-access-key-file", "-");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err()).contains("--secret-access-key-file needs exactly one --access-key-id");
  }

  // Red-team cases: a careless operator against adopt.

  /**
   * Hypothesis: a careless operator adopts a user's key with the wrong secret access key file (the
   * secret of another key, a truncated paste). adopt --apply stores it without a check, and every
   * consumer that reads the secret gets a key AWS refuses until the next rotation. Expected: adopt
   * signs one call with the handed-over key (STS GetCallerIdentity) and refuses a secret that does
   * not work, storing nothing. The CLI runs as an administrator user with moto's authentication on,
   * so a key that does not work is refused by moto as by AWS.
   */
  @Test
  void adoptRefusesAHandedOverSecretThatDoesNotWork() throws Exception {
    aws.createUser("legacy-ci", "/");
    AccessKey legacy = aws.iam.createAccessKey(r -> r.userName("legacy-ci")).accessKey();
    aws.iam.createUser(r -> r.userName("operator"));
    aws.iam.putUserPolicy(
        r ->
            r.userName("operator")
                .policyName("Admin")
                .policyDocument(
                    "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                        + "\"Action\":\"*\",\"Resource\":\"*\"}]}"));
    AccessKey operator = aws.iam.createAccessKey(r -> r.userName("operator")).accessKey();
    Path wrongSecret = dir.resolve("secret");
    Files.writeString(wrongSecret, legacy.secretAccessKey().substring(1) + "x\n");
    String id = System.getProperty("aws.accessKeyId");
    String secret = System.getProperty("aws.secretAccessKey");
    System.setProperty("aws.accessKeyId", operator.accessKeyId());
    System.setProperty("aws.secretAccessKey", operator.secretAccessKey());
    CliRun run;
    try {
      aws.moto.enforceAuthentication(true);
      run =
          CliRun.against(
              aws,
              "adopt",
              "--user",
              "legacy-ci",
              "--access-key-id",
              legacy.accessKeyId(),
              "--secret-access-key-file",
              wrongSecret.toString(),
              "--apply");
    } finally {
      aws.moto.enforceAuthentication(false);
      restore("aws.accessKeyId", id);
      restore("aws.secretAccessKey", secret);
    }

    assertThat(run.out() + run.err()).doesNotContain(legacy.secretAccessKey().substring(1));
    assertThat(aws.secretsManager.listSecrets().secretList())
        .as("adopt stored a key that does not work: %s", run.out())
        .noneMatch(s -> s.name().equals("keyrotator/legacy-ci"));
    assertThat(run.exitCode()).isNotZero();
  }

  private static void restore(String property, String value) {
    if (value == null) {
      System.clearProperty(property);
    } else {
      System.setProperty(property, value);
    }
  }

  /**
   * Hypothesis: the audit reports OLD_ACCESS_KEY for managed users too (their rotation is not
   * working), and a careless operator feeds the whole report to bulk adoption. adopt checks only
   * the secret keyrotator/<user>, so a user already managed by a secret of another name gets a
   * second secret naming its current key for adoption. Expected: the user is skipped ("already
   * managed by secret ..."), and the existing secret keeps rotating.
   */
  @Test
  void bulkAdoptionFromTheAuditSkipsAUserAnotherSecretAlreadyManages() throws Exception {
    RotationHandler handler = aws.handler();
    aws.rotatedOnce(USER, SECRET, handler);
    Path report = dir.resolve("audit.json");
    Files.writeString(
        report,
        "{\"findings\":[{\"type\":\"OLD_ACCESS_KEY\",\"subject\":\""
            + USER
            + "\",\"detail\":\"access key 1\"}]}");

    CliRun run = CliRun.against(aws, "adopt", "--from-audit", report.toString(), "--apply");

    String before = aws.keyIn(SECRET, "AWSCURRENT");
    Throwable rotation =
        org.assertj.core.api.Assertions.catchThrowable(() -> aws.rotate(handler, SECRET));
    assertThat(rotation).as("the managed secret's next rotation after the bulk adopt").isNull();
    assertThat(aws.keyIn(SECRET, "AWSCURRENT")).isNotEqualTo(before);
    assertThat(aws.secretsManager.listSecrets().secretList())
        .as("adopt made a second secret for a managed user: %s", run.out())
        .noneMatch(s -> s.name().equals(AdoptCommand.SECRET_NAME_PREFIX + USER));
  }

  /**
   * Hypothesis: bulk adoption of a list with a name IAM allows but Secrets Manager does not (IAM
   * user names may hold a comma; secret names only letters, digits and /_+=.@-). The dry run plans
   * "create secret keyrotator/svc,legacy", which AWS refuses at --apply, and --secret-name, the way
   * out, goes with --user only. Expected: the plan skips that user with the reason and what to do
   * (adopt it alone with --secret-name), and plans the others.
   */
  @Test
  void bulkAdoptionOfANameNoSecretMayCarryIsSkippedInThePlanWithTheWayOut() throws Exception {
    aws.createUser("svc,legacy", "/");
    aws.iam.createAccessKey(r -> r.userName("svc,legacy"));
    aws.createUser("svc-plain", "/");
    aws.iam.createAccessKey(r -> r.userName("svc-plain"));
    Path users = dir.resolve("users.txt");
    Files.writeString(users, "svc,legacy\nsvc-plain\n");

    CliRun plan = CliRun.against(aws, "adopt", "--users-file", users.toString());

    assertThat(plan.out()).contains("svc-plain: PLANNED");
    assertThat(plan.out())
        .as("the dry run plans a secret name AWS refuses")
        .doesNotContain("svc,legacy: PLANNED: create secret keyrotator/svc,legacy");
    assertThat(plan.out()).contains("--secret-name");
  }
}
