package io.keyrotator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** {@code --output table|json}, and the two ways of printing. */
final class OutputOptions {
  enum Format {
    table,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "table (default, for people) or json (for scripts).")
  Format format = Format.table;

  boolean json() {
    return format == Format.json;
  }

  static void printJson(PrintWriter out, Object value) {
    try {
      out.println(JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT).asString(value));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Prints rows as aligned columns under a header. */
  static void printTable(PrintWriter out, List<String> header, List<List<String>> rows) {
    List<Integer> widths = new ArrayList<>();
    for (int c = 0; c < header.size(); c++) {
      int width = header.get(c).length();
      for (List<String> row : rows) {
        width = Math.max(width, row.get(c).length());
      }
      widths.add(width);
    }
    out.println(line(header, widths));
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
  }

  private static String line(List<String> cells, List<Integer> widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      line.append(cell);
      if (c < cells.size() - 1) {
        line.append(" ".repeat(widths.get(c) - cell.length() + 2));
      }
    }
    return line.toString().stripTrailing();
  }
}
