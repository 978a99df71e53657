package io.keyrotator.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * Turns the first N HTTP responses of one IAM operation into HTTP 400 {@code Throttling} errors,
 * as IAM sends them under load. The SDK sees real error responses, so its own retry policy runs.
 */
public final class ThrottlingInjector implements ExecutionInterceptor {
  private static final String THROTTLED =
      "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
          + "</Error><RequestId>injected</RequestId></ErrorResponse>";

  private final String operation;
  private final AtomicInteger remaining;
  private final AtomicInteger injected = new AtomicInteger();

  public ThrottlingInjector(String operation, int times) {
    this.operation = operation;
    this.remaining = new AtomicInteger(times);
  }

  /** How many throttling errors were sent back so far. */
  public int injected() {
    return injected.get();
  }

  private boolean throttle(ExecutionAttributes attributes) {
    return operation.equals(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME))
        && remaining.get() > 0;
  }

  @Override
  public SdkHttpResponse modifyHttpResponse(Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    if (!throttle(attributes)) {
      return context.httpResponse();
    }
    return context.httpResponse().toBuilder().statusCode(400).statusText("Bad Request").build();
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(Context.ModifyHttpResponse context,
      ExecutionAttributes attributes) {
    if (!throttle(attributes)) {
      return context.responseBody();
    }
    remaining.decrementAndGet();
    injected.incrementAndGet();
    return Optional.of(new ByteArrayInputStream(THROTTLED.getBytes(StandardCharsets.UTF_8)));
  }
}
