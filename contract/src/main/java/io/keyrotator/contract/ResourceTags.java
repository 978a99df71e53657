package io.keyrotator.contract;

/**
 * The tag keys keyrotator reads and writes, on secrets and on IAM users. Anyone with the tagging
 * permission can write a tag, so keyrotator only ever refuses on what a tag says; its evidence is
 * sealed (docs/rotation.md, "Ownership").
 */
public final class ResourceTags {
  private ResourceTags() {}

  /** Secret tag: the IAM user the secret serves (set by the deployment). */
  public static final String SECRET_USER = "keyrotator:user";

  /** Secret tag: marks keyrotator's secrets (value {@code true}, set by the deployment). */
  public static final String SECRET_MANAGED = "keyrotator:managed";

  /** Secret tag: the sealed record of a rotation attempt while it creates and stores a key. */
  public static final String SECRET_ATTEMPT = "keyrotator:attempt";

  /** User tag: the claim, the ARN of the one secret that serves the user. */
  public static final String USER_CLAIM = "keyrotator:secret";

  /**
   * User tag: when the hygiene job first saw the previous key inactive ({@code <key id> <epoch
   * s>}).
   */
  public static final String USER_DEACTIVATED = "keyrotator:deactivated";

  /** User tag of keyrotator 1's attempts: never written or trusted any more, only removed. */
  public static final String USER_LEGACY_ROTATION = "keyrotator:rotation";
}
