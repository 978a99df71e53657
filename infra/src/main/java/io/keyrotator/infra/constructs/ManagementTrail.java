package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudtrail.ReadWriteType;
import software.amazon.awscdk.services.cloudtrail.Trail;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.StorageClass;
import software.amazon.awscdk.services.s3.Transition;
import software.constructs.Construct;

/**
 * A CloudTrail trail as the CIS benchmark asks for it: multi-Region, management events read and
 * write, log file validation, encrypted with a customer managed key, delivered to CloudWatch Logs.
 * Its bucket is private, TLS-only, versioned, with server access logs and a lifecycle; log files
 * move to Glacier after 90 days and expire after {@code retentionDays}.
 */
@Value.Enclosing
public final class ManagementTrail extends Construct {
  /** The service principal CloudTrail writes and encrypts log files as. */
  private static final String CLOUDTRAIL = "cloudtrail.amazonaws.com";

  private final LogGroup logGroup;

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableManagementTrail.Props.Builder {}

    /** Retention of the CloudWatch Logs copy; default one year. */
    @Value.Default
    default RetentionDays logRetention() {
      return RetentionDays.ONE_YEAR;
    }

    /**
     * How long log files stay in S3, in days; more than the 90 after which they move to Glacier;
     * default 365.
     */
    @Value.Default
    default int bucketRetentionDays() {
      return 365;
    }

    /**
     * @throws IllegalArgumentException for log files that would expire before they move to Glacier
     */
    @Value.Check
    default void check() {
      if (bucketRetentionDays() <= 90) {
        throw new IllegalArgumentException("ManagementTrail: bucketRetentionDays must exceed 90");
      }
    }
  }

  public ManagementTrail(Construct scope, String id, Props props) {
    super(scope, id);
    Stack stack = Stack.of(this);
    Key key =
        Key.Builder.create(this, "Key")
            .description("Encrypts keyrotator's CloudTrail log files")
            .enableKeyRotation(true)
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();
    String trailArn =
        "arn:"
            + stack.getPartition()
            + ":cloudtrail:"
            + stack.getRegion()
            + ":"
            + stack.getAccount()
            + ":trail/*";
    key.addToResourcePolicy(
        ServicePrincipalStatements.allow(
            "CloudTrailEncryptsLogs",
            CLOUDTRAIL,
            "kms:GenerateDataKey*",
            "*",
            Map.of(
                "StringEquals", Map.of("aws:SourceAccount", stack.getAccount()),
                "StringLike",
                    Map.of(
                        "kms:EncryptionContext:aws:cloudtrail:arn",
                        "arn:"
                            + stack.getPartition()
                            + ":cloudtrail:*:"
                            + stack.getAccount()
                            + ":trail/*"))));
    key.addToResourcePolicy(
        ServicePrincipalStatements.allow(
            "CloudTrailDescribesKey",
            CLOUDTRAIL,
            "kms:DescribeKey",
            "*",
            Map.of("StringLike", Map.of("aws:SourceArn", trailArn))));

    Bucket accessLogs =
        privateBucket("AccessLogs", LifecycleRule.builder(), props.bucketRetentionDays())
            .objectOwnership(ObjectOwnership.BUCKET_OWNER_PREFERRED)
            .build();
    Bucket bucket =
        privateBucket(
                "Bucket",
                LifecycleRule.builder()
                    .transitions(
                        List.of(
                            Transition.builder()
                                .storageClass(StorageClass.GLACIER)
                                .transitionAfter(Duration.days(90))
                                .build())),
                props.bucketRetentionDays())
            .serverAccessLogsBucket(accessLogs)
            .serverAccessLogsPrefix("trail-bucket/")
            .build();

    logGroup =
        LogGroup.Builder.create(this, "Logs")
            .retention(props.logRetention())
            .removalPolicy(RemovalPolicy.RETAIN)
            .build();

    Trail.Builder.create(this, "Trail")
        .isMultiRegionTrail(true)
        .includeGlobalServiceEvents(true)
        .managementEvents(ReadWriteType.ALL)
        .enableFileValidation(true)
        .encryptionKey(key)
        .bucket(bucket)
        .sendToCloudWatchLogs(true)
        .cloudWatchLogGroup(logGroup)
        .build();
  }

  /**
   * A bucket as both of the trail's are: private, S3-encrypted, TLS-only, versioned and retained
   * with the stack; {@code lifecycle} plus expiry after {@code retentionDays} days, of old versions
   * after 30.
   */
  private Bucket.Builder privateBucket(
      String id, LifecycleRule.Builder lifecycle, int retentionDays) {
    return Bucket.Builder.create(this, id)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .encryption(BucketEncryption.S3_MANAGED)
        .enforceSsl(true)
        .versioned(true)
        .lifecycleRules(
            List.of(
                lifecycle
                    .expiration(Duration.days(retentionDays))
                    .noncurrentVersionExpiration(Duration.days(30))
                    .build()))
        .removalPolicy(RemovalPolicy.RETAIN);
  }

  /** The log group the trail delivers to. */
  public LogGroup getLogGroup() {
    return logGroup;
  }
}
