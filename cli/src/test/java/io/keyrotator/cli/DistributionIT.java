package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installable distribution (cli/target/keyrotator-VERSION.tar.gz) as docs/install.md installs
 * it: unpacked into a folder nobody may write to, run by an unprivileged user with nothing but a
 * Java runtime, through a symbolic link on PATH. It must work, and write nothing into its folder.
 */
@ExtendWith(LocalAwsExtension.class)
class DistributionIT {
  /** Set by cli/pom.xml: the tarball the package phase built, and the project version. */
  private static final Path TARBALL = Path.of(System.getProperty("keyrotator.distribution"));

  private static final String VERSION = System.getProperty("keyrotator.version");

  /** The unprivileged user the CLI runs as when the tests run as root (nobody, on Linux). */
  private static final String NOBODY = "65534";

  private static final String SECRET = "app-ci-key";
  private LocalAws aws;
  @TempDir Path temp;
  private Path install;
  private Path launcher;

  /** Unpacks the tarball as an operator would, then takes away every write permission. */
  @BeforeEach
  void install() throws Exception {
    assertThat(TARBALL).as("built by `./mvnw package -pl cli -am`").isRegularFile();
    // JUnit makes the temporary folder private to its owner; the other user must reach into it.
    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
    install = Files.createDirectory(temp.resolve("opt"));
    exec("tar", "-xzf", TARBALL.toString(), "-C", install.toString());
    launcher = install.resolve("keyrotator-" + VERSION).resolve("bin").resolve("keyrotator");
    exec("chmod", "-R", "a-w", install.toString());
  }

  @Test
  void runsFromAReadOnlyFolderAsAnotherUserAndWritesOnlyItsCache() throws Exception {
    aws.rotatedOnce("app-ci", SECRET, aws.handler());
    Map<String, FileTime> installed = snapshot(install);
    Path home = writableHome();
    Path onPath = Files.createDirectory(temp.resolve("bin"));
    Files.createSymbolicLink(onPath.resolve("keyrotator"), launcher);

    Run help = run(home, onPath.resolve("keyrotator"), "--help");
    assertThat(help.out()).contains("Usage: keyrotator", "credentials");
    Run version = run(home, onPath.resolve("keyrotator"), "--version");
    assertThat(version.out().trim()).isEqualTo("keyrotator " + VERSION);
    Run status =
        run(home, launcher, "status", "--endpoint", endpoint(), "--region", LocalAws.REGION);
    assertThat(status.out()).contains(SECRET, "ok");

    String current = aws.keyIn(SECRET, "AWSCURRENT");
    for (int i = 0;
        i < 2;
        i++) { // the first run records the class-data archive, the second maps it
      Run credentials = run(home, launcher, credentials());
      assertThat(JSON.std.mapFrom(credentials.out())).containsEntry("AccessKeyId", current);
      assertThat(credentials.err()).as("JVM messages, CDS warnings").isEmpty();
      assertThat(archives(home)).as("the class-data archive, in the user's cache").hasSize(1);
    }
    assertThat(snapshot(install)).as("the install folder, file by file").isEqualTo(installed);
  }

  @Test
  void runsWithoutAnyWritableHome() throws Exception {
    aws.rotatedOnce("app-ci", SECRET, aws.handler());
    Map<String, FileTime> installed = snapshot(install);
    // nobody's home in /etc/passwd: no cache directory, so no class-data archive, and no error.
    Run credentials = run(Path.of("/nonexistent"), launcher, credentials());
    assertThat(JSON.std.mapFrom(credentials.out()))
        .containsEntry("AccessKeyId", aws.keyIn(SECRET, "AWSCURRENT"));
    assertThat(credentials.err()).isEmpty();
    assertThat(snapshot(install)).isEqualTo(installed);
  }

