package io.keyrotator.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.iam.model.CreateAccessKeyResponse;
import software.amazon.awssdk.services.iam.model.DeleteAccessKeyRequest;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.UpdateAccessKeyRequest;

/**
 * Records what the code under test did to access keys through the clients it is attached to: the
 * keys it created (with their secrets), the keys it deleted or deactivated (successful calls only),
 * and every AWS error code it was answered with.
 */
public final class KeyActionRecorder implements ExecutionInterceptor {
  /** A change to a key, in call order. */
  public record Action(String kind, String keyId) {}

  public final List<String> createdKeyIds = Collections.synchronizedList(new ArrayList<>());
  public final List<String> createdSecrets = Collections.synchronizedList(new ArrayList<>());
  public final List<Action> removals = Collections.synchronizedList(new ArrayList<>());
  public final List<String> errorCodes = Collections.synchronizedList(new ArrayList<>());

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    if (context.response() instanceof CreateAccessKeyResponse created) {
      createdKeyIds.add(created.accessKey().accessKeyId());
      createdSecrets.add(created.accessKey().secretAccessKey());
    }
    if (context.request() instanceof DeleteAccessKeyRequest delete) {
      removals.add(new Action("delete", delete.accessKeyId()));
    }
    if (context.request() instanceof UpdateAccessKeyRequest update
        && update.status() == StatusType.INACTIVE) {
      removals.add(new Action("deactivate", update.accessKeyId()));
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    if (context.exception() instanceof AwsServiceException e && e.awsErrorDetails() != null) {
      errorCodes.add(e.awsErrorDetails().errorCode());
    }
  }

  /** The removals recorded from index {@code from} on. */
  public List<Action> removalsSince(int from) {
    synchronized (removals) {
      return List.copyOf(removals.subList(from, removals.size()));
    }
  }
}
