package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.ownership.AttemptRecord;
import io.keyrotator.ownership.EvidenceSeal;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/** Every command and its error paths, in-process, against moto. */
class KeyrotatorCliIT {
  private static final String USER = "app-ci";
  private static final String SECRET = "app-ci-key";
  private LocalAws aws;

  @BeforeAll
  static void credentials() {
    CliRun.useTestCredentials();
  }

  // Not LocalAwsExtension: it fills the fields of the @Nested class's instance, not this one's.
  @BeforeEach
  void setUp() {
    aws = LocalAws.fresh();
    KeyrotatorCli.input = new ByteArrayInputStream(new byte[0]);
    RotateCommand.pollInterval = Duration.ofMillis(200);
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  private CliRun cli(String... args) {
    return CliRun.against(aws, args);
  }

  /** Runs the command line and requires exit code 0, failing with what it printed to stderr. */
  private CliRun succeeds(String... args) {
    CliRun run = cli(args);
    assertThat(run.exitCode()).as(run.err()).isZero();
    return run;
  }

  /** A managed user with a tagged secret that has been rotated once. */
  private void rotatedSecret() {
    aws.rotatedOnce(USER, SECRET, aws.handler());
  }

  private ManagedKeySecret current() {
    return ManagedKeySecret.parse(aws.value(SECRET, "AWSCURRENT"), "current");
  }

  @Nested
  class Rotate {
    @Test
    void rotatesInProcessAgainstAnEmulator() {
      rotatedSecret();
      String before = current().accessKeyId().orElseThrow();
      CliRun run = succeeds("rotate", "--secret-id", SECRET);
      assertThat(run.out())
          .contains("createSecret: done", "finishSecret: done", "is now AWSCURRENT");
      assertThat(current().accessKeyId().orElseThrow()).isNotEqualTo(before);
    }

    @Test
    void reportsAFailedRotationWithItsReason() {
      aws.createUser("admin", "/");
      aws.createBootstrapSecret("admin-key", "admin");
      CliRun run = cli("rotate", "--secret-id", "admin-key", "--output", "json");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out())
          .contains("\"succeeded\" : false", "outside the users keyrotator manages");
    }

    @Test
    void anUnfinishedRotationNamesItsVersionAndTheRepair() {
      rotatedSecret();
      // The label where moto refuses RotateSecret (AWS refuses for any AWSPENDING not current).
      String stuck =
          aws.stages(SECRET).entrySet().stream()
              .filter(v -> v.getValue().contains("AWSCURRENT"))
              .map(Map.Entry::getKey)
              .findFirst()
              .orElseThrow();
      aws.secretsManager.updateSecretVersionStage(
          r -> r.secretId(SECRET).versionStage("AWSPENDING").moveToVersionId(stuck));
      CliRun run = cli("rotate", "--secret-id", SECRET);
      assertThat(run.exitCode()).as(run.out()).isEqualTo(1);
      assertThat(run.err())
          .contains("isn't complete", stuck, "keyrotator doctor --fix --secret-id " + SECRET);
    }

    @Test
    void refusesASecretThatIsNotKeyrotatorsAndChangesNothing() {
      aws.createForeignSecret("database-password", "{\"password\":\"x\"}");
      CliRun run = cli("rotate", "--secret-id", "database-password");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(run.err()).contains("is not one of keyrotator's", "Nothing was changed");
      assertThat(
              aws.secretsManager
                  .describeSecret(r -> r.secretId("database-password"))
                  .rotationEnabled())
          .as("rotation stays off")
          .isNotEqualTo(Boolean.TRUE);
      assertThat(aws.stages("database-password").values())
          .noneMatch(stages -> stages.contains("AWSPENDING"));
    }

    @Test
    void anUnknownSecretIsExitCode4() {
      CliRun run = cli("rotate", "--secret-id", "nope");
      assertThat(run.exitCode()).isEqualTo(4);
      assertThat(run.err()).contains("secret nope does not exist");
    }

    @Test
    void waitFollowsARotationThatSecretsManagerDrivesToTheEnd() throws Exception {
      rotatedSecret();
      RotationHandler function = aws.handler();
      // Plays the part of Secrets Manager invoking the deployed function once RotateSecret ran.
      CompletableFuture<Void> secretsManager =
          CompletableFuture.runAsync(
              () -> {
                String token = awaitPendingVersion();
                LocalAws.runSteps(function, SECRET, token);
              });
      CliRun run =
          cli("rotate", "--secret-id", SECRET, "--no-in-process", "--wait", "--timeout", "30");
      secretsManager.get();
      assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
      assertThat(run.out()).contains("waiting: AWSPENDING on", "is now AWSCURRENT");
    }

    @Test
    void waitGivesUpAtTheTimeoutAndSaysWhereTheReasonIs() {
      rotatedSecret();
      CliRun run =
          cli("rotate", "--secret-id", SECRET, "--no-in-process", "--wait", "--timeout", "1");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out())
          .contains("still running after 1 s", "aws logs tail /aws/lambda/keyrotator-rotation");
    }

