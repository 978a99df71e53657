package io.keyrotator.cli;

import io.keyrotator.testing.LocalAws;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** One in-process run of the CLI against the test emulator: exit code and what it printed. */
record CliRun(int exitCode, String out, String err) {

  /** Runs the command line with the emulator's endpoint and Region added. */
  static CliRun against(LocalAws aws, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--endpoint", aws.moto.endpoint().toString(), "--region", LocalAws.REGION));
    return of(all.toArray(String[]::new));
  }

  /** Runs the command line as it is: no endpoint or Region added. */
  static CliRun of(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KeyrotatorCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new CliRun(code, out.toString(), err.toString());
  }

  /** The CLI uses the SDK's default credentials chain; system properties are part of it. */
  static void useTestCredentials() {
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }
}
