package io.keyrotator.hygiene;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.config.HygieneSettings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.ports.AccessKey;
import io.keyrotator.rotation.ManagedScope;
import io.keyrotator.testing.FakeAccount;
import io.keyrotator.testing.FakeSecrets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The previous key's timers: grace, switch window, hard limit, inactive period. */
class PreviousKeyRetirementTest {
  private static final String USER = FakeAccount.USER;
  private FakeAccount account;
  private final Map<String, String> env = new HashMap<>();
  private String previous;
  private String current;

  @BeforeEach
  void twoRotations() {
    account = new FakeAccount();
    account.rotate();
    account.clock.advance(Duration.ofDays(1));
    account.rotate(); // rotated at T0 + 1 day; previous key stays active (policy keep)
    previous = account.secrets.keyIn("AWSPREVIOUS");
    current = account.secrets.keyIn("AWSCURRENT");
  }

  private HygieneReport pass() {
    HygieneSettings settings = HygieneSettings.from(env);
    HygieneReport report = new HygieneReport(settings.dryRun());
    new PreviousKeyRetirement(
            account.secrets,
            account.iam,
            new HygienePolicy(
                new ManagedScope(
                    "/keyrotator/",
                    java.util.Set.of(),
                    java.util.Optional.of(io.keyrotator.testing.FakeSecrets.SEAL_SECRET)),
                settings,
                false,
                account.clock))
        .retire(FakeSecrets.ARN, report);
    return report;
  }

  private AccessKey key(String id) {
    return account.iam.key(USER, id).orElseThrow();
  }

  @Test
  void leavesThePreviousKeyAloneDuringTheGracePeriod() {
    account.clock.advance(Duration.ofDays(6));
    HygieneReport report = pass();
    assertThat(report.actions()).isEmpty();
    assertThat(key(previous).active()).isTrue();
  }

  @Test
  void deactivatesItAfterTheGracePeriodWhenUnusedSinceTheRotation() {
    account.clock.advance(Duration.ofDays(8));
    HygieneReport report = pass();
    assertThat(key(previous).active()).isFalse();
    assertThat(key(current).active()).isTrue();
    assertThat(report.actions())
        .singleElement()
        .satisfies(
            a -> {
              assertThat(a.kind()).isEqualTo(HygieneReport.ActionKind.DEACTIVATE_PREVIOUS_KEY);
              assertThat(a.reason()).contains("no use after the rotation");
            });
    assertThat(account.iam.user(USER).tags()).containsKey(PreviousKeyRetirement.DEACTIVATED_TAG);
  }

  @Test
  void useWithinTheSwitchWindowDoesNotCountAsStillInUse() {
    account.iam.use(previous, account.clock.instant().plus(Duration.ofMinutes(30)));
    account.clock.advance(Duration.ofDays(8));
    pass();
    assertThat(key(previous).active()).isFalse();
  }

  @Test
  void keepsAndReportsAKeyStillUsedAfterTheRotation() {
    account.clock.advance(Duration.ofDays(5));
    account.iam.use(previous, account.clock.instant());
    account.clock.advance(Duration.ofDays(3));
    HygieneReport report = pass();
    assertThat(key(previous).active()).isTrue();
    assertThat(report.actions()).isEmpty();
    assertThat(report.notices())
        .singleElement()
        .satisfies(
            n -> {
              assertThat(n.kind()).isEqualTo(NoticeKind.PREVIOUS_KEY_STILL_IN_USE);
              assertThat(n.message())
                  .contains(
                      "still in use 8 days after the rotation",
                      "(s3 in us-east-1)",
                      "docs/consumers.md");
            });
  }

