package io.keyrotator.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.config.HygieneSettings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.lambda.HygieneHandler;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import io.keyrotator.testing.ThrottlingInjector;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretRequest;

/**
 * The hygiene job against moto through its Lambda entry point. moto stamps real times; the job's
 * clock is moved forward to stand in for the days that pass between its runs.
 */
@ExtendWith(LocalAwsExtension.class)
class HygieneIT {
  private static final String USER = "app-ci";
  private static final String SECRET = "app-ci-key";
  private LocalAws aws;
  private MutableClock clock;
  private final Map<String, String> env =
      new HashMap<>(Map.of(FunctionEnvironment.HYGIENE_SWITCH_MINUTES, "0"));

  @BeforeEach
  void setUp() {
    // A compliant account, so that only what a test arranges shows up in the audit.
    aws.requireStrongPasswords();
  }

  /** A managed user rotated twice: a current key and an active previous key. */
  private void rotatedTwice(String user, String secret) {
    aws.createManagedUser(user);
    aws.createBootstrapSecret(secret, user);
    aws.rotate(aws.handler(), secret);
    // moto keeps times to the second: the first rotation's test calls with its key must not share
    // a second with the second rotation, or that key would look used after it (switch window 0).
    LocalAws.sleep(Duration.ofMillis(1100));
    aws.rotate(aws.handler(), secret);
  }

  private String key(String secret, String stage) {
    return ManagedKeySecret.parse(aws.value(secret, stage), stage).accessKeyId().orElseThrow();
  }

  private StatusType status(String user, String keyId) {
    return aws.keys(user).stream()
        .filter(k -> k.accessKeyId().equals(keyId))
        .findFirst()
        .map(AccessKeyMetadata::status)
        .orElse(null);
  }

  private Map<String, Object> runHandler(ExecutionInterceptor... interceptors) throws Exception {
    HygieneHandler handler =
        new HygieneHandler(
            aws.settings(Map.of()),
            HygieneSettings.from(env),
            AuditSettings.from(Map.of(FunctionEnvironment.AUDIT_REPORT_POLL_MILLIS, "20")),
            aws.options(interceptors),
            aws.log(),
            clock);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    handler.handleRequest(
        new ByteArrayInputStream("{\"source\":\"aws.events\"}".getBytes(StandardCharsets.UTF_8)),
        out,
        null);
    return JSON.std.mapFrom(out.toByteArray());
  }

  private static ExecutionInterceptor versionsCreatedAt(Instant created) {
    return LocalJobs.versionsCreatedAt(() -> created);
  }

  private void useKey(String secret, String stage) {
    ManagedKeySecret value = ManagedKeySecret.parse(aws.value(secret, stage), stage);
    aws.callerArn(value.accessKeyId().orElseThrow(), value.secretAccessKey().orElseThrow());
  }

