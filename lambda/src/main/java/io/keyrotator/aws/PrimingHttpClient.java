package io.keyrotator.aws;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * An HTTP client that never opens a connection: it answers every request with a small, valid
 * response of the operation's protocol, so that a client built on it runs the SDK's whole request
 * path (endpoint resolution, marshalling, signing, retries, unmarshalling) without reaching AWS.
 * Used only to prime classes before a SnapStart snapshot ({@link AwsClients#prime}).
 *
 * <p>Secrets Manager speaks AWS JSON 1.1 (the operation in the {@code X-Amz-Target} header); IAM
 * and STS speak the AWS query protocol (the operation in the form body's {@code Action}).
 */
final class PrimingHttpClient implements SdkHttpClient {
  private static final String SECRET_ARN =
      "arn:aws:secretsmanager:us-east-1:000000000000:secret:keyrotator-priming-AbCdEf";

  private final AtomicInteger requests = new AtomicInteger();

  /** How many requests it answered. */
  int requests() {
    return requests.get();
  }

  @Override
  public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        requests.incrementAndGet();
        byte[] body = answer(request).getBytes(StandardCharsets.UTF_8);
        return HttpExecuteResponse.builder()
            .response(
                SdkHttpResponse.builder()
                    .statusCode(200)
                    .putHeader("Content-Length", Integer.toString(body.length))
                    .putHeader("x-amzn-RequestId", "priming")
                    .build())
            .responseBody(AbortableInputStream.create(new ByteArrayInputStream(body)))
            .build();
      }

      @Override
      public void abort() {}
    };
  }

  private static String answer(HttpExecuteRequest request) {
    return request
        .httpRequest()
        .firstMatchingHeader("X-Amz-Target")
        .map(target -> secretsManager(target.substring(target.indexOf('.') + 1)))
        .orElseGet(() -> query(action(request)));
  }

  private static String secretsManager(String operation) {
    return switch (operation) {
      case "DescribeSecret" ->
          "{\"ARN\":\""
              + SECRET_ARN
              + "\",\"Name\":\"keyrotator-priming\",\"RotationEnabled\":true,"
              + "\"VersionIdsToStages\":{\"priming\":[\"AWSCURRENT\"]},"
              + "\"Tags\":[{\"Key\":\"keyrotator:user\",\"Value\":\"priming\"}]}";
      case "GetSecretValue" ->
          "{\"ARN\":\""
              + SECRET_ARN
              + "\",\"Name\":\"keyrotator-priming\",\"VersionId\":\"priming\","
              + "\"SecretString\":\"{\\\"UserName\\\":\\\"priming\\\"}\","
              + "\"VersionStages\":[\"AWSCURRENT\"]}";
      case "ListSecrets" -> "{\"SecretList\":[]}";
      default -> "{}";
    };
  }

  private static String query(String action) {
    String result =
        switch (action) {
          case "GetUser" ->
              "<User><Path>/</Path><UserName>priming</UserName><UserId>AIDAPRIMING</UserId>"
                  + "<Arn>arn:aws:iam::000000000000:user/priming</Arn>"
                  + "<CreateDate>2026-01-01T00:00:00Z</CreateDate></User>";
          case "ListAccessKeys" -> "<AccessKeyMetadata/><IsTruncated>false</IsTruncated>";
          case "GetCallerIdentity" ->
              "<Arn>arn:aws:iam::000000000000:user/priming</Arn><UserId>AIDAPRIMING</UserId>"
                  + "<Account>000000000000</Account>";
          default -> "";
        };
    return "<"
        + action
        + "Response><"
        + action
        + "Result>"
        + result
        + "</"
        + action
        + "Result><ResponseMetadata><RequestId>priming</RequestId></ResponseMetadata></"
        + action
        + "Response>";
  }

  private static String action(HttpExecuteRequest request) {
    String form =
        request
            .contentStreamProvider()
            .map(
                provider -> {
                  try (InputStream in = provider.newStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                })
            .orElse("");
    for (String pair : form.split("&")) {
      if (pair.startsWith("Action=")) {
        return URLDecoder.decode(pair.substring("Action=".length()), StandardCharsets.UTF_8);
      }
    }
    return "Unknown";
  }

  @Override
  public String clientName() {
    return "keyrotator-priming";
  }

  @Override
  public void close() {}
}
