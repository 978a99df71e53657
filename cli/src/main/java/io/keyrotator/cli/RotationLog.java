package io.keyrotator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;

/**
 * The rotation function's log in CloudWatch Logs ({@code /aws/lambda/<function>}, where Lambda
 * writes it): {@code status} reads from it why a rotation failed; an in-process rotation on an
 * emulator writes its lines there, as Lambda would, so that {@code status} finds them the same way.
 * Lines are the function's JSON ({@code level}, {@code message}, {@code token}, ...).
 */
final class RotationLog {
  private final CloudWatchLogsClient logs;

  RotationLog(CloudWatchLogsClient logs) {
    this.logs = logs;
  }

  /**
   * The log group of a rotation function: arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
   * logs to {@code /aws/lambda/NAME}.
   */
  static String group(String rotationLambdaArn) {
    String[] parts = rotationLambdaArn.split(":");
    return "/aws/lambda/" + (parts.length >= 7 ? parts[6] : rotationLambdaArn);
  }

  /**
   * What the function logged for this rotation (its token, the new version's id) since {@code
   * since}: empty when it logged nothing for it or the log cannot be read (no such group, no
   * permission: {@code logs:FilterLogEvents}).
   */
  Optional<Logged> logged(String group, String token, Instant since) {
    try {
      String failure = null;
      boolean any = false;
      for (FilteredLogEvent event :
          logs.filterLogEventsPaginator(
                  r ->
                      r.logGroupName(group)
                          .startTime(since.toEpochMilli())
                          .filterPattern("\"" + token + "\""))
              .events()) {
        Map<String, Object> line = parse(event.message());
        if (token.equals(line.get("token"))) {
          any = true;
          if ("ERROR".equals(line.get("level"))) {
            failure = String.valueOf(line.get("message"));
          }
        }
      }
      return any ? Optional.of(new Logged(Optional.ofNullable(failure))) : Optional.empty();
    } catch (SdkException unreadable) {
      return Optional.empty();
    }
  }

  /**
   * The function ran for the rotation and logged it.
   *
   * @param failure the message of its last ERROR line, if it logged one
   */
  record Logged(Optional<String> failure) {}

  /** Appends lines to the group in a new stream, creating the group when it is missing. */
  void write(String group, List<String> lines, Instant at) {
    if (lines.isEmpty()) {
      return;
    }
    try {
      logs.createLogGroup(r -> r.logGroupName(group));
    } catch (ResourceAlreadyExistsException exists) {
      // an earlier rotation created it
    }
    String stream = "keyrotator-cli/" + UUID.randomUUID();
    logs.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
    List<InputLogEvent> events = new ArrayList<>();
    for (String line : lines) {
      events.add(InputLogEvent.builder().timestamp(at.toEpochMilli()).message(line).build());
    }
    logs.putLogEvents(r -> r.logGroupName(group).logStreamName(stream).logEvents(events));
  }

  private static Map<String, Object> parse(String line) {
    try {
      return JSON.std.mapFrom(line);
    } catch (IOException notJson) {
      return Map.of();
    }
  }
}
