package io.keyrotator.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyrotator.localaws.MotoServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * EventBridge of the local AWS emulator (moto server), started on a free loopback port for one test
 * class. It routes events to rule targets by pattern (prefix, anything-but, exists, $or) without an
 * AWS account. Fails, never skips, when moto is missing.
 */
final class LocalEventBridge implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MotoServer moto;
  private final URI endpoint;
  private final HttpClient http = HttpClient.newHttpClient();
  private int checks;

  private LocalEventBridge(MotoServer moto) {
    this.moto = moto;
    this.endpoint = moto.endpoint();
  }

  /** A moto server of its own (the shared launcher), stopped by {@link #close()}. */
  static LocalEventBridge start() {
    return new LocalEventBridge(MotoServer.start());
  }

  /**
   * Whether EventBridge would deliver the event to a rule with this pattern. The emulator does not
   * implement TestEventPattern, but it does route PutEvents to rule targets: each check gets a
   * fresh rule and SQS queue, puts the event and looks in the queue. Plain AWS JSON requests: the
   * SDK's EventBridge and SQS clients are not in the pinned SDK version the Maven mirror holds, and
   * the emulator does not check signatures.
   *
   * @param event the event's {@code source}, {@code detail-type} and {@code detail}
   */
  boolean delivers(String pattern, String source, String detailType, Map<String, Object> detail)
      throws IOException, InterruptedException {
    return !deliveredMessages(pattern, null, source, detailType, List.of(), detail).isEmpty();
  }

  /**
   * What a rule with this pattern and target input transformer would hand its target for one event:
   * nothing when the pattern does not match, else the transformed input (the whole event without a
   * transformer). The emulator substitutes transformer values as raw text, without the JSON
   * escaping EventBridge applies, so values with quotes or line breaks cannot be checked here.
   *
   * @param inputTransformer the target's {@code InputTransformer} as in the template, or null
   * @param resources the event's {@code resources}
   */
  List<JsonNode> deliveredMessages(
      String pattern,
      Map<String, Object> inputTransformer,
      String source,
      String detailType,
      List<String> resources,
      Map<String, Object> detail)
      throws IOException, InterruptedException {
    String name = "check-" + (++checks);
    JsonNode queue = call("sqs", "AmazonSQS.CreateQueue", "1.0", Map.of("QueueName", name));
    String queueUrl = queue.path("QueueUrl").asText();
    call("events", "AWSEvents.PutRule", "1.1", Map.of("Name", name, "EventPattern", pattern));
    Map<String, Object> target = new java.util.LinkedHashMap<>();
    target.put("Id", "queue");
    target.put("Arn", "arn:aws:sqs:us-east-1:123456789012:" + name);
    if (inputTransformer != null) {
      target.put("InputTransformer", inputTransformer);
    }
    call("events", "AWSEvents.PutTargets", "1.1", Map.of("Rule", name, "Targets", List.of(target)));
    JsonNode put =
        call(
            "events",
            "AWSEvents.PutEvents",
            "1.1",
            Map.of(
                "Entries",
                List.of(
                    Map.of(
                        "Source", source,
                        "DetailType", detailType,
                        "Resources", resources,
                        "Detail", JSON.writeValueAsString(detail)))));
    if (put.path("FailedEntryCount").asInt() != 0) {
      throw new IllegalStateException("PutEvents rejected the event: " + put);
    }
    JsonNode received =
        call(
            "sqs",
            "AmazonSQS.ReceiveMessage",
            "1.0",
            Map.of("QueueUrl", queueUrl, "MaxNumberOfMessages", 10, "WaitTimeSeconds", 0));
    List<JsonNode> messages = new ArrayList<>();
    for (JsonNode message : received.path("Messages")) {
      messages.add(JSON.readTree(message.path("Body").asText()));
    }
    return messages;
  }

  private JsonNode call(String service, String target, String jsonVersion, Map<String, Object> body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .header("Content-Type", "application/x-amz-json-" + jsonVersion)
            .header("X-Amz-Target", target)
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/"
                    + service
                    + "/aws4_request, SignedHeaders=host, Signature=0")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          target + " answered HTTP " + response.statusCode() + ": " + response.body());
    }
    return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
  }

  @Override
  public void close() {
    moto.stop();
  }
}
