package io.keyrotator.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code keyrotator --version}: the Maven project version, written into the jar at build time. */
final class ProjectVersion implements IVersionProvider {
  /** A resource Maven filters: it holds {@code version=${project.version}}. */
  static final String RESOURCE = "/keyrotator-cli-version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"keyrotator " + version()};
  }

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  static String version() {
    Properties properties = new Properties();
    try (InputStream in = ProjectVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the CLI jar: rebuild it");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }
}
