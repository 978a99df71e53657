package io.keyrotator.cli;

import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads an endpoint (--endpoint, AWS_ENDPOINT_URL) as the SDK needs it: an absolute http or https
 * URL with a host, such as {@code http://127.0.0.1:5000}.
 */
final class Endpoints implements ITypeConverter<URI> {
  @Override
  public URI convert(String value) {
    try {
      return check(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }

  /**
   * @param label how the user gave the value, named in the error ("AWS_ENDPOINT_URL=localhost")
   * @throws CliException (usage) when the value is not such a URL
   */
  static URI parse(String value, String label) {
    try {
      return check(value);
    } catch (IllegalArgumentException e) {
      throw new CliException(ExitCodes.USAGE, label + ": " + e.getMessage());
    }
  }

  private static URI check(String value) {
    URI uri;
    try {
      uri = new URI(value.trim());
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null
        || uri.getHost() == null
        || uri.getPort() > 65535
        || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is not an endpoint URL: expected http:// or https://, a host and usually a"
              + " port, e.g. http://127.0.0.1:5000");
    }
    return uri;
  }
}
