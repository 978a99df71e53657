package io.keyrotator.hygiene;

import io.keyrotator.inspection.Finding;
import java.util.Arrays;
import java.util.Optional;

/**
 * What a hygiene notice is about; its name is the notice's {@code kind} in the JSON report and the
 * notification. The job's own notices come from retiring previous keys; the others are the
 * inspection findings the job reports (the rest are for {@code keyrotator doctor} and {@code
 * status}).
 */
public enum NoticeKind {
  /**
   * A previous key used after the rotation's switch window: left active, or deactivated all the
   * same once the hard limit passed.
   */
  PREVIOUS_KEY_STILL_IN_USE,
  /**
   * A previous key left as it is: the secret's binding to its user is in doubt, or another secret
   * names the user or hands the key out as its AWSCURRENT.
   */
  PREVIOUS_KEY_LEFT_ALONE,
  /** A previous key imported by hand, not created by keyrotator: never retired by the job. */
  PREVIOUS_KEY_NOT_OURS,
  STUCK_ROTATION(Finding.Type.STUCK_ROTATION),
  ORPHAN_KEY(Finding.Type.ORPHAN_KEY),
  UNOWNED_KEY(Finding.Type.UNOWNED_KEY),
  BINDING_CONFLICT(Finding.Type.BINDING_CONFLICT),
  SECRET_SCHEDULED_FOR_DELETION(Finding.Type.SECRET_SCHEDULED_FOR_DELETION),
  UNTRUSTED_SECRET(Finding.Type.UNTRUSTED_SECRET),
  CURRENT_KEY_MISSING(Finding.Type.CURRENT_KEY_MISSING),
  CURRENT_KEY_INACTIVE(Finding.Type.CURRENT_KEY_INACTIVE),
  USER_MISSING(Finding.Type.USER_MISSING),
  USER_OUT_OF_SCOPE(Finding.Type.USER_OUT_OF_SCOPE),
  INVALID_VALUE(Finding.Type.INVALID_VALUE),
  ROTATION_DISABLED(Finding.Type.ROTATION_DISABLED);

  private final Optional<Finding.Type> finding;

  NoticeKind() {
    this.finding = Optional.empty();
  }

  NoticeKind(Finding.Type finding) {
    this.finding = Optional.of(finding);
  }

  /** The notice the job gives for an inspection finding; empty for a finding it does not report. */
  static Optional<NoticeKind> reporting(Finding.Type type) {
    return Arrays.stream(values())
        .filter(kind -> kind.finding.equals(Optional.of(type)))
        .findFirst();
  }
}
