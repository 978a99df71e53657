package io.keyrotator.ports;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What DescribeSecret tells about a secret's rotation and versions.
 *
 * @param arn the secret's ARN
 * @param name the secret's name
 * @param rotationEnabled whether rotation is turned on
 * @param versionStages every version id with its staging labels
 * @param schedule the rotation schedule in words (e.g. "every 30 days", "cron(0 4 ? * MON *)")
 * @param lastRotated when Secrets Manager last rotated the secret
 * @param nextRotation when it will rotate it next
 * @param tags the secret's tags (DescribeSecret returns them with no extra call)
 * @param deletedDate when the secret was scheduled for deletion; empty for a live secret
 * @param kmsKeyId the KMS key that encrypts it as Secrets Manager reports it (an ARN, id or alias);
 *     empty for the AWS managed key {@code aws/secretsmanager}
 */
public record SecretDescription(
    String arn,
    String name,
    boolean rotationEnabled,
    Map<String, List<String>> versionStages,
    Optional<String> schedule,
    Optional<Instant> lastRotated,
    Optional<Instant> nextRotation,
    Map<String, String> tags,
    Optional<Instant> deletedDate,
    Optional<String> kmsKeyId) {

  /** A description with no schedule facts and no tags, for rotation steps and tests. */
  public SecretDescription(
      String arn, String name, boolean rotationEnabled, Map<String, List<String>> versionStages) {
    this(
        arn,
        name,
        rotationEnabled,
        versionStages,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of(),
        Optional.empty(),
        Optional.empty());
  }

  public SecretDescription {
    tags = Map.copyOf(tags);
  }

  public static final String CURRENT = "AWSCURRENT";
  public static final String PENDING = "AWSPENDING";
  public static final String PREVIOUS = "AWSPREVIOUS";

  /** Whether the version carries the label. */
  public boolean hasStage(String versionId, String stage) {
    return versionStages.getOrDefault(versionId, List.of()).contains(stage);
  }

  /** The version that carries the label, if any. */
  public Optional<String> versionWith(String stage) {
    return versionStages.entrySet().stream()
        .filter(e -> e.getValue().contains(stage))
        .map(Map.Entry::getKey)
        .findFirst();
  }
}
