package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @Test
  void theRepositorysOwnCdkJsonPasses() throws IOException {
    Map<String, Object> context = CdkContext.cdkJson(Path.of("..", "cdk.json"));

    assertThat(ConfigCheck.check(context, new PrintStream(err))).isZero();
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
  }

  @Test
  void aBadConfigurationFileIsReportedOneLinePerProblem(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("keyrotator.json");
    Files.writeString(
        file,
        """
        {"environments": [{"account": "123456789012", "region": "eu-west-1"}],
         "users": [{"name": "app"}],
         "schedule": {"expression": "cron(0 23 * * ? *)", "window": "3h"},
         "logRetentionDays": 400}
        """);

    int status =
        ConfigCheck.check(Map.of("keyrotator:configFile", file.toString()), new PrintStream(err));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("  - ")))
        .containsExactly(
            "  - schedule.window: \"3h\" from 23:00 (cron(0 23 * * ? *)) runs past midnight UTC;"
                + " Secrets Manager requires the start hour plus the window to be at most 24, so at"
                + " most 1h here",
            "  - logRetentionDays: 400 is not one of [30, 90, 180, 365, 731, 1827, 3653]");
  }

  @Test
  void noConfigurationAtAllSaysWhereItGoes() {
    assertThat(ConfigCheck.check(Map.of(), new PrintStream(err))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("keyrotator: missing");
  }
}
