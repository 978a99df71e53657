package io.keyrotator.audit;

import static io.keyrotator.testing.CredentialReportRows.key;
import static io.keyrotator.testing.CredentialReportRows.none;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.aws.CredentialReportCsv;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ports.AccountCredentials;
import io.keyrotator.ports.CredentialReport;
import io.keyrotator.ports.PasswordPolicy;
import io.keyrotator.testing.CredentialReportRows;
import io.keyrotator.testing.FakeSecrets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccountAuditTest {
  private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
  private static final PasswordPolicy STRONG =
      new PasswordPolicy(14, true, true, true, true, Optional.of(24), Optional.of(90));

  /** The account as the audit sees it: a report and a policy, and every call counted. */
  static final class FakeAccount implements AccountCredentials {
    String csv = new CredentialReportRows().csv();
    Optional<PasswordPolicy> policy = Optional.of(STRONG);
    final List<String> calls = new ArrayList<>();

    @Override
    public CredentialReport credentialReport() {
      calls.add("GetCredentialReport");
      return CredentialReportCsv.parse(csv, NOW.minus(Duration.ofHours(1)));
    }

    @Override
    public Optional<PasswordPolicy> passwordPolicy() {
      calls.add("GetAccountPasswordPolicy");
      return policy;
    }
  }

  private final FakeAccount account = new FakeAccount();
  private final FakeSecrets secrets = new FakeSecrets();

  private AuditReport audit(CredentialReportRows rows) {
    return audit(rows, Map.of());
  }

  private AuditReport audit(CredentialReportRows rows, Map<String, String> env) {
    account.csv = rows.csv();
    return new AccountAudit(
            account, secrets, AuditSettings.from(env), Clock.fixed(NOW, ZoneOffset.UTC))
        .run();
  }

  private static Instant daysAgo(long days) {
    return NOW.minus(Duration.ofDays(days));
  }

  /** The audit of one user, created 500 days ago, whose only access key is {@code key}. */
  private AuditReport auditOneKey(String user, String key) {
    return audit(new CredentialReportRows().keysOnly(user, daysAgo(500), key, none()));
  }

  /** Asserts the report found exactly one thing, of {@code type}; returns that finding. */
  private static AuditFinding onlyFinding(AuditReport report, FindingType type) {
    assertThat(types(report)).containsExactly(type);
    return report.findings().get(0);
  }

  private static List<FindingType> types(AuditReport report) {
    return report.findings().stream().map(AuditFinding::type).toList();
  }

  @Test
  void aCleanAccountHasNoFindings() {
    AuditReport report =
        audit(
            new CredentialReportRows()
                .root(daysAgo(900), true, none(), none())
                .keysOnly(
                    "app",
                    daysAgo(400),
                    key(true, daysAgo(30), daysAgo(1)),
                    key(false, daysAgo(200), daysAgo(100)))
                .user(
                    "alice",
                    daysAgo(400),
                    "true",
                    "2026-11-20T08:00:00+00:00",
                    "true",
                    none(),
                    none()));
    assertThat(report.findings()).isEmpty();
    assertThat(report.clean()).isTrue();
    assertThat(report.usersChecked()).isEqualTo(2);
  }

  @Nested
  class OldAccessKeys {
    @Test
    void anUnmanagedKeyOlderThan90DaysIsAFindingWithItsAgeAndLastUse() {
      AuditReport report = auditOneKey("legacy", key(true, daysAgo(120), daysAgo(2)));
      AuditFinding finding = onlyFinding(report, FindingType.OLD_ACCESS_KEY);
      assertThat(finding.subject()).isEqualTo("legacy");
      assertThat(finding.credential()).isEqualTo("access key 1");
      assertThat(finding.ageDays()).contains(120L);
      assertThat(finding.lastUsed()).contains(daysAgo(2));
      assertThat(finding.found()).contains("120 days old").contains("last used 2 days ago (s3)");
    }

    @Test
    void exactly90DaysIsStillWithinTheLimitAndOneSecondMoreIsNot() {
      Instant exactly = daysAgo(90);
      assertThat(auditOneKey("edge", key(true, exactly, daysAgo(1))).findings()).isEmpty();
      assertThat(types(auditOneKey("edge", key(true, exactly.minusSeconds(1), daysAgo(1)))))
          .containsExactly(FindingType.OLD_ACCESS_KEY);
    }

    @Test
    void aSecretTagNeverExemptsAUserItSaysOldKeysOfManagedUsersMeanBrokenRotation() {
      secrets.taggedUser = "App-CI";
      AuditReport report = auditOneKey("app-ci", key(true, daysAgo(120), daysAgo(1)));
      assertThat(report.findings())
          .singleElement()
          .satisfies(
              f -> {
                assertThat(f.type()).isEqualTo(FindingType.OLD_ACCESS_KEY);
                assertThat(f.found()).contains("its rotation is not working");
              });
      assertThat(report.managedUsers()).isEqualTo(1);
    }

    @Test
    void inactiveKeysAreNotCounted() {
      assertThat(auditOneKey("legacy", key(false, daysAgo(300), daysAgo(200))).findings())
          .isEmpty();
    }

    @Test
    void theMaximumAgeIsASetting() {
      assertThat(
              types(
                  audit(
                      new CredentialReportRows()
                          .keysOnly(
                              "legacy", daysAgo(500), key(true, daysAgo(31), daysAgo(1)), none()),
                      Map.of(FunctionEnvironment.AUDIT_MAX_KEY_AGE_DAYS, "30"))))
          .containsExactly(FindingType.OLD_ACCESS_KEY);
    }
  }

  @Nested
  class UnusedCredentials {
    @Test
    void aKeyLastUsedMoreThan45DaysAgoIsAFinding() {
      AuditReport report = auditOneKey("idle", key(true, daysAgo(60), daysAgo(46)));
      assertThat(onlyFinding(report, FindingType.UNUSED_CREDENTIAL).found())
          .contains("access key 1 last used 46 days ago")
          .contains("threshold 45 days");
    }

    @Test
    void exactly45DaysIsNotAFinding() {
      assertThat(auditOneKey("idle", key(true, daysAgo(60), daysAgo(45))).findings()).isEmpty();
    }

    @Test
    void aNeverUsedKeyCountsFromItsCreation() {
      AuditReport old =
          audit(
              new CredentialReportRows()
                  .keysOnly("idle", daysAgo(500), none(), key(true, daysAgo(46), null)));
      assertThat(onlyFinding(old, FindingType.UNUSED_CREDENTIAL).credential())
          .isEqualTo("access key 2");
      assertThat(old.findings().get(0).found()).contains("never used, created 46 days ago");
      assertThat(old.findings().get(0).lastUsed()).isEmpty();
      assertThat(auditOneKey("new", key(true, daysAgo(45), null)).findings()).isEmpty();
    }

    @Test
    void aPasswordUnusedOrNeverUsedPastTheThresholdIsAFinding() {
      AuditReport report =
          audit(
              new CredentialReportRows()
                  .user(
                      "bob",
                      daysAgo(100),
                      "true",
                      CredentialReportRows.date(daysAgo(50)),
                      "true",
                      none(),
                      none())
                  .user("carol", daysAgo(100), "true", "no_information", "true", none(), none())
                  .user("dave", daysAgo(10), "true", "no_information", "true", none(), none()));
      assertThat(report.findings())
          .extracting(AuditFinding::subject)
          .containsExactly("bob", "carol");
      assertThat(report.findings()).allMatch(f -> f.credential().equals("password"));
      assertThat(report.findings().get(0).found()).contains("last used 50 days ago");
      assertThat(report.findings().get(1).found()).contains("never used, set 100 days ago");
    }

    @Test
    void managedUsersAreCheckedForUnusedKeysToo() {
      secrets.taggedUser = "app-ci";
      assertThat(types(auditOneKey("app-ci", key(true, daysAgo(50), null))))
          .containsExactly(FindingType.UNUSED_CREDENTIAL);
    }
  }

  @Test
  void aRootAccessKeyIsAFindingEvenWhenInactive() {
    AuditReport report =
        audit(
            new CredentialReportRows()
                .root(
                    daysAgo(900),
                    true,
                    key(true, daysAgo(10), daysAgo(1)),
                    key(false, daysAgo(400), null)));
    assertThat(types(report))
        .containsExactly(FindingType.ROOT_ACCESS_KEY, FindingType.ROOT_ACCESS_KEY);
    assertThat(report.findings().get(0).found())
        .contains("root access key 1 is active, 10 days old");
    assertThat(report.findings().get(1).found())
        .contains("root access key 2 is inactive, 400 days old, never used");
    assertThat(report.usersChecked()).isZero();
  }

  @Test
  void aConsoleUserWithoutMfaIsAFindingAndOneWithoutPasswordIsNot() {
    AuditReport report =
        audit(
            new CredentialReportRows()
                .user("alice", daysAgo(10), "true", "no_information", "false", none(), none())
                .keysOnly("robot", daysAgo(10), key(true, daysAgo(1), null), none()));
    assertThat(onlyFinding(report, FindingType.CONSOLE_WITHOUT_MFA).subject()).isEqualTo("alice");
  }

  @Nested
  class PasswordPolicyRule {
    @Test
    void noPolicyIsAFinding() {
      account.policy = Optional.empty();
      assertThat(types(audit(new CredentialReportRows())))
          .containsExactly(FindingType.PASSWORD_POLICY_MISSING);
    }

    @Test
    void theRuleDefaultsPassExactly() {
      assertThat(audit(new CredentialReportRows()).findings()).isEmpty();
    }

    @Test
    void everyShortfallIsNamedInOneFinding() {
      account.policy =
          Optional.of(
              new PasswordPolicy(8, false, true, false, true, Optional.empty(), Optional.of(91)));
      AuditReport report = audit(new CredentialReportRows());
      assertThat(onlyFinding(report, FindingType.PASSWORD_POLICY_WEAK).found())
          .contains("minimum length 8 (expected at least 14)")
          .contains("uppercase letters not required")
          .contains("numbers not required")
          .contains("reuse prevention off (expected 24)")
          .contains("maximum age 91 days (expected at most 90 days)")
          .doesNotContain("lowercase")
          .doesNotContain("symbols");
    }

    @Test
    void passwordsThatNeverExpireAreWeak() {
      account.policy =
          Optional.of(
              new PasswordPolicy(14, true, true, true, true, Optional.of(24), Optional.empty()));
      assertThat(audit(new CredentialReportRows()).findings().get(0).found())
          .contains("passwords never expire");
    }
  }

  @Test
  void callsDoNotGrowWithTheNumberOfUsers() {
    CredentialReportRows few = new CredentialReportRows();
    CredentialReportRows many = new CredentialReportRows();
    for (int i = 0; i < 5000; i++) {
      many.keysOnly(
          "user-" + i,
          daysAgo(200),
          key(true, daysAgo(100), daysAgo(1)),
          key(true, daysAgo(1), null));
    }
    few.keysOnly("user-0", daysAgo(200), key(true, daysAgo(100), daysAgo(1)), none());
    audit(few);
    List<String> callsForOne = List.copyOf(account.calls);
    account.calls.clear();
    secrets.calls.clear();
    AuditReport report = audit(many);
    assertThat(account.calls)
        .isEqualTo(callsForOne)
        .containsExactly("GetCredentialReport", "GetAccountPasswordPolicy");
    assertThat(secrets.calls).containsExactly("ListSecrets");
    assertThat(report.findings()).hasSize(5000);
  }

  @Test
  void reportsRowsItCouldNotReadAndChecksTheRest() {
    account.csv =
        new CredentialReportRows()
                .keysOnly("ok", daysAgo(10), key(true, daysAgo(100), daysAgo(1)), none())
                .csv()
            + "broken,arn:aws:iam::123456789012:user/broken,not-a-date,false,N/A,N/A,N/A,false,"
            + "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    AuditReport report =
        new AccountAudit(
                account, secrets, AuditSettings.from(Map.of()), Clock.fixed(NOW, ZoneOffset.UTC))
            .run();
    assertThat(types(report)).containsExactly(FindingType.OLD_ACCESS_KEY);
    assertThat(report.skipped()).singleElement().asString().contains("broken");
    assertThat(report.summary(10)).contains("Not checked (1)").contains("broken");
    assertThat(AuditMetrics.document(report)).containsEntry("AuditSkipped", 1L);
  }

  @Nested
  class Output {
    private AuditReport report() {
      account.policy = Optional.empty();
      return audit(
          new CredentialReportRows()
              .root(daysAgo(900), false, key(true, daysAgo(10), null), none())
              .keysOnly("legacy", daysAgo(500), key(true, daysAgo(120), daysAgo(2)), none())
              .user("alice", daysAgo(10), "true", "no_information", "false", none(), none()));
    }

    @Test
    void theSummaryGroupsFindingsByTypeWithWhatToDo() {
      String summary = report().summary(10);
      assertThat(summary)
          .startsWith(
              "keyrotator compliance audit: 4 findings in 2 IAM users (1 managed by keyrotator)")
          .contains("ROOT_ACCESS_KEY (1): The root user has an access key")
          .contains("  - legacy: access key 1 is 120 days old")
          .contains("CONSOLE_WITHOUT_MFA (1)")
          .contains("PASSWORD_POLICY_MISSING (1)")
          .contains("What to do: Rotate it");
      assertThat(summary.lines().count()).isGreaterThan(8);
    }

    @Test
    void theSummaryCutsLongListsAndPointsToTheFullOne() {
      CredentialReportRows rows = new CredentialReportRows();
      for (int i = 0; i < 30; i++) {
        rows.user("u" + i, daysAgo(10), "true", "no_information", "false", none(), none());
      }
      String summary = audit(rows).summary(20);
      assertThat(summary)
          .contains("CONSOLE_WITHOUT_MFA (30)")
          .contains("... and 10 more")
          .doesNotContain("u25:");
    }

    @Test
    void metricsCountEveryTypeInTheKeyrotatorNamespace() {
      Map<String, Object> emf = AuditMetrics.document(report());
      @SuppressWarnings("unchecked")
      Map<String, Object> directive =
          ((List<Map<String, Object>>)
                  ((Map<String, Object>) emf.get("_aws")).get("CloudWatchMetrics"))
              .get(0);
      assertThat(directive)
          .containsEntry("Namespace", "keyrotator")
          .containsEntry("Dimensions", List.of(List.of()));
      assertThat(emf)
          .containsEntry("RootAccessKeys", 1L)
          .containsEntry("OldAccessKeys", 1L)
          .containsEntry("UnusedCredentials", 0L)
          .containsEntry("ConsoleUsersWithoutMfa", 1L)
          .containsEntry("PasswordPolicyMissing", 1L)
          .containsEntry("PasswordPolicyWeak", 0L)
          .containsEntry("AuditFindings", 4L)
          .containsEntry("AuditUsersChecked", 2L);
      assertThat((List<?>) directive.get("Metrics")).hasSize(FindingType.values().length + 3);
    }

    @Test
    void theLogGetsTheMetricsThenFindingsInLinesSmallEnoughForOneEvent() throws Exception {
      CredentialReportRows rows = new CredentialReportRows();
      for (int i = 0; i < 450; i++) {
        rows.user("user-" + i, daysAgo(10), "true", "no_information", "false", none(), none());
      }
      AuditReport report = audit(rows);
      List<String> lines = new ArrayList<>();
      AuditLog.write(StructuredLog.to(lines::add, Clock.fixed(NOW, ZoneOffset.UTC)), report);
      assertThat(lines).hasSize(4);
      assertThat(JSON.std.mapFrom(lines.get(0)))
          .containsKey("_aws")
          .containsEntry("ConsoleUsersWithoutMfa", 450);
      assertThat(lines.subList(1, 4))
          .allSatisfy(
              line -> {
                assertThat(line)
                    .contains("\"level\":\"WARN\"")
                    .contains("compliance audit findings");
                assertThat(line.length()).isLessThan(256 * 1024);
              });
      assertThat(JSON.std.mapFrom(lines.get(3)))
          .containsEntry("batch", 3)
          .containsEntry("batches", 3);
    }

    @Test
    void jsonForLogsComesInBatchesThatTogetherHoldEveryFinding() {
      AuditReport report = report();
      List<Map<String, Object>> batches = report.jsonBatches(3);
      assertThat(batches).hasSize(2);
      assertThat(batches.get(0))
          .containsEntry("batch", 1)
          .containsEntry("batches", 2)
          .containsEntry("findingCount", 4);
      assertThat((List<?>) batches.get(0).get("findings")).hasSize(3);
      assertThat((List<?>) batches.get(1).get("findings")).hasSize(1);
      assertThat(batches.get(1)).containsKey("counts");
      account.policy = Optional.of(STRONG);
      assertThat(audit(new CredentialReportRows()).jsonBatches(100))
          .singleElement()
          .satisfies(b -> assertThat((List<?>) b.get("findings")).isEmpty());
    }

    @Test
    void jsonCarriesCountsAndEveryFindingWithItsNumbers() throws Exception {
      String json = JSON.std.asString(report().json());
      Map<String, Object> parsed = JSON.std.mapFrom(json);
      assertThat(parsed).containsEntry("findingCount", 4).containsEntry("usersChecked", 2);
      assertThat(parsed.get("counts"))
          .asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
          .containsEntry("OLD_ACCESS_KEY", 1)
          .containsEntry("UNUSED_CREDENTIAL", 0);
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> findings = (List<Map<String, Object>>) parsed.get("findings");
      assertThat(findings)
          .anySatisfy(
              f -> {
                assertThat(f)
                    .containsEntry("type", "OLD_ACCESS_KEY")
                    .containsEntry("subject", "legacy")
                    .containsEntry("ageDays", 120)
                    .containsEntry("lastUsed", daysAgo(2).toString());
                assertThat((String) f.get("fix")).startsWith("Rotate it");
              });
    }
  }
}
