package io.keyrotator.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Turns the first N HTTP responses of chosen operations into HTTP 400 {@code Throttling} errors in
 * the AWS query protocol's format (IAM's), or the JSON protocol's ({@code ThrottlingException}, for
 * Secrets Manager). The real call has run; the SDK sees a throttle and its own retry strategy
 * retries, as it would against AWS.
 */
public final class ThrottlingInjector implements ExecutionInterceptor {
  private static final ExecutionAttribute<Boolean> THROTTLED =
      new ExecutionAttribute<>("throttled");

  private final Map<String, AtomicInteger> remaining = new ConcurrentHashMap<>();
  private final AtomicInteger injected = new AtomicInteger();

  /**
   * Throttles the next {@code n} responses of {@code operation} (e.g. "GenerateCredentialReport").
   */
  public ThrottlingInjector throttle(String operation, int n) {
    remaining.put(operation, new AtomicInteger(n));
    return this;
  }

  /** How many responses were turned into throttling errors so far. */
  public int injected() {
    return injected.get();
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    AtomicInteger left = remaining.get(operation);
    boolean throttle = left != null && left.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
    attributes.putAttribute(THROTTLED, throttle);
    if (!throttle) {
      return context.httpResponse();
    }
    injected.incrementAndGet();
    boolean json =
        "SecretsManager".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
    return context.httpResponse().toBuilder()
        .statusCode(400)
        .statusText("Bad Request")
        .removeHeader("Content-Length")
        .putHeader("Content-Type", json ? "application/x-amz-json-1.1" : "text/xml")
        .putHeader("x-amzn-ErrorType", json ? "ThrottlingException" : "Throttling")
        .build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (!Boolean.TRUE.equals(attributes.getAttribute(THROTTLED))) {
      return context.responseBody();
    }
    boolean json =
        "SecretsManager".equals(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME));
    String body =
        json
            ? "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded (injected)\"}"
            : "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type>"
                + "<Code>Throttling</Code><Message>Rate exceeded (injected)</Message></Error>"
                + "<RequestId>injected</RequestId></ErrorResponse>";
    return Optional.of(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }
}
