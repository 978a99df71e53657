package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * docs/cli.md carries each command's {@code --help} verbatim between {@code <!-- help: CMD -->} and
 * {@code <!-- /help -->}, so the page cannot drift from the CLI. After changing an option, run this
 * test with {@code KEYROTATOR_UPDATE_DOCS=1} to rewrite those sections, then review the diff.
 */
class CliDocsTest {
  private static final Path DOC = Path.of("..", "docs", "cli.md");
  private static final Pattern SECTION =
      Pattern.compile(
          "<!-- help: ([a-z ]+) -->\n```text\n(.*?)```\n<!-- /help -->", Pattern.DOTALL);

  /** What {@code keyrotator [command] --help} prints. */
  private static String help(String command) {
    StringWriter out = new StringWriter();
    CommandLine cli = KeyrotatorCli.commandLine(new PrintWriter(out), new PrintWriter(out));
    List<String> args = new ArrayList<>();
    if (!command.equals("keyrotator")) {
      args.add(command);
    }
    args.add("--help");
    assertThat(cli.execute(args.toArray(String[]::new))).isZero();
    return out.toString();
  }

  @Test
  void everyCommandsHelpIsInTheDocExactly() throws IOException {
    String doc = Files.readString(DOC, StandardCharsets.UTF_8);
    Matcher sections = SECTION.matcher(doc);
    StringBuilder updated = new StringBuilder();
    List<String> documented = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    while (sections.find()) {
      String command = sections.group(1);
      documented.add(command);
      String actual = help(command);
      if (!actual.equals(sections.group(2))) {
        stale.add(command);
      }
      sections.appendReplacement(
          updated,
          Matcher.quoteReplacement(
              "<!-- help: " + command + " -->\n```text\n" + actual + "```\n<!-- /help -->"));
    }
    sections.appendTail(updated);
    if ("1".equals(System.getenv("KEYROTATOR_UPDATE_DOCS"))) {
      Files.writeString(DOC, updated.toString(), StandardCharsets.UTF_8);
      stale.clear();
    }
    List<String> commands = new ArrayList<>(List.of("keyrotator"));
    commands.addAll(
        KeyrotatorCli.commandLine(
                new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
            .getSubcommands()
            .keySet());
    commands.remove("help");
    assertThat(documented).as("commands with a --help section in docs/cli.md").isEqualTo(commands);
    assertThat(stale)
        .as("docs/cli.md sections that differ from --help (KEYROTATOR_UPDATE_DOCS=1 rewrites them)")
        .isEmpty();
  }
}