    private String awaitPendingVersion() {
      Instant deadline = Instant.now().plusSeconds(20);
      while (Instant.now().isBefore(deadline)) {
        for (Map.Entry<String, List<String>> e : aws.stages(SECRET).entrySet()) {
          if (e.getValue().contains("AWSPENDING") && !e.getValue().contains("AWSCURRENT")) {
            return e.getKey();
          }
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }
      throw new IllegalStateException("RotateSecret never ran");
    }
  }

  @Nested
  class Status {
    @Test
    void showsAHealthySecretAsOneRow() {
      rotatedSecret();
      CliRun run = succeeds("status");
      assertThat(run.out()).contains("SECRET", SECRET, USER, "active", "every 30 days", "ok");
    }

    @Test
    void jsonOutputCarriesEveryField() throws Exception {
      rotatedSecret();
      CliRun run = cli("status", "--secret-id", SECRET, "-o", "json");
      List<Object> rows = JSON.std.listFrom(run.out());
      @SuppressWarnings("unchecked")
      Map<String, Object> row = (Map<String, Object>) rows.get(0);
      assertThat(row)
          .containsEntry("secret", SECRET)
          .containsEntry("user", USER)
          .containsEntry("rotationEnabled", true)
          .containsEntry("findings", List.of());
      assertThat(row.get("currentKey").toString()).contains("state=active");
    }

    @Test
    void aFailedInProcessRotationIsFailedNotRotating() {
      aws.createUser("admin", "/");
      aws.createBootstrapSecret("admin-key", "admin");
      assertThat(cli("rotate", "--secret-id", "admin-key").exitCode()).isEqualTo(1);
      CliRun run = cli("status", "--secret-id", "admin-key");
      assertThat(run.out())
          .as("the reason, read from the function's log the rotation wrote to the emulator")
          .contains("FAILED", "admin-key: ", "outside the users keyrotator manages")
          .doesNotContain("ROTATING");
      CliRun json = cli("status", "--secret-id", "admin-key", "-o", "json");
      assertThat(json.out())
          .contains("\"rotationInProgress\" : false", "\"rotationFailure\" : \"IAM user admin");
    }

    @Test
    void aRotationTheFunctionNeverLoggedIsNotCalledFailed() {
      // Started with `aws secretsmanager rotate-secret` or `rotate --no-in-process`: no in-process
      // run logged anything for it, so keyrotator knows of no failure to report.
      rotatedSecret();
      aws.startRotation(SECRET);
      CliRun run = cli("status", "--secret-id", SECRET);
      assertThat(run.out()).contains("ROTATING").doesNotContain("FAILED", "nothing retries it");
    }

    @Test
    void listsSecretsRotatedByTheNamedFunctionEvenWithoutTheTag() {
      rotatedSecret();
      aws.createForeignSecret("by-hand-key", "{\"UserName\":\"" + USER + "\"}");
      aws.startRotation("by-hand-key");
      assertThat(cli("status").out()).doesNotContain("by-hand-key");
      CliRun run = cli("status", "--function", "keyrotator-rotation");
      assertThat(run.out()).contains(SECRET, "by-hand-key");
      assertThat(cli("status", "--function", LocalAws.ROTATION_FUNCTION).out())
          .contains("by-hand-key");
      assertThat(cli("status", "--function", "another-function").out())
          .doesNotContain("by-hand-key");
    }

