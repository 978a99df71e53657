package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Optional;
import org.immutables.value.Value;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.logs.RetentionDays;

/**
 * What the rotation and the hygiene function are given alike: the jar, the names of the function
 * and its role, the IAM users in scope, memory, architecture and log retention. Both functions'
 * props extend this interface, so the options read, default and are checked the same way on both;
 * each states its own default function name and memory.
 */
public interface FunctionOptions {
  /** Where the lambda module builds the jar, relative to the repository root. */
  String DEFAULT_CODE_PATH = "lambda/target/keyrotator-lambda.jar";

  /**
   * The longest the managed user names may be, joined with commas: Lambda allows 4 KB for all of a
   * function's environment variables, and the other variables need the rest.
   */
  int MAX_MANAGED_USER_NAMES_LENGTH = 3000;

  /**
   * What both functions' props builders accept alike, so that the shared options can be given in
   * one place for either function.
   *
   * @param <B> the concrete builder, returned by every setter
   */
  interface Builder<B extends Builder<B>> {
    /** See {@link FunctionOptions#codePath()}. */
    B codePath(String codePath);

    /** See {@link FunctionOptions#users()}. */
    B users(Iterable<? extends ManagedIamUser> users);

    /** See {@link FunctionOptions#roleName()}. */
    B roleName(String roleName);

    /** See {@link FunctionOptions#logRetention()}. */
    B logRetention(RetentionDays logRetention);

    /** See {@link FunctionOptions#deleteUnprovenKeys()}. */
    B deleteUnprovenKeys(boolean deleteUnprovenKeys);
  }

  /**
   * The functions' jar (or a directory), relative to where the app runs; default {@link
   * #DEFAULT_CODE_PATH}.
   */
  @Value.Default
  default String codePath() {
    return DEFAULT_CODE_PATH;
  }

  /**
   * The function's name, also the end of its log group's name {@code /aws/lambda/<functionName>};
   * default per function.
   */
  String functionName();

  /**
   * The IAM users the function may act on, by name and path: at least one, the names joined with
   * commas at most {@link #MAX_MANAGED_USER_NAMES_LENGTH} characters; no default.
   */
  List<ManagedIamUser> users();

  /**
   * The execution role's name, fixed so that a rule elsewhere can recognise the role's key changes
   * as expected; default none: CloudFormation generates one.
   */
  Optional<String> roleName();

  /** The function's memory, in MB (128-10240); default per function. */
  int memorySize();

  /** The function's processor architecture; default ARM_64. */
  @Value.Default
  default Architecture architecture() {
    return Architecture.ARM_64;
  }

  /** How long the log group keeps events; default one year. */
  @Value.Default
  default RetentionDays logRetention() {
    return RetentionDays.ONE_YEAR;
  }

  /**
   * Whether the function may delete a key keyrotator cannot prove it created
   * (KEYROTATOR_DELETE_UNPROVEN_KEYS; docs/rotation.md); both functions get the same value; default
   * false.
   */
  @Value.Default
  default boolean deleteUnprovenKeys() {
    return false;
  }

  /** The log group Lambda would create for the function, given here explicitly. */
  default String logGroupName() {
    return "/aws/lambda/" + functionName();
  }

  /**
   * The checks of the shared options, for each function's {@code @Value.Check}.
   *
   * @param construct the construct whose props are built, for the messages
   * @throws IllegalArgumentException for no users, too long a user list or a memory size Lambda
   *     does not offer
   */
  default void checkFunctionOptions(String construct) {
    if (users().isEmpty()) {
      throw new IllegalArgumentException(
          construct + ": users: no managed users: list at least one");
    }
    int length =
        FunctionContract.managedUsers(users().stream().map(ManagedIamUser::name).toList()).length();
    if (length > MAX_MANAGED_USER_NAMES_LENGTH) {
      throw new IllegalArgumentException(
          construct
              + ": users: the managed user names come to "
              + length
              + " characters joined, more than "
              + MAX_MANAGED_USER_NAMES_LENGTH
              + " (Lambda allows 4 KB for all environment variables)");
    }
    PropsCheck.inRange(construct, "memorySize", memorySize(), 128, 10_240);
  }
}
