package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.testing.LocalAws;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code keyrotator audit}, in-process, against moto. */
class AuditCommandIT {
  private LocalAws aws;

  @BeforeAll
  static void credentials() {
    CliRun.useTestCredentials();
  }

  @BeforeEach
  void setUp() {
    aws = LocalAws.fresh();
    AuditCommand.environment = Map.of(AuditSettings.REPORT_POLL_MILLIS, "20");
  }

  @AfterEach
  void tearDown() {
    AuditCommand.environment = System.getenv();
    aws.close();
  }

  private CliRun cli(String... args) {
    return CliRun.against(aws, args);
  }

  private void strongPasswordPolicy() {
    aws.iam.updateAccountPasswordPolicy(
        p ->
            p.minimumPasswordLength(14)
                .requireUppercaseCharacters(true)
                .requireLowercaseCharacters(true)
                .requireNumbers(true)
                .requireSymbols(true)
                .passwordReusePrevention(24)
                .maxPasswordAge(90));
  }

  @Test
  void aCleanAccountExitsZero() {
    strongPasswordPolicy();
    aws.iam.createUser(r -> r.userName("robot"));
    CliRun run = cli("audit");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("No findings: 1 IAM user checked");
  }

  @Test
  void findingsPrintAsATableWithWhatToDoAndExitOne() {
    aws.iam.createUser(r -> r.userName("bob"));
    aws.iam.createLoginProfile(r -> r.userName("bob").password("Correct-Horse-Battery-9"));
    CliRun run = cli("audit");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.PROBLEMS);
    List<String> lines = run.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("FINDING")
        .contains("USER")
        .contains("CREDENTIAL")
        .contains("FOUND");
    assertThat(run.out())
        .contains("CONSOLE_WITHOUT_MFA")
        .contains("PASSWORD_POLICY_MISSING")
        .contains("2 findings in 1 IAM user (")
        .contains("What to do:")
        .contains("CONSOLE_WITHOUT_MFA: Have the user enable an MFA device");
  }

  @Test
  void thresholdsCanBeGivenOnTheCommandLine() {
    strongPasswordPolicy();
    aws.iam.createUser(r -> r.userName("robot"));
    aws.iam.createAccessKey(r -> r.userName("robot"));
    assertThat(cli("audit", "--max-key-age-days", "1", "--unused-days", "1").exitCode()).isZero();
    CliRun bad = cli("audit", "--unused-days", "0");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err())
        .isEqualTo("keyrotator: --unused-days 0: expected a whole number from 1 to 3650\n");
  }

  @Test
  void aBadSettingInTheEnvironmentNamesTheVariableAndItsPage() {
    AuditCommand.environment = Map.of(AuditSettings.UNUSED_DAYS, "0");
    CliRun bad = cli("audit");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err())
        .contains("KEYROTATOR_AUDIT_UNUSED_DAYS=0")
        .contains("docs/hygiene.md")
        .doesNotContain("keyrotator: keyrotator");
  }

  @Test
  @SuppressWarnings("unchecked")
  void jsonOutputCarriesCountsAndFindings() throws Exception {
    aws.iam.createUser(r -> r.userName("bob"));
    aws.iam.createLoginProfile(r -> r.userName("bob").password("Correct-Horse-Battery-9"));
    CliRun run = cli("audit", "-o", "json");
    assertThat(run.exitCode()).isEqualTo(ExitCodes.PROBLEMS);
    Map<String, Object> json = JSON.std.mapFrom(run.out());
    assertThat(json).containsEntry("findingCount", 2).containsEntry("usersChecked", 1);
    assertThat((Map<String, Object>) json.get("counts"))
        .containsEntry("CONSOLE_WITHOUT_MFA", 1)
        .containsEntry("OLD_ACCESS_KEY", 0);
    assertThat((List<Map<String, Object>>) json.get("findings"))
        .extracting(f -> f.get("type") + " " + f.get("subject"))
        .containsExactly("CONSOLE_WITHOUT_MFA bob", "PASSWORD_POLICY_MISSING account");
  }

  @Test
  void anUnreachableEndpointIsExitCodeThree() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        KeyrotatorCli.run(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            "audit",
            "--endpoint",
            "http://127.0.0.1:9",
            "--region",
            LocalAws.REGION);
    assertThat(code).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(err.toString()).contains("could not reach http://127.0.0.1:9");
  }
}
