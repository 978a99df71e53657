package io.keyrotator.rotation;

import java.util.Map;
import java.util.Optional;

/**
 * One invocation from Secrets Manager: which step to run for which secret and rotation.
 *
 * @param step the step to run
 * @param secretId the secret's ARN or name
 * @param token the ClientRequestToken: the version id of the value this rotation creates
 * @param rotationToken present only for cross-account rotation; not used by this function
 */
public record RotationRequest(
    RotationStep step, String secretId, String token, Optional<String> rotationToken) {

  /**
   * Reads the raw event that Secrets Manager sends.
   *
   * @throws InvalidRequestException when a field is missing or the step is unknown
   */
  public static RotationRequest fromEvent(Map<String, Object> event) {
    String step = field(event, "Step");
    String secretId = field(event, "SecretId");
    String token = field(event, "ClientRequestToken");
    Object rotationToken = event.get("RotationToken");
    return new RotationRequest(
        RotationStep.parse(step),
        secretId,
        token,
        Optional.ofNullable(rotationToken).map(Object::toString));
  }

  private static String field(Map<String, Object> event, String name) {
    Object value = event.get(name);
    if (!(value instanceof String text) || text.isBlank()) {
      throw new InvalidRequestException(
          "the rotation event has no "
              + name
              + " (fields found: "
              + event.keySet()
              + "); expected {\"Step\", \"SecretId\", \"ClientRequestToken\"} as Secrets Manager"
              + " sends them. Start rotations with `aws secretsmanager rotate-secret`.");
    }
    return text;
  }
}
