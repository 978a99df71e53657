package io.keyrotator.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A {@code keyrotator} command that talks to AWS (or an emulator): it takes --help, --version and
 * the {@link AwsOptions}, and returns one of the {@link ExitCodes}. Picocli applies this class's
 * {@code @Command} attributes to every subclass.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = ProjectVersion.class)
abstract class AwsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin AwsOptions aws;

  /** Where the command prints its result (standard output, or the writer a test gave). */
  final PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
