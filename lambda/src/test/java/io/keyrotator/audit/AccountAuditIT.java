package io.keyrotator.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.ThrottlingInjector;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The audit against moto's IAM credential report. moto writes every report row with the real time
 * of the user's and key's creation, so the "old" and "unused" findings are produced by auditing
 * with a clock set days ahead: moto cannot backdate a key.
 *
 * <p>moto's report has no {@code <root_account>} row (and no way to give the root user a key), so
 * {@link FindingType#ROOT_ACCESS_KEY} cannot be produced here: {@code AccountAuditTest} covers it
 * on a constructed report.
 */
@ExtendWith(LocalAwsExtension.class)
class AccountAuditIT {
  private static final AuditSettings SETTINGS =
      AuditSettings.from(
          Map.of(
              FunctionEnvironment.AUDIT_REPORT_POLL_MILLIS,
              "20",
              FunctionEnvironment.AUDIT_REPORT_WAIT_SECONDS,
              "10"));

  private LocalAws aws;

  private AuditReport audit(Instant at, ExecutionInterceptor... interceptors) {
    try (AwsClients clients = aws.clients(aws.settings(Map.of()), interceptors)) {
      return new AccountAudit(
              clients.accountCredentials(SETTINGS),
              clients.secretVersions(),
              SETTINGS,
              Clock.fixed(at, ZoneOffset.UTC))
          .run();
    }
  }

  private static Instant daysAhead(long days) {
    return Instant.now().plus(Duration.ofDays(days));
  }

  private void consoleUser(String name, boolean mfa) {
    aws.iam.createUser(r -> r.userName(name));
    aws.iam.createLoginProfile(r -> r.userName(name).password("Correct-Horse-Battery-9"));
    if (mfa) {
      String serial =
          aws.iam
              .createVirtualMFADevice(r -> r.virtualMFADeviceName(name + "-mfa"))
              .virtualMFADevice()
              .serialNumber();
      aws.iam.enableMFADevice(
          r ->
              r.userName(name)
                  .serialNumber(serial)
                  .authenticationCode1("123456")
                  .authenticationCode2("654321"));
    }
  }

  private void managedUser(String name) {
    aws.iam.createUser(r -> r.userName(name).path("/keyrotator/"));
    aws.iam.createAccessKey(r -> r.userName(name));
    aws.secretsManager.createSecret(
        r ->
            r.name(name + "-key")
                .secretString("{\"UserName\":\"" + name + "\"}")
                .tags(LocalAws.secretTag(SecretVersions.USER_TAG, name)));
  }

  /** Signs one STS call with a new key of the user, so IAM records the key as used. */
  private void useNewKey(String user) {
    var key = aws.iam.createAccessKey(r -> r.userName(user)).accessKey();
    try (StsClient sts =
        StsClient.builder()
            .region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .endpointOverride(aws.moto.endpoint())
            .credentialsProvider(
                software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                    software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        key.accessKeyId(), key.secretAccessKey())))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      sts.getCallerIdentity();
    }
  }

  /** Every kind of credential, each in good order. */
  private void healthyAccount() {
    aws.requireStrongPasswords();
    consoleUser("alice", true);
    aws.iam.createUser(r -> r.userName("robot"));
    useNewKey("robot");
    managedUser("app-ci");
  }

  @Test
  void aHealthyAccountHasNoFindings() {
    healthyAccount();
    AuditReport report = audit(Instant.now());
    assertThat(report.findings()).isEmpty();
    assertThat(report.usersChecked()).isEqualTo(3);
    assertThat(report.managedUsers()).isEqualTo(1);
    assertThat(report.skipped()).isEmpty();
  }

  @Test
  void theSameAccountOneHundredDaysLaterHasOldAndUnusedCredentialsOnManagedUsersToo() {
    healthyAccount();
    AuditReport report = audit(daysAhead(100));
    assertThat(report.findings())
        .filteredOn(f -> f.type() == FindingType.OLD_ACCESS_KEY)
        .extracting(AuditFinding::subject)
        .containsExactlyInAnyOrder("robot", "app-ci");
    assertThat(report.findings())
        .filteredOn(f -> f.subject().equals("app-ci") && f.type() == FindingType.OLD_ACCESS_KEY)
        .singleElement()
        .satisfies(f -> assertThat(f.found()).contains("its rotation is not working"));
    assertThat(report.findings())
        .filteredOn(f -> f.type() == FindingType.UNUSED_CREDENTIAL)
        .extracting(f -> f.subject() + " " + f.credential())
        .containsExactlyInAnyOrder("alice password", "robot access key 1", "app-ci access key 1");
    AuditFinding robotUnused =
        report.findings().stream()
            .filter(f -> f.type() == FindingType.UNUSED_CREDENTIAL && f.subject().equals("robot"))
            .findFirst()
            .orElseThrow();
    assertThat(robotUnused.lastUsed()).isPresent();
    assertThat(robotUnused.found()).contains("last used 100 days ago").doesNotContain("never");
  }

  @Test
  void aConsoleUserWithoutMfaIsFoundAndOneWithMfaIsNot() {
    aws.requireStrongPasswords();
    consoleUser("alice", true);
    consoleUser("bob", false);
    AuditReport report = audit(Instant.now());
    assertThat(report.findings())
        .extracting(f -> f.type() + " " + f.subject())
        .containsExactly("CONSOLE_WITHOUT_MFA bob");
  }

  @Test
  void aMissingPasswordPolicyIsFound() {
    AuditReport report = audit(Instant.now());
    assertThat(report.findings())
        .extracting(AuditFinding::type)
        .containsExactly(FindingType.PASSWORD_POLICY_MISSING);
  }

  @Test
  void aWeakPasswordPolicyIsFoundWithItsShortfalls() {
    aws.iam.updateAccountPasswordPolicy(
        p ->
            p.minimumPasswordLength(8)
                .requireUppercaseCharacters(true)
                .requireLowercaseCharacters(true)
                .requireNumbers(true)
                .requireSymbols(false));
    AuditReport report = audit(Instant.now());
    assertThat(report.findings())
        .extracting(AuditFinding::type)
        .containsExactly(FindingType.PASSWORD_POLICY_WEAK);
    assertThat(report.findings().get(0).found())
        .contains("minimum length 8")
        .contains("symbols not required")
        .contains("reuse prevention off")
        .contains("passwords never expire");
  }

  @Test
  void managedUsersComeFromEveryPageOfTaggedSecrets() {
    IntStream.range(0, 120)
        .parallel()
        .forEach(
            i ->
                aws.secretsManager.createSecret(
                    r ->
                        r.name("s" + i)
                            .secretString("{}")
                            .tags(LocalAws.secretTag(SecretVersions.USER_TAG, "user-" + i))));
    aws.secretsManager.createSecret(r -> r.name("untagged").secretString("{}"));
    FaultInjector counter = new FaultInjector();
    try (AwsClients clients = aws.clients(aws.settings(Map.of()), counter)) {
      assertThat(clients.secretVersions().managedUsers())
          .hasSize(120)
          .contains("user-0", "user-119");
    }
    assertThat(counter.operations)
        .allMatch(op -> op.equals("SecretsManager:ListSecrets"))
        .hasSizeGreaterThan(1);
  }

  @Test
  void callsStayTheSameWhenTheAccountGrows() {
    healthyAccount();
    audit(Instant.now()); // the first GenerateCredentialReport after a reset only starts the report
    FaultInjector small = new FaultInjector();
    audit(Instant.now(), small);
    IntStream.range(0, 40)
        .parallel()
        .forEach(
            i -> {
              aws.iam.createUser(r -> r.userName("extra-" + i));
              aws.iam.createAccessKey(r -> r.userName("extra-" + i));
            });
    FaultInjector large = new FaultInjector();
    AuditReport report = audit(Instant.now(), large);
    assertThat(report.usersChecked()).isEqualTo(43);
    assertThat(large.operations)
        .isEqualTo(small.operations)
        .containsExactly(
            "SecretsManager:ListSecrets",
            "Iam:GenerateCredentialReport",
            "Iam:GetCredentialReport",
            "Iam:GetAccountPasswordPolicy");
  }

  @Test
  void completesWithTheSameFindingsWhenIamAndSecretsManagerThrottle() {
    healthyAccount();
    consoleUser("bob", false);
    List<String> expected =
        audit(daysAhead(100)).findings().stream()
            .map(f -> f.type() + " " + f.subject() + " " + f.credential())
            .toList();

    ThrottlingInjector throttling =
        new ThrottlingInjector()
            .throttle("GenerateCredentialReport", 2)
            .throttle("GetCredentialReport", 2)
            .throttle("GetAccountPasswordPolicy", 2)
            .throttle("ListSecrets", 2);
    FaultInjector counter = new FaultInjector();
    AuditReport report = audit(daysAhead(100), throttling, counter);

    assertThat(throttling.injected()).isEqualTo(8);
    assertThat(report.findings())
        .extracting(f -> f.type() + " " + f.subject() + " " + f.credential())
        .containsExactlyElementsOf(expected);
    assertThat(expected)
        .contains("CONSOLE_WITHOUT_MFA bob password", "OLD_ACCESS_KEY robot access key 1");
  }
}
