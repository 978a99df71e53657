package io.keyrotator.contract;

/**
 * The fields of a managed secret's JSON value that the deployment writes and the function reads
 * (docs/rotation.md, "The secret").
 */
public final class SecretValueFields {
  private SecretValueFields() {}

  /** The IAM user the secret serves. */
  public static final String USER_NAME = "UserName";

  /**
   * The operator's statement: the ids of the user's existing access keys the secret takes over, a
   * JSON list. The next rotation seals it (docs/deploy.md, "Existing users and keys").
   */
  public static final String ADOPT_ACCESS_KEY_IDS = "AdoptAccessKeyIds";
}