    @Test
    void flagsAStuckRotation() {
      rotatedSecret();
      aws.startRotation(SECRET);
      CliRun run = cli("status", "--stuck-after-minutes", "0");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out()).contains("STUCK_ROTATION");
    }
  }

  @Nested
  class Credentials {
    @Test
    void printsTheCurrentKeyForCredentialProcess() throws Exception {
      rotatedSecret();
      CliRun run = succeeds("credentials", "--secret-id", SECRET);
      Map<String, Object> json = JSON.std.mapFrom(run.out());
      assertThat(json)
          .containsEntry("Version", 1)
          .containsEntry("AccessKeyId", current().accessKeyId().orElseThrow())
          .containsEntry("SecretAccessKey", current().secretAccessKey().orElseThrow());
      Instant expiration = Instant.parse((String) json.get("Expiration"));
      long ttlSeconds = CredentialLifetime.DEFAULT_TTL_MINUTES * 60L;
      assertThat(expiration)
          .isBetween(
              Instant.now().plusSeconds(ttlSeconds - 60),
              Instant.now().plusSeconds(ttlSeconds + 60));
      assertThat(run.err()).isEmpty();
    }

    @Test
    void aBootstrapSecretHasNoKeyToServe() {
      aws.createManagedUser(USER);
      aws.createBootstrapSecret(SECRET, USER);
      CliRun run = cli("credentials", "--secret-id", SECRET);
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.err()).contains("holds no key yet", "keyrotator rotate --secret-id " + SECRET);
      assertThat(run.out()).isEmpty();
    }

    @Test
    void printsNothingForASecretThatIsNotKeyrotators() {
      aws.createForeignSecret("database-password", "{\"password\":\"x\"}");
      CliRun run = cli("credentials", "--secret-id", "database-password");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.PROBLEMS);
      assertThat(run.err()).contains("database-password", "cannot be used", "has no \"UserName\"");
      assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownSecretIsExitCode4() {
      assertThat(cli("credentials", "--secret-id", "nope").exitCode()).isEqualTo(4);
    }
  }

  @Nested
  class Doctor {
    @Test
    void aHealthyAccountHasNothingToRepair() {
      rotatedSecret();
      CliRun run = cli("doctor");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).contains("No problems found in 1 managed secret(s).");
    }

    @Test
    void repairsAStuckRotationSoTheNextOneCanStart() {
      rotatedSecret();
      String stuck = aws.startRotation(SECRET);
      CliRun found = cli("doctor", "--stuck-after-minutes", "0");
      assertThat(found.exitCode()).isEqualTo(1);
      assertThat(found.out())
          .contains("STUCK_ROTATION", "doctor --fix: remove AWSPENDING from version " + stuck);

      CliRun fixed = cli("doctor", "--fix", "--yes", "--stuck-after-minutes", "0");
      assertThat(fixed.exitCode()).as(fixed.out()).isZero();
      assertThat(fixed.out()).contains("repaired: remove AWSPENDING from version " + stuck);
      assertThat(aws.stages(SECRET).values()).noneMatch(l -> l.contains("AWSPENDING"));
      assertThat(cli("rotate", "--secret-id", SECRET).exitCode()).isZero();
    }

    @Test
    void deactivatesANeverUsedKeyLeftByAnInterruptedAttemptAndLeavesForeignKeysAlone() {
      rotatedSecret();
      String current =
          ManagedKeySecret.parse(aws.value(SECRET, "AWSCURRENT"), "c").accessKeyId().orElseThrow();
      String userId = aws.iam.getUser(r -> r.userName(USER)).user().userId();
      // An attempt recorded itself on the secret, created a key and stopped before storing it.
      String token = aws.startRotation(SECRET);
      String orphan = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();
      aws.secretsManager.tagResource(
          r ->
              r.secretId(SECRET)
                  .tags(
                      Tag.builder()
                          .key(AttemptRecord.TAG)
                          .value(
                              AttemptRecord.starting(
                                      token, userId, Instant.now().minusSeconds(2), Set.of(current))
                                  .created(orphan)
                                  .tagValue(
                                      aws.secretsManager
                                          .describeSecret(d -> d.secretId(SECRET))
                                          .arn(),
                                      EvidenceSeal.withKey(LocalAws.SEAL_KEY)))
                          .build()));
      CliRun found = cli("doctor", "--stuck-after-minutes", "0");
      assertThat(found.out()).contains("ORPHAN_KEY", "stopped before its secret was stored");

      CliRun fixed = cli("doctor", "--fix", "--yes", "--stuck-after-minutes", "0");
      assertThat(fixed.out()).contains("repaired: deactivate never-used orphan key");
      assertThat(aws.keys(USER))
          .filteredOn(k -> k.accessKeyId().equals(orphan))
          .as("deactivated, never deleted while active")
          .singleElement()
          .extracting(AccessKeyMetadata::status)
          .isEqualTo(StatusType.INACTIVE);
      assertThat(aws.stages(SECRET).get(token))
          .as("the attempt is not dropped while its key waits")
          .contains("AWSPENDING");

      aws.iam.deleteAccessKey(r -> r.userName(USER).accessKeyId(orphan));
      aws.secretsManager.untagResource(r -> r.secretId(SECRET).tagKeys(AttemptRecord.TAG));
      // The attempt is over: drop it, so that a key made by hand now is one nothing explains (made
      // while an attempt without a record is open, it could be that attempt's lost key:
      // UNCONFIRMED, see docs/rotation.md).
      aws.secretsManager.updateSecretVersionStage(
          r -> r.secretId(SECRET).versionStage("AWSPENDING").removeFromVersionId(token));
      String foreign = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();
      CliRun foreignRun = cli("doctor", "--fix", "--yes");
      assertThat(foreignRun.exitCode()).isEqualTo(1);
      assertThat(foreignRun.out()).contains("UNOWNED_KEY", "left alone");
      assertThat(aws.keys(USER))
          .filteredOn(k -> k.accessKeyId().equals(foreign))
          .singleElement()
          .extracting(AccessKeyMetadata::status)
          .isEqualTo(StatusType.ACTIVE);
    }

    @Test
    void reportsSecretsWhoseUserIsGoneOrOutOfScope() {
      aws.createUser("admin", "/");
      aws.createBootstrapSecret("admin-key", "admin");
      aws.createBootstrapSecret("ghost-key", "ghost");
      CliRun run = cli("doctor", "--fix", "--yes");
      assertThat(run.exitCode()).isEqualTo(1);
      assertThat(run.out())
          .contains("USER_OUT_OF_SCOPE", "USER_MISSING", "left alone: needs a person");
    }

    @Test
    void asksBeforeRepairingAndChangesNothingWithoutAYes() {
      rotatedSecret();
      String stuck = aws.startRotation(SECRET);
      KeyrotatorCli.input = new ByteArrayInputStream("n\n".getBytes(StandardCharsets.UTF_8));
      CliRun declined = cli("doctor", "--fix", "--stuck-after-minutes", "0");
      assertThat(declined.out()).contains("Apply these 1 repairs? [y/N]", "Nothing was changed.");
      assertThat(aws.stages(SECRET).get(stuck)).contains("AWSPENDING");

      KeyrotatorCli.input = new ByteArrayInputStream(new byte[0]);
      CliRun noTerminal = cli("doctor", "--fix", "--stuck-after-minutes", "0");
      assertThat(noTerminal.exitCode()).isEqualTo(2);
      assertThat(noTerminal.err()).contains("run again with --yes");

      KeyrotatorCli.input = new ByteArrayInputStream("y\n".getBytes(StandardCharsets.UTF_8));
      CliRun accepted = cli("doctor", "--fix", "--stuck-after-minutes", "0");
      assertThat(accepted.exitCode()).isZero();
      assertThat(aws.stages(SECRET).getOrDefault(stuck, List.of())).doesNotContain("AWSPENDING");
    }
  }

  @Nested
  class Hygiene {
    @Test
    void aHealthyAccountNeedsNothing() {
      rotatedSecret();
      CliRun run = succeeds("hygiene");
      assertThat(run.out()).contains("1 managed secret(s) checked", "Nothing to do.");
    }

    @Test
    void dryRunReportsAStuckRotationAndChangesNothing() throws Exception {
      rotatedSecret();
      String stuck = aws.startRotation(SECRET);
      CliRun run = cli("hygiene", "--dry-run", "-o", "json");
      // The pending version is seconds old: not stuck yet, so nothing to report.
      assertThat(run.exitCode()).isZero();
      Map<String, Object> report = JSON.std.mapFrom(run.out());
      assertThat(report).containsEntry("dryRun", true).containsEntry("notify", false);
      assertThat(aws.stages(SECRET).get(stuck)).contains("AWSPENDING");
    }
  }

  @Nested
  class Errors {
    @Test
    void aMissingProfileIsNamed() {
      CliRun run = cli("credentials", "--secret-id", SECRET, "--profile", "no-such-profile");
      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.err()).contains("profile no-such-profile does not exist");
    }

    @Test
    void aMissingProfileIsNamedBeforeItsRegionIsLookedFor() {
      CliRun run = CliRun.of("status", "--profile", "no-such-profile");
      assertThat(run.exitCode()).isEqualTo(3);
      assertThat(run.err()).contains("profile no-such-profile does not exist");
    }

    @Test
    void aBadOptionIsAUsageError() {
      CliRun run = cli("credentials", "--secret-id", SECRET, "--ttl-minutes", "0");
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(cli("rotate").exitCode()).isEqualTo(2);
    }
  }

  @Test
  void theKeyIsActiveAfterEveryCommandThatTouchesIt() {
    rotatedSecret();
    cli("rotate", "--secret-id", SECRET);
    cli("doctor", "--fix", "--yes");
    String id = current().accessKeyId().orElseThrow();
    assertThat(aws.keys(USER))
        .anyMatch(k -> k.accessKeyId().equals(id) && k.status() == StatusType.ACTIVE);
  }
}
