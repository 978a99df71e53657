package io.keyrotator.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md's newcomer's tour stays true: every class it tells a newcomer to read first
 * exists in the tree, and every file it names exists.
 */
class NewcomersTourTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");

  @Test
  void everyClassAndFileTheTourNamesExists() throws IOException {
    List<String> rows = tourRows();
    assertThat(rows).as("the tour table in docs/architecture.md").hasSizeGreaterThan(10);
    Set<String> files = sourceFileNames();
    List<String> missing = new ArrayList<>();
    for (String row : rows) {
      String[] cells = row.split("\\|");
      Matcher names = CODE.matcher(cells[cells.length - 1]);
      while (names.find()) {
        String name = names.group(1);
        boolean exists =
            name.contains(".") || name.contains("/")
                ? Files.exists(ROOT.resolve(name.startsWith(".ci") ? name : "docs/" + name))
                    || Files.exists(ROOT.resolve(name))
                : files.contains(name + ".java");
        if (!exists) {
          missing.add(name);
        }
      }
    }
    assertThat(missing).as("names in the tour with no file in the tree").isEmpty();
  }

  private static List<String> tourRows() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("docs/architecture.md"));
    int start = lines.indexOf("## A newcomer's tour: where each concern lives");
    assertThat(start).as("the tour's heading").isNotNegative();
    return lines.stream()
        .skip(start)
        .dropWhile(l -> !l.startsWith("|---"))
        .skip(1)
        .takeWhile(l -> l.startsWith("|"))
        .toList();
  }

  private static Set<String> sourceFileNames() throws IOException {
    try (Stream<Path> paths = Files.walk(ROOT)) {
      return paths
          .filter(p -> p.toString().contains("/src/") && p.toString().endsWith(".java"))
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toSet());
    }
  }
}
