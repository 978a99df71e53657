package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

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

  /**
   * A configuration file's text and the one line each problem gets ({@code %s} stands for the
   * file's path); none for a file that reads well.
   */
  static Stream<Arguments> fileTexts() {
    return Stream.of(
        Arguments.of(
            "a truncated file names where it ends and what is open",
            "{" + ConfigProblems.BASE.replace("], \"users", "],\n \"users") + "\n",
            List.of(
                "%s, line 3, column 1: the text ends before keyrotator (the object opened at line"
                    + " 1, column 1) is closed; expected } to close what is open. Is the file"
                    + " complete?")),
        Arguments.of(
            "a file cut inside a list says which brackets are missing",
            "{\"users\": [{\"name\": \"app\"}",
            List.of(
                "%s, line 1, column 27: the text ends before users (the list opened at line 1,"
                    + " column 11) is closed; expected ] then } to close what is open. Is the file"
                    + " complete?")),
        Arguments.of(
            "a syntax error is one line with its line and column",
            "{\n \"users\": [}\n",
            List.of(
                "%s, line 2, column 12: not valid JSON: Unexpected close marker '}': expected ']'"
                    + " (for Array starting at line 2, column 11). Fix the JSON there (a missing or"
                    + " extra comma, quote or bracket is the usual cause)")),
        Arguments.of(
            "text after the object is refused",
            "{" + ConfigProblems.BASE + "}\n{}",
            List.of(
                "%s, line 2, column 1: found { after the end of the JSON value that starts the"
                    + " text; expected nothing more. Remove it, or move it inside the object")),
        Arguments.of(
            "a file with a byte-order mark is read",
            "\uFEFF{" + ConfigProblems.BASE + "}",
            List.of()),
        Arguments.of(
            "an empty file says so",
            " \n",
            List.of(
                "%s: is empty; expected a JSON object such as {\"environments\": [...],"
                    + " \"users\": [...]}")),
        Arguments.of(
            "a file holding a list says an object was expected",
            "[]",
            List.of(
                "keyrotator: expected a JSON object such as {\"environments\": [...], \"users\":"
                    + " [...]}, found []")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fileTexts")
  void eachFileProblemIsOneLine(
      String situation, String text, List<String> expected, @TempDir Path dir) throws IOException {
    Path file = dir.resolve("keyrotator.json");
    Files.writeString(file, text);

    assertThat(ConfigProblems.ofFile(file))
        .containsExactlyElementsOf(expected.stream().map(line -> line.formatted(file)).toList());
  }

  @Test
  void aMissingFileSaysThereIsNoSuchFile(@TempDir Path dir) {
    Path file = dir.resolve("missing.json");

    assertThat(ConfigProblems.ofFile(file))
        .containsExactly(
            "keyrotator:configFile: cannot read "
                + file
                + ": no such file; expected a JSON file, e.g. -c"
                + " keyrotator:configFile=keyrotator.json");
  }

  @Test
  void aDirectoryIsNotAConfigurationFile(@TempDir Path dir) {
    assertThat(ConfigProblems.ofFile(dir))
        .containsExactly(
            "keyrotator:configFile: cannot read "
                + dir
                + ": it is a directory; expected a JSON file, e.g. -c"
                + " keyrotator:configFile=keyrotator.json");
  }

  @Test
  void anEmptyConfigFileSettingSaysWhatToWrite() {
    int status = ConfigCheck.check(Map.of("keyrotator:configFile", ""), new PrintStream(err));

    assertThat(status).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("  - ")))
        .containsExactly(
            "  - keyrotator:configFile: empty; expected the path of a JSON file, e.g. -c"
                + " keyrotator:configFile=keyrotator.json, or leave it out to use the"
                + " \"keyrotator\" context");
  }

  @Test
  void aContextStringThatIsNotJsonIsOneLine() {
    assertThat(ConfigProblems.ofText("{\"users\": tru}"))
        .containsExactly(
            "keyrotator, line 1, column 11: not valid JSON: Unrecognized token 'tru': was"
                + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                + " 'false'). Fix the JSON there (a missing or extra comma, quote or bracket is"
                + " the usual cause)");
  }

  @Test
  void aKeyWrittenTwiceInCdkJsonIsRefusedInOneLine(@TempDir Path dir) throws IOException {
    Path cdkJson = dir.resolve("cdk.json");
    Files.writeString(cdkJson, "{\"context\": {\"keyrotator\": {}, \"keyrotator\": {}}}");

    IOException refused =
        catchThrowableOfType(IOException.class, () -> CdkContext.cdkJson(cdkJson));

    assertThat(ConfigCheck.oneLine(refused))
        .isEqualTo("line 1, column 44: Duplicate field 'keyrotator'");
  }

  @Test
  void cdkJsonWithAByteOrderMarkIsRead(@TempDir Path dir) throws IOException {
    Path cdkJson = dir.resolve("cdk.json");
    Files.writeString(cdkJson, "\uFEFF{\"context\": {\"a\": 1}}");

    assertThat(CdkContext.cdkJson(cdkJson)).containsEntry("a", 1);
  }

  @Test
  void noConfigurationAtAllSaysWhereItGoes() {
    assertThat(ConfigCheck.check(Map.of(), new PrintStream(err))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("keyrotator: missing");
  }
}
