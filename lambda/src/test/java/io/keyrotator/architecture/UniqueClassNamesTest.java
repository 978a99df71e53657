package io.keyrotator.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No two classes in the modules' main code share a simple name: a reader (and a search) must never
 * wonder which {@code HygieneReport} or {@code IamUser} a line means.
 */
class UniqueClassNamesTest {
  @Test
  void everyMainClassNameIsUsedOnce() throws IOException {
    try (Stream<Path> paths = Files.walk(Path.of(".."))) {
      Map<String, List<String>> byName =
          paths
              .map(Path::toString)
              .filter(p -> p.contains("/src/main/java/") && p.endsWith(".java"))
              .collect(Collectors.groupingBy(p -> Path.of(p).getFileName().toString()));
      assertThat(byName).as("main classes found").hasSizeGreaterThan(50);
      assertThat(byName.values()).allSatisfy(places -> assertThat(places).hasSize(1));
    }
  }
}
