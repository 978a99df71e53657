package io.keyrotator.cli;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Mixin;

/**
 * A command whose result is a report, printed as a table for people or as JSON with {@code -o
 * json}, and whose exit code says whether the report found anything.
 */
abstract class ReportCommand extends AwsCommand {
  @Mixin OutputOptions output;

  /**
   * Prints the report and returns the exit code.
   *
   * @param json what {@code -o json} prints (maps, lists and scalars)
   * @param table prints the report for people
   * @param clean whether nothing was found: {@link ExitCodes#OK}, else {@link ExitCodes#PROBLEMS}
   */
  final int report(Object json, Consumer<PrintWriter> table, boolean clean) {
    PrintWriter out = out();
    if (output.json()) {
      OutputOptions.printJson(out, json);
    } else {
      table.accept(out);
    }
    return clean ? ExitCodes.OK : ExitCodes.PROBLEMS;
  }
}
