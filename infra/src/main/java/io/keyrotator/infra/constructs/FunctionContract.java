package io.keyrotator.infra.constructs;

import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.contract.ResourceTags;
import java.util.List;

/**
 * The names the CDK app and the lambda module agree on: the environment variables that scope the
 * functions and the tags the functions read and write, taken from the contract module that both
 * depend on ({@code io.keyrotator.contract}), so a rename cannot compile on one side only.
 *
 * <p>The model is "ownership as proof": a secret serves exactly one IAM user, and keyrotator's
 * evidence (which keys it created, its interrupted attempts) lives only where keyrotator alone can
 * write. Records anyone can write may only make a function refuse, never act.
 */
public final class FunctionContract {
  private FunctionContract() {}

  /**
   * Environment variable: the IAM user names the function may manage, exact names joined with
   * commas, no wildcards. Both functions get every configured user, created and existing.
   */
  public static final String MANAGED_USERS_ENV = FunctionEnvironment.MANAGED_USERS;

  /**
   * Environment variable: the IAM path whose users the function may manage. The CDK app passes the
   * empty string: the exact list in {@link #MANAGED_USERS_ENV} is the whole scope.
   */
  public static final String MANAGED_PATH_PREFIX_ENV = FunctionEnvironment.MANAGED_PATH_PREFIX;

  /**
   * Environment variable: the ARN of the secret holding the key keyrotator seals its evidence with
   * ({@link EvidenceSealSecret}). A value or record counts as evidence only if it verifies under
   * it.
   */
  public static final String SEAL_SECRET_ENV = FunctionEnvironment.SEAL_SECRET;

  /**
   * User tag (the claim): its value is the ARN of the secret that serves the user. Only the
   * rotation role may write or remove it.
   */
  public static final String CLAIM_TAG_KEY = ResourceTags.USER_CLAIM;

  /**
   * User tag of the earlier design, which the rotation role may only remove (migration); it no
   * longer writes it.
   */
  public static final String LEGACY_ROTATION_TAG_KEY = ResourceTags.USER_LEGACY_ROTATION;

  /**
   * User tag the hygiene function writes when it deactivates a previous key (unchanged by the
   * ownership model).
   */
  public static final String DEACTIVATED_TAG_KEY = ResourceTags.USER_DEACTIVATED;

  /**
   * Secret tag: a record of an interrupted rotation attempt. The rotation role may write and remove
   * it, the hygiene role may remove it; the secret's resource policy denies both actions to
   * everyone else but the deployment role.
   */
  public static final String ATTEMPT_TAG_KEY = ResourceTags.SECRET_ATTEMPT;

  /**
   * Secret tag: the user the secret serves (the declared binding), set by the stack. Only the
   * deployment role may change a secret's tags other than {@link #ATTEMPT_TAG_KEY}.
   */
  public static final String SECRET_USER_TAG_KEY = ResourceTags.SECRET_USER;

  /** Secret tag that marks keyrotator's secrets (value {@code true}), set by the stack. */
  public static final String SECRET_MANAGED_TAG_KEY = ResourceTags.SECRET_MANAGED;

  /** The value of {@link #MANAGED_USERS_ENV} for these user names. */
  public static String managedUsers(List<String> userNames) {
    return String.join(",", userNames);
  }
}