  @Test
  void refusesAJavaOlderThan17InOneLine() throws Exception {
    Path javaHome = temp.resolve("jdk-11");
    Files.createDirectories(javaHome.resolve("bin"));
    Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"11.0.2\"\n");
    Path java = Files.writeString(javaHome.resolve("bin").resolve("java"), "#!/bin/sh\nexit 0\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--version");
    builder.environment().put("JAVA_HOME", javaHome.toString());
    Process process = builder.redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isEqualTo(3);
    assertThat(output)
        .isEqualTo(
            "keyrotator: "
                + java
                + " is Java 11.0.2; keyrotator needs Java 17 or newer: install one (e.g. apt install"
                + " openjdk-17-jre-headless) and put it on PATH or set JAVA_HOME\n");
  }

  private String endpoint() {
    return aws.moto.endpoint().toString();
  }

  private String[] credentials() {
    return new String[] {
      "credentials", "--secret-id", SECRET, "--endpoint", endpoint(), "--region", LocalAws.REGION
    };
  }

  private Path writableHome() throws IOException {
    Path home = Files.createDirectory(temp.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
    return home;
  }

  private static List<Path> archives(Path home) throws IOException {
    Path cache = home.resolve(".cache").resolve("keyrotator");
    try (Stream<Path> files = Files.list(cache)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  /** Every file and folder below the root with its modification time. */
  private static Map<String, FileTime> snapshot(Path root) throws IOException {
    Map<String, FileTime> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path path : (Iterable<Path>) all::iterator) {
        files.put(root.relativize(path).toString(), Files.getLastModifiedTime(path));
      }
    }
    return files;
  }

  private record Run(String out, String err) {}

  /**
   * Runs the launcher as an unprivileged user with the given HOME, with only a Java runtime on PATH
   * (no JAVA_HOME), the test's AWS credentials and settings; requires exit code 0.
   */
  private Run run(Path home, Path command, String... args) throws Exception {
    List<String> line = new ArrayList<>(asAnotherUser());
    line.addAll(List.of("env", "HOME=" + home, command.toString()));
    line.addAll(List.of(args));
    Path out = Files.createTempFile(temp, "out", ".txt");
    Path err = Files.createTempFile(temp, "err", ".txt");
    ProcessBuilder builder = new ProcessBuilder(line).redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    env.remove("JAVA_HOME");
    env.remove("XDG_CACHE_HOME");
    env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/bin:/bin");
    env.put("AWS_ACCESS_KEY_ID", "reader");
    env.put("AWS_SECRET_ACCESS_KEY", "reader");
    Process process = builder.start();
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(line.toString()).isTrue();
    Run run = new Run(Files.readString(out), Files.readString(err));
    assertThat(process.exitValue()).as(line + "\n" + run.out() + run.err()).isZero();
    return run;
  }

  /**
   * The command prefix that drops root's privileges (root writes into read-only folders, so the
   * test would prove nothing as root), or none when the tests already run as another user.
   */
  private List<String> asAnotherUser() throws IOException {
    Path probe = Files.createTempFile(temp, "uid", "");
    if (!Integer.valueOf(0).equals(Files.getAttribute(probe, "unix:uid"))) {
      return List.of();
    }
    Optional<Path> setpriv = onPath("setpriv");
    if (setpriv.isPresent()) {
      return List.of(
          setpriv.get().toString(), "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups");
    }
    Optional<Path> runuser = onPath("runuser");
    if (runuser.isPresent()) {
      return List.of(runuser.get().toString(), "-u", "nobody", "--");
    }
    throw new IllegalStateException(
        "the tests run as root, and neither setpriv nor runuser is on PATH to run the CLI as an"
            + " unprivileged user: install util-linux (apt install util-linux) or run the build as"
            + " another user");
  }

  private static Optional<Path> onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(dir -> Path.of(dir, program))
        .filter(Files::isExecutable)
        .findFirst();
  }

  /** Runs a setup command as the test's own user; requires exit code 0. */
  private static void exec(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
  }
}
