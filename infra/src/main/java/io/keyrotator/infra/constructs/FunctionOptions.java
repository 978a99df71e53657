package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * What the rotation and the hygiene function are given alike: the jar, the names of the function
 * and its role, the IAM users in scope, memory, architecture and log retention. Each function's
 * props hold one of these ({@code props.function()}); their builders inherit {@link Builder}, so
 * the options read and default the same way on both.
 *
 * @param codePath the functions' jar (or a directory), relative to where the app runs
 * @param functionName the function's name, also the end of its log group's name {@code
 *     /aws/lambda/<functionName>}
 * @param users the IAM users the function may act on, by name and path (at least one; the names
 *     joined with commas at most {@link #MAX_MANAGED_USER_NAMES_LENGTH} characters)
 * @param roleName the execution role's name; empty: CloudFormation generates one
 * @param memorySize the function's memory, in MB (128-10240)
 * @param architecture the function's processor architecture
 * @param logRetention how long the log group keeps events
 * @param deleteUnprovenKeys whether the function may delete a key keyrotator cannot prove it
 *     created (KEYROTATOR_DELETE_UNPROVEN_KEYS; docs/rotation.md); both functions get the same
 *     value
 */
public record FunctionOptions(
    String codePath,
    String functionName,
    List<ManagedIamUser> users,
    Optional<String> roleName,
    int memorySize,
    Architecture architecture,
    RetentionDays logRetention,
    boolean deleteUnprovenKeys) {

  /** Where the lambda module builds the jar, relative to the repository root. */
  public static final String DEFAULT_CODE_PATH = "lambda/target/keyrotator-lambda.jar";

  /**
   * The longest the managed user names may be, joined with commas: Lambda allows 4 KB for all of a
   * function's environment variables, and the other variables need the rest.
   */
  public static final int MAX_MANAGED_USER_NAMES_LENGTH = 3000;

  /** The log group Lambda would create for the function, given here explicitly. */
  public String logGroupName() {
    return "/aws/lambda/" + functionName;
  }

  public FunctionOptions {
    users = List.copyOf(users);
  }

  /**
   * The builder both functions' props builders extend, with the shared defaults: code path {@link
   * #DEFAULT_CODE_PATH}, no users (one is required), role name generated, architecture ARM_64, log
   * retention one year, unproven keys kept (false); the function name and memory default per
   * function.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  public abstract static class Builder<B extends Builder<B>> {
    private String codePath = DEFAULT_CODE_PATH;
    private String functionName;
    private List<ManagedIamUser> users = List.of();
    private String roleName;
    private int memorySize;
    private Architecture architecture = Architecture.ARM_64;
    private RetentionDays logRetention = RetentionDays.ONE_YEAR;
    private boolean deleteUnprovenKeys;

    /**
     * @param functionName the default function name
     * @param memorySize the default memory, in MB
     */
    protected Builder(String functionName, int memorySize) {
      this.functionName = functionName;
      this.memorySize = memorySize;
    }

    /** The builder itself, typed as the concrete builder {@code B} it is. */
    @SuppressWarnings("unchecked")
    private B self() {
      return (B) this;
    }

    /** See {@link FunctionOptions#codePath()}. */
    public B codePath(String value) {
      codePath = value;
      return self();
    }

    /** See {@link FunctionOptions#functionName()}. */
    public B functionName(String value) {
      functionName = value;
      return self();
    }

    /** See {@link FunctionOptions#users()}. */
    public B users(List<ManagedIamUser> value) {
      users = value;
      return self();
    }

    /**
     * See {@link FunctionOptions#roleName()}: fixed, so that a rule elsewhere can recognise the
     * role's key changes as expected.
     */
    public B roleName(String value) {
      roleName = value;
      return self();
    }

    /** See {@link FunctionOptions#memorySize()}. */
    public B memorySize(int value) {
      memorySize = value;
      return self();
    }

    /** See {@link FunctionOptions#architecture()}. */
    public B architecture(Architecture value) {
      architecture = value;
      return self();
    }

    /** See {@link FunctionOptions#logRetention()}. */
    public B logRetention(RetentionDays value) {
      logRetention = value;
      return self();
    }

    /** See {@link FunctionOptions#deleteUnprovenKeys()}. */
    public B deleteUnprovenKeys(boolean value) {
      deleteUnprovenKeys = value;
      return self();
    }

    /**
     * Checks and returns the shared options.
     *
     * @param construct the construct whose props are built, for the messages
     * @throws IllegalArgumentException for a missing value, no users, too long a user list or a
     *     memory size Lambda does not offer
     */
    protected FunctionOptions functionOptions(String construct) {
      PropsCheck.required(construct, "codePath", codePath);
      PropsCheck.required(construct, "functionName", functionName);
      PropsCheck.required(construct, "architecture", architecture);
      PropsCheck.required(construct, "logRetention", logRetention);
      PropsCheck.required(construct, "users", users);
      if (users.isEmpty()) {
        throw new IllegalArgumentException(
            construct + ": users: no managed users: list at least one");
      }
      int length =
          FunctionContract.managedUsers(users.stream().map(ManagedIamUser::name).toList()).length();
      if (length > MAX_MANAGED_USER_NAMES_LENGTH) {
        throw new IllegalArgumentException(
            construct
                + ": users: the managed user names come to "
                + length
                + " characters joined, more than "
                + MAX_MANAGED_USER_NAMES_LENGTH
                + " (Lambda allows 4 KB for all environment variables)");
      }
      PropsCheck.inRange(construct, "memorySize", memorySize, 128, 10_240);
      return new FunctionOptions(
          codePath,
          functionName,
          users,
          Optional.ofNullable(roleName),
          memorySize,
          architecture,
          logRetention,
          deleteUnprovenKeys);
    }
  }
}
