package io.keyrotator.inspection;

import java.util.Optional;

/**
 * Something wrong with a managed secret or its user, in words, with the repair when one is safe.
 *
 * @param type what kind of problem
 * @param message what was found and what to do
 * @param repair the change that fixes it safely; empty when a human must decide
 */
public record Finding(Type type, String message, Optional<Repair> repair) {

  /** The kinds of problem inspection detects. */
  public enum Type {
    /** AWSPENDING sits on a version that is not current, longer than a rotation can take. */
    STUCK_ROTATION,
    /**
     * A key keyrotator provably created that no labelled version holds (dropped or interrupted
     * attempt).
     */
    ORPHAN_KEY,
    /**
     * A key on a managed user that no version of the secret holds and keyrotator did not create.
     */
    UNOWNED_KEY,
    /** The secret's AWSCURRENT key does not exist on the user. */
    CURRENT_KEY_MISSING,
    /** The secret's AWSCURRENT key exists but is inactive: consumers cannot use it. */
    CURRENT_KEY_INACTIVE,
    /** The user the secret names does not exist. */
    USER_MISSING,
    /**
     * The secret and the user do not belong together (another secret, another user, re-created
     * user).
     */
    BINDING_CONFLICT,
    /**
     * The secret is not keyrotator's own (not encrypted with the deployment's key): nothing in it
     * is evidence.
     */
    UNTRUSTED_SECRET,
    /**
     * The secret is scheduled for deletion: what it leaves on its user is reported, not changed.
     */
    SECRET_SCHEDULED_FOR_DELETION,
    /** The user the secret names is outside the managed scope. */
    USER_OUT_OF_SCOPE,
    /** The secret has no usable AWSCURRENT value. */
    INVALID_VALUE,
    /** Rotation is turned off for the secret. */
    ROTATION_DISABLED,
    /** The secret could not be inspected at all (e.g. access denied). */
    INSPECTION_FAILED
  }

  static Finding reportOnly(Type type, String message) {
    return new Finding(type, message, Optional.empty());
  }

  static Finding repairable(Type type, String message, Repair repair) {
    return new Finding(type, message, Optional.of(repair));
  }
}
