package io.keyrotator.contract;

import java.util.Locale;

/**
 * When createSecret may delete the previous key (the one in AWSPREVIOUS) because the user already
 * has the two access keys IAM allows. The key in AWSCURRENT is never deleted, whatever the policy.
 */
public enum KeyLimitPolicy {
  /** Only a previous key that is already inactive may be deleted. */
  INACTIVE,
  /** An inactive previous key, or an active one that has not been used for the idle period. */
  IDLE,
  /** Never delete: the rotation fails until someone frees a slot by hand. */
  NEVER;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
