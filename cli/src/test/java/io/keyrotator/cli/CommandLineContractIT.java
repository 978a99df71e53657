package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.localaws.MotoServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every command against every way a new user gets it wrong, run as users run it: the packaged jar
 * in its own JVM with its own environment (an in-process run hides unflushed output). Each case
 * checks the exit code docs/cli.md lists, that stderr is one line with no stack trace, and that
 * {@code credentials} never prints anything but its JSON on stdout.
 */
class CommandLineContractIT {
  private static final List<String> AWS_COMMANDS =
      List.of("rotate", "status", "credentials", "doctor", "hygiene", "audit");

  /** What each command needs besides the situation's options. */
  private static final Map<String, List<String>> REQUIRED =
      Map.of(
          "rotate", List.of("--secret-id", "nope"),
          "credentials", List.of("--secret-id", "nope"));

  /** What each command says on an empty emulator account with a Region (null: nothing). */
  private static final Map<String, String> ON_AN_EMPTY_ACCOUNT_SAYS =
      Map.of(
          "rotate", "secret nope does not exist",
          "credentials", "secret nope does not exist");

  /** The exit code each command ends with on an empty emulator account with a Region. */
  private static final Map<String, Integer> ON_AN_EMPTY_ACCOUNT =
      Map.of(
          "rotate", ExitCodes.NOT_FOUND,
          "credentials", ExitCodes.NOT_FOUND,
          "status", ExitCodes.OK,
          "doctor", ExitCodes.OK,
          "hygiene", ExitCodes.OK,
          // No password policy on a new account is a finding.
          "audit", ExitCodes.PROBLEMS);

  private static MotoServer moto;
  private static Path home;
  private static String deadEndpoint;

  @BeforeAll
  static void start() throws IOException {
    moto = MotoServer.shared();
    home = Files.createTempDirectory("keyrotator-cli-home");
    Files.writeString(home.resolve("config"), "[profile noregion]\noutput = json\n");
    Files.writeString(home.resolve("credentials"), "");
    Files.writeString(home.resolve("broken-config"), "[profile broken\nregion = us-east-1\n");
    try (ServerSocket socket = new ServerSocket(0)) {
      deadEndpoint = "http://127.0.0.1:" + socket.getLocalPort();
    }
  }

