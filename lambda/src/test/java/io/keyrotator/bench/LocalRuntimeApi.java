package io.keyrotator.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The part of the Lambda Runtime API (2018-06-01) a function's runtime client calls, served on
 * loopback: {@code GET /runtime/invocation/next} hands out queued events, {@code POST .../response}
 * and {@code .../error} record each outcome with the time it arrived. Enough to run the real AWS
 * Lambda Java runtime interface client as Lambda starts it.
 *
 * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html">Using the Lambda
 *     runtime API for custom runtimes</a>
 */
final class LocalRuntimeApi implements AutoCloseable {
  private static final String PREFIX = "/2018-06-01/runtime/";

  /** One invocation's outcome: whether it succeeded, its body, and when it arrived (nanoTime). */
  record Outcome(String requestId, boolean succeeded, String body, long arrivedNanos) {}

  private final HttpServer server;
  private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
  private final BlockingQueue<Outcome> outcomes = new LinkedBlockingQueue<>();
  private final Map<String, Long> handedOut = new ConcurrentHashMap<>();
  private int invocations;

  LocalRuntimeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(PREFIX, this::serve);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
  }

  /** The value of {@code AWS_LAMBDA_RUNTIME_API} for the runtime client. */
  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  /** Queues an event for the next {@code /invocation/next}. */
  void invoke(String eventJson) {
    events.add(eventJson);
  }

  /**
   * Waits for the next outcome.
   *
   * @param processOutput what the function process printed, for the message when none arrives
   */
  Outcome awaitOutcome(long seconds, Supplier<String> processOutput) throws InterruptedException {
    Outcome outcome = outcomes.poll(seconds, TimeUnit.SECONDS);
    if (outcome == null) {
      throw new IllegalStateException(
          "no invocation outcome within "
              + seconds
              + " s; the function printed:\n"
              + processOutput.get());
    }
    return outcome;
  }

  /** When the outcome's event was handed to the runtime client (nanoTime). */
  long handedOutNanos(Outcome outcome) {
    return handedOut.get(outcome.requestId());
  }

  private void serve(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
    byte[] body = exchange.getRequestBody().readAllBytes();
    long arrived = System.nanoTime();
    if (path.equals("invocation/next")) {
      String event;
      try {
        event = events.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      String requestId;
      synchronized (this) {
        requestId = "bench-" + ++invocations;
      }
      exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", requestId);
      exchange
          .getResponseHeaders()
          .add("Lambda-Runtime-Deadline-Ms", Long.toString(System.currentTimeMillis() + 900_000));
      exchange
          .getResponseHeaders()
          .add(
              "Lambda-Runtime-Invoked-Function-Arn",
              "arn:aws:lambda:us-east-1:123456789012:function:keyrotator-rotation");
      exchange.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-bench");
      exchange.getResponseHeaders().add("Lambda-Runtime-Client-Context", "{}");
      exchange.getResponseHeaders().add("Lambda-Runtime-Cognito-Identity", "{}");
      exchange.getResponseHeaders().add("Lambda-Runtime-Aws-Tenant-Id", "bench");
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      handedOut.put(requestId, System.nanoTime());
      reply(exchange, 200, event);
      return;
    }
    String text = new String(body, StandardCharsets.UTF_8);
    if (path.startsWith("invocation/") && path.endsWith("/response")) {
      outcomes.add(new Outcome(requestIdOf(path), true, text, arrived));
    } else if (path.endsWith("/error")) {
      outcomes.add(new Outcome(requestIdOf(path), false, text, arrived));
    }
    reply(exchange, 202, "{\"status\":\"OK\"}");
  }

  private static String requestIdOf(String path) {
    String[] parts = path.split("/");
    return parts.length > 1 ? parts[1] : "init";
  }

  private static void reply(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
