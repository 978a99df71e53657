package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.KeyProbe;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * A mistyped secret access key would reach every consumer of the secret: STS must accept it, as
   * the user, before anything is written. moto checks signatures only with authentication on, which
   * the command's own calls cannot use here, so STS's refusal is played by the probe (SdkKeyProbeIT
   * shows the real probe refusing a wrong secret on moto with authentication on).
   */
  @Test
  void aHandedOverSecretThatDoesNotWorkIsRefusedBeforeAnythingIsWritten() {
    AccessKey key = legacyUserWithKey("legacy-ci");
    Settings settings = aws.settings(Map.of());
    try (AwsClients clients = aws.clients(settings)) {
      KeyProbe refusing =
          (id, secret) -> {
            throw new KeyProbe.KeyRejectedException("SignatureDoesNotMatch (HTTP 403)", null);
          };
      Adoption adoption =
          Adoption.using(clients, settings, new Adoption.Schedule(Optional.empty(), 30), refusing);
      Adoption.Request request =
          new Adoption.Request(
              "legacy-ci",
              List.of(key.accessKeyId()),
              Optional.of("x" + key.secretAccessKey().substring(1)),
              "keyrotator/legacy-ci",
              true);

      Adoption.Plan outcome = adoption.apply(request, adoption.plan(request));

      assertThat(outcome.outcome()).isEqualTo("FAILED");
      assertThat(outcome.reason().orElseThrow())
          .contains("AWS refused the key handed over", "nothing was written");
    }
    assertThat(aws.secretsManager.listSecrets().secretList())
        .noneMatch(s -> s.name().equals("keyrotator/legacy-ci"));
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
}