  @AfterAll
  static void clean() throws IOException {
    try (Stream<Path> files = Files.list(home)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(home);
  }

  /** One run: the command line, the environment on top of a bare one, and what must happen. */
  record Case(List<String> args, Map<String, String> env, int exitCode, String stderr) {}

  static Stream<Arguments> cases() {
    List<Arguments> cases = new ArrayList<>();
    for (String command : List.of("demo", "rotate", "status", "credentials", "doctor")) {
      cases.addAll(helpCases(command));
    }
    cases.add(
        named(
            "keyrotator (no command)",
            new Case(List.of(), Map.of(), ExitCodes.USAGE, "name a command: demo, rotate")));
    cases.add(
        named(
            "a misspelt command",
            new Case(List.of("stauts"), Map.of(), ExitCodes.USAGE, "did you mean status")));
    cases.add(
        named(
            "help for no such command",
            new Case(List.of("help", "nosuch"), Map.of(), ExitCodes.USAGE, "Unknown subcommand")));
    cases.add(
        named(
            "help for a misspelt command",
            new Case(List.of("help", "statu"), Map.of(), ExitCodes.USAGE, "did you mean status?")));
    cases.addAll(helpCases("hygiene"));
    cases.addAll(helpCases("audit"));
    cases.add(
        named(
            "demo: a typo",
            new Case(
                List.of("demo", "--verbsoe"),
                Map.of(),
                ExitCodes.USAGE,
                "did you mean --verbose")));
    cases.add(
        named(
            "demo: a bad endpoint",
            new Case(
                List.of("demo", "--endpoint", "notaurl"),
                Map.of(),
                ExitCodes.USAGE,
                "'notaurl' is not an endpoint URL")));
    cases.add(
        named(
            "demo: a dead endpoint",
            new Case(
                List.of("demo", "--endpoint", deadEndpoint),
                Map.of(),
                ExitCodes.AWS_ERROR,
                "no moto server answers at " + deadEndpoint)));
    cases.add(
        named(
            "demo: moto not installed",
            new Case(
                List.of("demo"),
                Map.of("PATH", "/usr/bin:/bin"),
                ExitCodes.AWS_ERROR,
                "pip install \"moto[server]\"")));
    for (String command : AWS_COMMANDS) {
      cases.addAll(awsCases(command));
    }
    cases.addAll(valueCases());
    return cases.stream();
  }

  private static List<Arguments> helpCases(String command) {
    List<Arguments> cases = new ArrayList<>();
    for (List<String> args :
        List.of(List.of(command, "--help"), List.of(command, "-h"), List.of("help", command))) {
      cases.add(
          named(
              String.join(" ", args),
              new Case(args, Map.of(), ExitCodes.OK, "Usage: keyrotator " + command)));
    }
    return cases;
  }

  private static List<Arguments> awsCases(String command) {
    String endpoint = moto.endpoint().toString();
    Map<String, String> credentials =
        Map.of("AWS_ACCESS_KEY_ID", "testing", "AWS_SECRET_ACCESS_KEY", "testing");
    Map<String, String> everything = new HashMap<>(credentials);
    everything.put("AWS_REGION", "us-east-1");
    everything.put("AWS_ENDPOINT_URL", endpoint);
    Map<String, String> defaultRegionOnly = new HashMap<>(credentials);
    defaultRegionOnly.put("AWS_DEFAULT_REGION", "eu-west-1");
    defaultRegionOnly.put("AWS_ENDPOINT_URL", endpoint);
    Map<String, String> noRegion = new HashMap<>(credentials);
    noRegion.put("AWS_ENDPOINT_URL", endpoint);
    Map<String, String> noCredentials = Map.of("AWS_REGION", "us-east-1");
    return List.of(
        named(
            command + ": a typo",
            new Case(
                args(command, "--regoin", "us-east-1"),
                everything,
                ExitCodes.USAGE,
                "did you mean --region?")),
        named(
            command + ": a bad --endpoint",
            new Case(
                args(command, "--endpoint", "notaurl"),
                everything,
                ExitCodes.USAGE,
                "'notaurl' is not an endpoint URL")),
        named(
            command + ": a bad AWS_ENDPOINT_URL",
            new Case(
                args(command),
                with(everything, "AWS_ENDPOINT_URL", "localhost:4566"),
                ExitCodes.USAGE,
                "AWS_ENDPOINT_URL=localhost:4566: 'localhost:4566' is not an endpoint URL")),
        named(
            command + ": a dead endpoint",
            new Case(
                args(command, "--endpoint", deadEndpoint),
                everything,
                ExitCodes.AWS_ERROR,
                "could not reach " + deadEndpoint)),
        named(
            command + ": no Region",
            new Case(args(command), noRegion, ExitCodes.AWS_ERROR, "no AWS Region configured")),
        named(
            command + ": a profile without a Region",
            new Case(
                args(command, "--profile", "noregion"),
                noRegion,
                ExitCodes.AWS_ERROR,
                "no AWS Region configured (profile noregion has none)")),
        named(
            command + ": AWS_DEFAULT_REGION only",
            new Case(
                args(command),
                defaultRegionOnly,
                ON_AN_EMPTY_ACCOUNT.get(command),
                ON_AN_EMPTY_ACCOUNT_SAYS.get(command))),
        named(
            command + ": a missing profile",
            new Case(
                args(command, "--profile", "nosuch"),
                everything,
                ExitCodes.AWS_ERROR,
                "profile nosuch does not exist")),
        named(
            command + ": no credentials",
            new Case(
                args(command, "--endpoint", endpoint),
                noCredentials,
                ExitCodes.AWS_ERROR,
                "no AWS credentials found")));
  }

  /** Values out of range are refused before anything is asked of AWS. */
  private static List<Arguments> valueCases() {
    Map<String, String> everything =
        Map.of(
            "AWS_ACCESS_KEY_ID", "testing",
            "AWS_SECRET_ACCESS_KEY", "testing",
            "AWS_REGION", "us-east-1",
            "AWS_ENDPOINT_URL", moto.endpoint().toString());
    return List.of(
        named(
            "rotate: --timeout below 1",
            new Case(
                List.of("rotate", "--secret-id", "nope", "--wait", "--timeout", "-1"),
                everything,
                ExitCodes.USAGE,
                "--timeout -1: expected a whole number of seconds from 1 to 3600")),
        named(
            "rotate: --timeout without --wait",
            new Case(
                List.of("rotate", "--secret-id", "nope", "--timeout", "5"),
                everything,
                ExitCodes.USAGE,
                "--timeout only applies with --wait")),
        named(
            "status: --stuck-after-minutes beyond a year",
            new Case(
                List.of("status", "--stuck-after-minutes", "9223372036854775807"),
                everything,
                ExitCodes.USAGE,
                "expected a whole number of minutes from 0 to 525600")),
        named(
            "doctor: negative --stuck-after-minutes",
            new Case(
                List.of("doctor", "--stuck-after-minutes", "-5"),
                everything,
                ExitCodes.USAGE,
                "--stuck-after-minutes -5")),
        named(
            "status: an endpoint port out of range",
            new Case(
                List.of("status", "--endpoint", "http://127.0.0.1:99999"),
                everything,
                ExitCodes.USAGE,
                "is not an endpoint URL")),
        named(
            "status: an empty AWS_ENDPOINT_URL means none (no internet here: AWS is unreachable)",
            new Case(
                List.of("status"),
                with(everything, "AWS_ENDPOINT_URL", ""),
                ExitCodes.AWS_ERROR,
                "could not reach")),
        named(
            "rotate: an empty --secret-id",
            new Case(
                List.of("rotate", "--secret-id", ""),
                everything,
                ExitCodes.USAGE,
                "is empty: give a secret name or ARN")),
        named(
            "doctor: --yes without --fix",
            new Case(
                List.of("doctor", "--yes"),
                everything,
                ExitCodes.USAGE,
                "--yes only applies with --fix")),
        named(
            "status: an empty AWS_REGION falls through to AWS_DEFAULT_REGION",
            new Case(
                List.of("status"),
                with(with(everything, "AWS_REGION", ""), "AWS_DEFAULT_REGION", "eu-west-1"),
                ExitCodes.OK,
                null)),
        named(
            "status: a broken AWS config file",
            new Case(
                List.of("status"),
                with(everything, "AWS_CONFIG_FILE", home.resolve("broken-config").toString()),
                ExitCodes.AWS_ERROR,
                "cannot read the AWS config files")));
  }

  private static List<String> args(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(REQUIRED.getOrDefault(command, List.of()));
    args.addAll(List.of(more));
    return args;
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> changed = new HashMap<>(env);
    changed.put(name, value);
    return changed;
  }

  private static Arguments named(String name, Case c) {
    return Arguments.of(Named.of(name, c));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void answersWithTheDocumentedExitCodeAndOneLine(Case c) throws Exception {
    Run run = run(c);
    String all = "stdout:\n" + run.out + "\nstderr:\n" + run.err;
    assertThat(run.exitCode).as(all).isEqualTo(c.exitCode);
    assertThat(run.err).as(all).doesNotContain("\tat ", "Exception in thread", "Caused by:");
    if (c.exitCode == ExitCodes.OK && c.stderr != null) {
      assertThat(run.out).as(all).startsWith(c.stderr);
      assertThat(run.err).as(all).isEmpty();
      return;
    }
    if (c.stderr == null) {
      assertThat(run.err).as(all).isEmpty();
      assertThat(run.out).as("the table mode prints its result").isNotBlank();
      return;
    }
    assertThat(run.err.lines()).as(all).hasSize(1);
    assertThat(run.err).as(all).startsWith("keyrotator").contains(c.stderr);
    if (c.args.contains("credentials")) {
      assertThat(run.out).as("stdout stays clean for credential_process").isEmpty();
    }
  }

  record Run(int exitCode, String out, String err) {}

  /**
   * Runs the jar with only PATH, HOME and the case's variables, and config files that have no
   * credentials, so nothing of the machine's own AWS set-up leaks in.
   */
  private static Run run(Case c) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-jar",
                PackagedCliIT.CLI_JAR.toString()));
    command.addAll(c.args);
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    String path = env.getOrDefault("PATH", "/usr/bin:/bin");
    env.clear();
    env.put("PATH", path);
    env.put("HOME", home.toString());
    env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
    env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    env.put("KEYROTATOR_AUDIT_REPORT_POLL_MILLIS", "20");
    env.putAll(c.env);
    Process process = builder.start();
    CompletableFuture<String> err =
        CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
    String out = read(process.getInputStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(process.exitValue(), out, err.get());
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
