package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code keyrotator audit}, in-process, against moto. */
@ExtendWith(LocalAwsExtension.class)
class AuditCommandIT {
  private LocalAws aws;

  @BeforeAll
  static void credentials() {
    CliRun.useTestCredentials();
  }

  @BeforeEach
  void shortenReportPolling() {
    AuditCommand.environment = Map.of(FunctionEnvironment.AUDIT_REPORT_POLL_MILLIS, "20");
  }

  @AfterEach
  void restoreEnvironment() {
    AuditCommand.environment = System.getenv();
  }

  private CliRun cli(String... args) {
    return CliRun.against(aws, args);
  }

  @Test
  void aCleanAccountExitsZero() {
    aws.requireStrongPasswords();
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
    aws.requireStrongPasswords();
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
    AuditCommand.environment = Map.of(FunctionEnvironment.AUDIT_UNUSED_DAYS, "0");
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
    CliRun run =
        CliRun.of("audit", "--endpoint", "http://127.0.0.1:9", "--region", LocalAws.REGION);
    assertThat(run.exitCode()).isEqualTo(ExitCodes.AWS_ERROR);
    assertThat(run.err()).contains("could not reach http://127.0.0.1:9");
  }
}
