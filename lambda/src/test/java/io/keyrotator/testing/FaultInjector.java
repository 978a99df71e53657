package io.keyrotator.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.DeleteAccessKeyRequest;

/**
 * Counts every AWS call the code under test makes, and can make call number N fail, either before
 * it reaches AWS or after AWS has carried it out (the caller then sees an error for a change that
 * happened: the hardest kind of crash). Also records what tests need to check the aftermath.
 */
public final class FaultInjector implements ExecutionInterceptor {
  /** Whether the injected failure comes before the call takes effect or after. */
  public enum When {
    BEFORE,
    AFTER
  }

  private static final ExecutionAttribute<Integer> CALL_NUMBER =
      new ExecutionAttribute<>("callNumber");

  private final AtomicInteger calls = new AtomicInteger();
  private volatile int failAt = -1;
  private volatile When when = When.BEFORE;

  public final List<String> operations = Collections.synchronizedList(new ArrayList<>());
  public final List<String> createdKeyIds = Collections.synchronizedList(new ArrayList<>());
  public final List<String> createdSecrets = Collections.synchronizedList(new ArrayList<>());
  public final List<String> deletedKeyIds = Collections.synchronizedList(new ArrayList<>());
  public final List<String> errorCodes = Collections.synchronizedList(new ArrayList<>());

  /** Makes call number {@code n} (counted from now, starting at 1) fail. */
  public void arm(int n, When when) {
    calls.set(0);
    this.when = when;
    this.failAt = n;
  }

  public void disarm() {
    failAt = -1;
  }

  public int callCount() {
    return calls.get();
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    int n = calls.incrementAndGet();
    attributes.putAttribute(CALL_NUMBER, n);
    String name = name(attributes);
    operations.add(name);
    if (n == failAt && when == When.BEFORE) {
      throw SdkClientException.create("injected crash before call " + n + " (" + name + ")");
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    SdkRequest request = context.request();
    if (context.response() instanceof CreateAccessKeyResponse created) {
      createdKeyIds.add(created.accessKey().accessKeyId());
      createdSecrets.add(created.accessKey().secretAccessKey());
    }
    if (request instanceof DeleteAccessKeyRequest delete) {
      deletedKeyIds.add(delete.accessKeyId());
    }
    Integer n = attributes.getAttribute(CALL_NUMBER);
    if (n != null && n == failAt && when == When.AFTER) {
      throw SdkClientException.create(
          "injected crash after call " + n + " (" + name(attributes) + ") took effect");
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.exception() instanceof AwsServiceException e && e.awsErrorDetails() != null) {
      errorCodes.add(e.awsErrorDetails().errorCode());
    }
  }

  private static String name(ExecutionAttributes attributes) {
    return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME)
        + ":"
        + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
  }
}
