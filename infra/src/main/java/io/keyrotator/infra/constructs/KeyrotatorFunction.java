package io.keyrotator.infra.constructs;

import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * What each of keyrotator's function constructs ({@link RotationFunction}, {@link HygieneFunction})
 * is made of and exposes: an execution role, a log group named {@code /aws/lambda/<function name>},
 * and the function itself (see {@link FunctionExecution}).
 */
public abstract class KeyrotatorFunction extends Construct {
  private final FunctionExecution execution;
  private final String logGroupName;

  KeyrotatorFunction(Construct scope, String id, FunctionOptions options, String roleDescription) {
    super(scope, id);
    execution = new FunctionExecution(this, options, roleDescription);
    logGroupName = options.logGroupName();
  }

  /** The log group and role, and the function settings both functions share. */
  FunctionExecution execution() {
    return execution;
  }

  /** The execution role. */
  public Role getRole() {
    return execution.role();
  }

  /** The function's log group, {@code /aws/lambda/<function name>}. */
  public LogGroup getLogGroup() {
    return execution.logGroup();
  }

  /** The log group's name, as a plain string: {@code /aws/lambda/<function name>}. */
  public String getLogGroupName() {
    return logGroupName;
  }

  /** The function (for the rotation function: its unpublished $LATEST). */
  public abstract Function getFunction();
}
