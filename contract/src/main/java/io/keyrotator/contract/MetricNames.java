package io.keyrotator.contract;

import java.util.List;

/**
 * The CloudWatch metrics the functions emit (in CloudWatch embedded metric format, see
 * "Specification: Embedded metric format" in the CloudWatch User Guide) and the CDK app's alarms
 * watch: one namespace, the dimension names and values, the metric names. Counts use the unit
 * {@code Count}, durations {@code Milliseconds}.
 */
public final class MetricNames {
  private MetricNames() {}

  /** The namespace of every keyrotator metric. */
  public static final String NAMESPACE = "keyrotator";

  /** Dimension of the rotation function's metrics; its values are {@link #ROTATION_STEPS}. */
  public static final String STEP_DIMENSION = "Step";

  /** The Secrets Manager rotation steps, as the event's {@code Step} field names them. */
  public static final List<String> ROTATION_STEPS =
      List.of("createSecret", "setSecret", "testSecret", "finishSecret");

  /** Dimension of the hygiene job's metrics; its value is {@link #HYGIENE_JOB}. */
  public static final String JOB_DIMENSION = "Job";

  /** The value of {@link #JOB_DIMENSION} on the hygiene job's metrics. */
  public static final String HYGIENE_JOB = "hygiene";

  // Rotation function, per step.
  public static final String STEP_SUCCEEDED = "StepSucceeded";
  public static final String STEP_FAILED = "StepFailed";
  public static final String KEYS_CREATED = "KeysCreated";
  public static final String KEYS_DEACTIVATED = "KeysDeactivated";
  public static final String KEYS_DELETED = "KeysDeleted";
  public static final String STEP_DURATION = "StepDuration";
  public static final String PROPAGATION_WAIT = "PropagationWait";

  // Hygiene job, dimension Job=hygiene.
  public static final String SECRETS_CHECKED = "SecretsChecked";
  public static final String PREVIOUS_KEYS_DEACTIVATED = "PreviousKeysDeactivated";
  public static final String PREVIOUS_KEYS_DELETED = "PreviousKeysDeleted";
  public static final String PREVIOUS_KEYS_STILL_IN_USE = "PreviousKeysStillInUse";
  public static final String STUCK_ROTATIONS = "StuckRotations";
  public static final String ORPHAN_KEYS = "OrphanKeys";
  public static final String UNOWNED_KEYS = "UnownedKeys";
  public static final String REPAIRS = "Repairs";
  public static final String SECRETS_SKIPPED = "SecretsSkipped";
  public static final String AUDIT_FINDINGS = "AuditFindings";
  public static final String AUDIT_FAILED = "AuditFailed";

  /** The hygiene counts that should be zero; the CDK app raises an alarm on each above zero. */
  public static final List<String> HYGIENE_ALARMED =
      List.of(
          PREVIOUS_KEYS_STILL_IN_USE,
          STUCK_ROTATIONS,
          ORPHAN_KEYS,
          SECRETS_SKIPPED,
          AUDIT_FINDINGS);

  // Account audit, no dimension (one account-wide series each); per finding type see FindingType.
  public static final String AUDIT_USERS_CHECKED = "AuditUsersChecked";
  public static final String AUDIT_SKIPPED = "AuditSkipped";
}
