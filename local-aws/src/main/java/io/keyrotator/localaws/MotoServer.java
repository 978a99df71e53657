package io.keyrotator.localaws;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A moto server (the local AWS emulator) on a free loopback port, for the demo and the tests. Fails
 * with the install hint, never silently, when moto is not installed.
 */
public final class MotoServer {
  public static final String INSTALL_HINT =
      "moto server is not installed: the integration tests need the local AWS emulator."
          + " Install it with `pip install \"moto[server]\"` (Python 3.10+) so that `moto_server`"
          + " or `python3 -m moto.server` works, then run the tests again.";

  private static MotoServer shared;

  private final Process process;
  private final URI endpoint;

  private MotoServer(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /** A server someone else started and stops: only its endpoint is used. */
  public static MotoServer at(URI endpoint) {
    return new MotoServer(null, endpoint);
  }

  /** The server for this JVM, started on first use and stopped when the JVM exits. */
  public static synchronized MotoServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  /** Starts a new server; the caller stops it (the JVM's exit stops it too). */
  public static MotoServer start() {
    List<String> command = launcher();
    int port = freePort();
    command.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
    try {
      Path logFile = Files.createTempFile("moto-server", ".log");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(logFile.toFile())
              .start();
      URI endpoint = URI.create("http://127.0.0.1:" + port);
      MotoServer server = new MotoServer(process, endpoint);
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
      server.awaitReady(logFile);
      return server;
    } catch (IOException e) {
      throw new IllegalStateException(INSTALL_HINT, e);
    }
  }

  /** {@code moto_server} on the PATH, else {@code python3 -m moto.server}, else fail. */
  static List<String> launcher() {
    if (onPath("moto_server")) {
      return new ArrayList<>(List.of("moto_server"));
    }
    if (onPath("python3") && runs("python3", "-c", "import moto.server")) {
      return new ArrayList<>(List.of("python3", "-m", "moto.server"));
    }
    throw new IllegalStateException(INSTALL_HINT);
  }

  private static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static boolean runs(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitReady(Path logFile) throws IOException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    while (Instant.now().isBefore(deadline)) {
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException(
            "moto server exited at start: " + Files.readString(logFile) + "\n" + INSTALL_HINT);
      }
      try {
        if (request("GET", "/moto-api/", null) == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting moto", e);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException(
        "moto server did not answer within 30 s: " + Files.readString(logFile));
  }

  public URI endpoint() {
    return endpoint;
  }

  /** Clears every resource and restores the default configuration. */
  public void reset() {
    enforceAuthentication(false);
    post("/moto-api/reset", "");
    post("/moto-api/config", "{\"lambda\":{\"use_docker\":false}}");
  }

  /**
   * Turns request authentication on (unknown or deleted keys and wrong secrets are refused, as AWS
   * does) or off (moto's default: any key is accepted).
   */
  public void enforceAuthentication(boolean on) {
    post("/moto-api/reset-auth", on ? "0" : "inf");
  }

  /**
   * Registers a function that RotateSecret can name. moto stores it but never runs it (the demo and
   * tests run the real handler in-process instead), so its code is an empty archive.
   *
   * @return the function's ARN
   */
  public String registerPlaceholderFunction(String name, String region, String roleArn) {
    String body =
        "{\"FunctionName\":\""
            + name
            + "\",\"Runtime\":\"java21\","
            + "\"Role\":\""
            + roleArn
            + "\","
            + "\"Handler\":\"io.keyrotator.lambda.RotationHandler::handleRequest\","
            + "\"Code\":{\"ZipFile\":\"UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==\"}}";
    try {
      Map<String, Object> created = lambdaApi("POST", "/2015-03-31/functions", body, region);
      if (created.get("FunctionArn") instanceof String arn) {
        return arn;
      }
      // Already registered by an earlier run against the same server.
      Map<String, Object> existing =
          lambdaApi("GET", "/2015-03-31/functions/" + name, null, region);
      if (existing.get("Configuration") instanceof Map<?, ?> configuration
          && configuration.get("FunctionArn") instanceof String arn) {
        return arn;
      }
      throw new IllegalStateException("moto refused the placeholder function: " + created);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Map<String, Object> lambdaApi(String method, String path, String body, String region)
      throws IOException {
    HttpURLConnection c = (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setRequestProperty("Content-Type", "application/json");
    // moto reads the Region from the signature's scope; it does not check the signature.
    c.setRequestProperty(
        "Authorization",
        "AWS4-HMAC-SHA256 Credential=local/20260101/"
            + region
            + "/lambda/aws4_request, SignedHeaders=host, Signature=0");
    if (body != null) {
      c.setDoOutput(true);
      c.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
    int status = c.getResponseCode();
    byte[] answer = (status < 400 ? c.getInputStream() : c.getErrorStream()).readAllBytes();
    Map<String, Object> parsed = JSON.std.mapFrom(answer);
    return parsed == null ? Map.of() : parsed;
  }

  /** Posts to moto's own API. */
  public void post(String path, String body) {
    try {
      int status = request("POST", path, body);
      if (status >= 300) {
        throw new IllegalStateException("moto " + path + " answered HTTP " + status);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private int request(String method, String path, String body) throws IOException {
    HttpURLConnection connection =
        (HttpURLConnection) endpoint.resolve(path).toURL().openConnection();
    connection.setRequestMethod(method);
    connection.setConnectTimeout(2000);
    connection.setReadTimeout(10000);
    if (body != null) {
      connection.setDoOutput(true);
      // Not form-encoded, or moto's web framework would consume the body as form fields.
      connection.setRequestProperty("Content-Type", "application/json");
      connection.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
    }
    int status = connection.getResponseCode();
    (status < 400 ? connection.getInputStream() : connection.getErrorStream()).readAllBytes();
    connection.disconnect();
    return status;
  }

  public void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