  @Test
  void deactivatesAnUnusedPreviousKeyAfterGraceThenDeletesItAfterTheInactivePeriod()
      throws Exception {
    rotatedTwice(USER, SECRET);
    String previous = key(SECRET, "AWSPREVIOUS");
    String current = key(SECRET, "AWSCURRENT");

    clock.advance(Duration.ofDays(6));
    assertThat(runHandler()).containsEntry("notify", false);
    assertThat(status(USER, previous)).isEqualTo(StatusType.ACTIVE);

    clock.advance(Duration.ofDays(2));
    Map<String, Object> deactivation = runHandler();
    assertThat(status(USER, previous)).isEqualTo(StatusType.INACTIVE);
    assertThat(deactivation).containsEntry("notify", true);
    assertThat((String) deactivation.get("summary"))
        .contains("deactivate previous key", "no use after the rotation");

    clock.advance(Duration.ofDays(31));
    runHandler();
    assertThat(status(USER, previous)).isNull();
    assertThat(status(USER, current)).isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void keepsAndReportsAPreviousKeyUsedAfterTheRotation() throws Exception {
    rotatedTwice(USER, SECRET);
    Instant rotated = Instant.now();
    String previous = key(SECRET, "AWSPREVIOUS");
    LocalAws.sleep(
        Duration.ofMillis(1100)); // a use in the rotation's own second would not count as after it
    useKey(SECRET, "AWSPREVIOUS");
    clock.advance(Duration.ofDays(8));
    Map<String, Object> report = runHandler(versionsCreatedAt(rotated));
    assertThat(status(USER, previous)).isEqualTo(StatusType.ACTIVE);
    assertThat((String) report.get("summary"))
        .contains("PREVIOUS_KEY_STILL_IN_USE", "still in use", "(sts in us-east-1)");
    assertThat(report.get("counts").toString()).contains("PreviousKeysStillInUse=1");
    assertThat(aws.logLines)
        .anyMatch(
            l -> l.contains("\"Job\":\"hygiene\"") && l.contains("\"PreviousKeysStillInUse\":1"));
  }

  @Test
  void neverTouchesTheCurrentKeyOrKeysNoSecretHolds() throws Exception {
    rotatedTwice(USER, SECRET);
    String current = key(SECRET, "AWSCURRENT");
    aws.createManagedUser("bystander");
    String foreign =
        aws.iam.createAccessKey(r -> r.userName("bystander")).accessKey().accessKeyId();
    aws.iam.updateAccessKey(
        r -> r.userName("bystander").accessKeyId(foreign).status(StatusType.INACTIVE));
    for (int i = 0; i < 3; i++) {
      clock.advance(Duration.ofDays(40));
      runHandler();
    }
    assertThat(status(USER, current)).isEqualTo(StatusType.ACTIVE);
    assertThat(status("bystander", foreign)).isEqualTo(StatusType.INACTIVE);
  }

  @Test
  void detectsAndRepairsAStuckRotationWhenConfigured() throws Exception {
    rotatedTwice(USER, SECRET);
    String stuck = aws.startRotation(SECRET);
    clock.advance(Duration.ofDays(2));
    Map<String, Object> reported = runHandler();
    assertThat((String) reported.get("summary")).contains("STUCK_ROTATION");
    assertThat(aws.stages(SECRET).get(stuck)).contains("AWSPENDING");

    env.put(FunctionEnvironment.HYGIENE_REPAIR, "true");
    Map<String, Object> repaired = runHandler();
    assertThat((String) repaired.get("summary"))
        .contains("repair", "remove AWSPENDING from version " + stuck);
    assertThat(aws.stages(SECRET).getOrDefault(stuck, List.of())).doesNotContain("AWSPENDING");
  }

  @Test
  void aFailingSecretIsSkippedAndTheOthersAreStillRetired() throws Exception {
    rotatedTwice(USER, SECRET);
    rotatedTwice("other-app", "other-app-key");
    String otherPrevious = key("other-app-key", "AWSPREVIOUS");
    ExecutionInterceptor brokenSecret =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof DescribeSecretRequest r
                && r.secretId().contains(SECRET)) {
              throw SdkClientException.create("injected: AccessDenied on " + SECRET);
            }
          }
        };
    clock.advance(Duration.ofDays(8));
    Map<String, Object> report = runHandler(brokenSecret);
    assertThat(report.get("counts").toString())
        .contains("SecretsSkipped=1", "PreviousKeysDeactivated=1");
    assertThat((String) report.get("summary"))
        .contains("Not checked", "injected: AccessDenied on " + SECRET);
    assertThat(status("other-app", otherPrevious)).isEqualTo(StatusType.INACTIVE);
  }

  @Test
  void aDryRunChangesNothing() throws Exception {
    rotatedTwice(USER, SECRET);
    aws.startRotation(SECRET);
    env.put(FunctionEnvironment.HYGIENE_REPAIR, "true");
    env.put(FunctionEnvironment.HYGIENE_DRY_RUN, "true");
    clock.advance(Duration.ofDays(8));
    List<AccessKeyMetadata> keys = aws.keys(USER);
    Map<String, List<String>> stages = aws.stages(SECRET);
    var tags = aws.iam.listUserTags(r -> r.userName(USER)).tags();
    Map<String, Object> report = runHandler();
    assertThat((String) report.get("summary"))
        .contains("dry run", "would deactivate", "would repair");
    assertThat(aws.keys(USER)).isEqualTo(keys);
    assertThat(aws.stages(SECRET)).isEqualTo(stages);
    assertThat(aws.iam.listUserTags(r -> r.userName(USER)).tags()).isEqualTo(tags);
  }

  @Test
  void theComplianceAuditRunsWithTheJobAndItsFindingsAreInTheNotification() throws Exception {
    rotatedTwice(USER, SECRET);
    aws.iam.createUser(r -> r.userName("old-ci"));
    aws.iam.createAccessKey(r -> r.userName("old-ci"));
    clock.advance(Duration.ofDays(100)); // moto cannot backdate keys: the job looks from the future
    Map<String, Object> report = runHandler();
    assertThat(report).containsEntry("notify", true);
    assertThat(report.get("counts").toString())
        .contains("AuditFailed=0")
        .doesNotContain("AuditFindings=0");
    assertThat((String) report.get("summary"))
        .contains("keyrotator compliance audit", "OLD_ACCESS_KEY", "old-ci");
    assertThat(aws.logLines).anyMatch(l -> l.contains("compliance audit findings"));
  }

  @Test
  void completesDespiteIamThrottling() throws Exception {
    rotatedTwice(USER, SECRET);
    String previous = key(SECRET, "AWSPREVIOUS");
    ThrottlingInjector throttling = new ThrottlingInjector().throttle("ListAccessKeys", 2);
    clock.advance(Duration.ofDays(8));
    Map<String, Object> report = runHandler(throttling);
    assertThat(throttling.injected()).isEqualTo(2);
    assertThat(report.get("counts").toString())
        .contains("SecretsSkipped=0", "PreviousKeysDeactivated=1");
    assertThat(status(USER, previous)).isEqualTo(StatusType.INACTIVE);
  }
}