  @Test
  void theHardLimitDeactivatesAKeyStillInUseAndSaysSo() {
    env.put(FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS, "30");
    account.clock.advance(Duration.ofDays(29));
    account.iam.use(previous, account.clock.instant());
    account.clock.advance(Duration.ofDays(2));
    HygieneReport report = pass();
    assertThat(key(previous).active()).isFalse();
    assertThat(report.actions())
        .singleElement()
        .satisfies(a -> assertThat(a.reason()).contains("hard limit of 30 days"));
    assertThat(report.notices())
        .singleElement()
        .satisfies(n -> assertThat(n.message()).contains("now fails until it reads the secret"));
  }

  @Test
  void deletesItOnlyAfterTheInactivePeriod() {
    account.clock.advance(Duration.ofDays(8));
    pass(); // deactivated, clock starts
    account.clock.advance(Duration.ofDays(29));
    assertThat(pass().actions()).isEmpty();
    assertThat(account.iam.key(USER, previous)).isPresent();
    account.clock.advance(Duration.ofDays(2));
    HygieneReport report = pass();
    assertThat(account.iam.key(USER, previous)).isEmpty();
    assertThat(report.actions())
        .singleElement()
        .satisfies(
            a -> assertThat(a.kind()).isEqualTo(HygieneReport.ActionKind.DELETE_PREVIOUS_KEY));
    assertThat(account.iam.user(USER).tags())
        .doesNotContainKey(PreviousKeyRetirement.DEACTIVATED_TAG);
    assertThat(key(current).active()).isTrue();
  }

  @Test
  void aKeyDeactivatedByHandStartsTheInactiveClockWhenFirstSeen() {
    account.iam.deactivateKey(USER, previous);
    account.clock.advance(Duration.ofDays(100));
    assertThat(pass().actions()).isEmpty();
    assertThat(account.iam.key(USER, previous)).isPresent();
    account.clock.advance(Duration.ofDays(31));
    pass();
    assertThat(account.iam.key(USER, previous)).isEmpty();
  }

  @Test
  void aDryRunReportsButChangesNothing() {
    env.put(FunctionEnvironment.HYGIENE_DRY_RUN, "true");
    account.clock.advance(Duration.ofDays(8));
    List<String> callsBefore = List.copyOf(account.iam.calls);
    HygieneReport report = pass();
    assertThat(report.actions()).singleElement().satisfies(a -> assertThat(a.applied()).isFalse());
    assertThat(report.summary()).contains("dry run", "would deactivate previous key");
    assertThat(key(previous).active()).isTrue();
    assertThat(account.iam.calls.subList(callsBefore.size(), account.iam.calls.size()))
        .doesNotContain("UpdateAccessKey", "DeleteAccessKey", "TagUser", "UntagUser");
  }

  @Test
  void neverTouchesTheCurrentKeyOrAKeyTheSecretDoesNotHold() {
    account.iam.deleteKey(USER, previous);
    String foreign =
        account.iam.addKey(USER, false, account.clock.instant().minus(Duration.ofDays(400)));
    account.clock.advance(Duration.ofDays(400));
    HygieneReport report = pass();
    assertThat(report.actions()).isEmpty();
    assertThat(account.iam.key(USER, foreign)).isPresent();
    assertThat(key(current).active()).isTrue();
  }

  @Test
  void anImportedPreviousKeyIsNeverDeletedWithoutPermission() {
    account = new FakeAccount();
    String imported = account.iam.addKey(USER, true, account.clock.instant());
    account.secrets.putCurrent(
        "{\"UserName\":\""
            + USER
            + "\",\"AccessKeyId\":\""
            + imported
            + "\",\"SecretAccessKey\":\""
            + account.iam.secrets.get(imported)
            + "\"}");
    account.rotate();
    account.clock.advance(Duration.ofDays(8));
    pass();
    account.clock.advance(Duration.ofDays(31));
    HygieneReport report = pass();
    assertThat(account.iam.key(USER, imported)).isPresent();
    assertThat(report.notices())
        .singleElement()
        .satisfies(n -> assertThat(n.message()).contains("imported by hand"));
  }
}
