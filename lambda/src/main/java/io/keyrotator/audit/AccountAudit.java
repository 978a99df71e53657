package io.keyrotator.audit;

import io.keyrotator.config.AuditSettings;
import io.keyrotator.ports.AccountCredentials;
import io.keyrotator.ports.CredentialReport;
import io.keyrotator.ports.CredentialReport.KeySlot;
import io.keyrotator.ports.CredentialReport.Row;
import io.keyrotator.ports.PasswordPolicy;
import io.keyrotator.ports.SecretVersions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The account-wide compliance audit. Reads one credential report, the password policy and the
 * managed secrets' user tags, and checks every user against the rules in memory: the number of AWS
 * calls does not depend on the number of users.
 *
 * <p>Rules (thresholds from {@link AuditSettings}; "older than" means strictly older, so a key
 * exactly 90 days old passes, as with the access-keys-rotated rule):
 *
 * <ul>
 *   <li>{@link FindingType#ROOT_ACCESS_KEY}: the root row has an access key, active or not.
 *   <li>{@link FindingType#OLD_ACCESS_KEY}: an active key older than the maximum age, on every
 *       user. A secret's tag (which anyone with secretsmanager:TagResource can write) never exempts
 *       a user: on a user a managed secret names, an old key means its rotation is not working, and
 *       the finding says so.
 *   <li>{@link FindingType#UNUSED_CREDENTIAL}: an enabled password or active key last used longer
 *       ago than the threshold, or never used and created (set) longer ago than the threshold.
 *   <li>{@link FindingType#CONSOLE_WITHOUT_MFA}: a password-enabled user with no active MFA.
 *   <li>{@link FindingType#PASSWORD_POLICY_MISSING} / {@link FindingType#PASSWORD_POLICY_WEAK}.
 * </ul>
 */
public final class AccountAudit {
  private final AccountCredentials account;
  private final SecretVersions secrets;
  private final AuditSettings settings;
  private final Clock clock;

  public AccountAudit(
      AccountCredentials account, SecretVersions secrets, AuditSettings settings, Clock clock) {
    this.account = account;
    this.secrets = secrets;
    this.settings = settings;
    this.clock = clock;
  }

  /** Runs the audit once. AWS errors (after the SDK's retries) propagate to the caller. */
  public AuditReport run() {
    Set<String> managed =
        secrets.managedUsers().stream()
            .map(u -> u.toLowerCase(Locale.ROOT)) // IAM user names are unique ignoring case
            .collect(Collectors.toSet());
    CredentialReport report = account.credentialReport();
    Optional<PasswordPolicy> policy = account.passwordPolicy();
    return check(report, policy, managed, clock.instant());
  }

  /** The rules on an already-read report; {@code managed} holds lower-case user names. */
  AuditReport check(
      CredentialReport report, Optional<PasswordPolicy> policy, Set<String> managed, Instant now) {
    List<AuditFinding> findings = new ArrayList<>();
    List<String> skipped = new ArrayList<>(report.skipped());
    int users = 0;
    for (Row row : report.rows()) {
      try {
        if (row.root()) {
          rootKeys(row, now, findings);
          continue;
        }
        users++;
        oldKeys(row, now, managed.contains(row.user().toLowerCase(Locale.ROOT)), findings);
        unused(row, now, findings);
        consoleWithoutMfa(row, findings);
      } catch (RuntimeException e) {
        skipped.add("user " + row.user() + ": " + e.getMessage());
      }
    }
    passwordPolicy(policy, findings);
    findings.sort(Comparator.comparing(AuditFinding::type));
    return new AuditReport(
        now,
        report.generatedAt(),
        users,
        managed.size(),
        List.copyOf(findings),
        List.copyOf(skipped));
  }

  private static void rootKeys(Row row, Instant now, List<AuditFinding> findings) {
    for (KeySlot key : row.accessKeys()) {
      if (key.active() || key.lastRotated().isPresent()) {
        Optional<Long> age = key.lastRotated().map(t -> days(t, now));
        findings.add(
            new AuditFinding(
                FindingType.ROOT_ACCESS_KEY,
                row.user(),
                "access key " + key.slot(),
                "root access key "
                    + key.slot()
                    + " is "
                    + (key.active() ? "active" : "inactive")
                    + age.map(d -> ", " + d + " days old").orElse("")
                    + ", "
                    + lastUsedText(key, now),
                age,
                key.lastUsed()));
      }
    }
  }

  private void oldKeys(Row row, Instant now, boolean managed, List<AuditFinding> findings) {
    for (KeySlot key : row.accessKeys()) {
      if (!key.active() || key.lastRotated().isEmpty()) {
        continue;
      }
      Instant created = key.lastRotated().get();
      if (olderThan(created, now, settings.maxKeyAge())) {
        long age = days(created, now);
        findings.add(
            new AuditFinding(
                FindingType.OLD_ACCESS_KEY,
                row.user(),
                "access key " + key.slot(),
                "access key "
                    + key.slot()
                    + " is "
                    + age
                    + " days old (created "
                    + created
                    + ", maximum "
                    + settings.maxKeyAge().toDays()
                    + "), "
                    + lastUsedText(key, now)
                    + (managed
                        ? "; a keyrotator secret names this user, so its rotation is not"
                            + " working: run `keyrotator doctor`"
                        : ""),
                Optional.of(age),
                key.lastUsed()));
      }
    }
  }

  private void unused(Row row, Instant now, List<AuditFinding> findings) {
    Duration limit = settings.unusedAfter();
    if (row.passwordEnabled()) {
      Instant set = row.passwordLastChanged().orElse(row.created());
      Optional<Instant> used = row.passwordLastUsed();
      Instant since = used.orElse(set);
      if (olderThan(since, now, limit)) {
        String found =
            used.isPresent()
                ? "console password last used " + days(since, now) + " days ago (" + since + ")"
                : "console password never used, set " + days(set, now) + " days ago";
        findings.add(
            new AuditFinding(
                FindingType.UNUSED_CREDENTIAL,
                row.user(),
                "password",
                found + "; threshold " + limit.toDays() + " days",
                Optional.of(days(set, now)),
                used));
      }
    }
    for (KeySlot key : row.accessKeys()) {
      if (!key.active() || key.lastRotated().isEmpty()) {
        continue;
      }
      Instant created = key.lastRotated().get();
      Instant since = key.lastUsed().orElse(created);
      if (olderThan(since, now, limit)) {
        String found =
            key.lastUsed().isPresent()
                ? "access key "
                    + key.slot()
                    + " last used "
                    + days(since, now)
                    + " days ago ("
                    + since
                    + key.lastUsedService().map(s -> ", " + s).orElse("")
                    + ")"
                : "access key "
                    + key.slot()
                    + " never used, created "
                    + days(created, now)
                    + " days ago";
        findings.add(
            new AuditFinding(
                FindingType.UNUSED_CREDENTIAL,
                row.user(),
                "access key " + key.slot(),
                found + "; threshold " + limit.toDays() + " days",
                Optional.of(days(created, now)),
                key.lastUsed()));
      }
    }
  }

  private static void consoleWithoutMfa(Row row, List<AuditFinding> findings) {
    if (row.passwordEnabled() && !row.mfaActive()) {
      findings.add(
          new AuditFinding(
              FindingType.CONSOLE_WITHOUT_MFA,
              row.user(),
              "password",
              "console password enabled and no MFA device active",
              Optional.empty(),
              row.passwordLastUsed()));
    }
  }

  private void passwordPolicy(Optional<PasswordPolicy> found, List<AuditFinding> findings) {
    if (found.isEmpty()) {
      findings.add(
          new AuditFinding(
              FindingType.PASSWORD_POLICY_MISSING,
              "account",
              "password policy",
              "no account password policy: IAM's defaults apply (8 characters, no character"
                  + " classes, no expiry, reuse allowed)",
              Optional.empty(),
              Optional.empty()));
      return;
    }
    PasswordPolicy policy = found.get();
    List<String> weak = new ArrayList<>();
    if (policy.minimumLength() < settings.passwordMinimumLength()) {
      weak.add(
          "minimum length "
              + policy.minimumLength()
              + " (expected at least "
              + settings.passwordMinimumLength()
              + ")");
    }
    if (!policy.requireUppercase()) {
      weak.add("uppercase letters not required");
    }
    if (!policy.requireLowercase()) {
      weak.add("lowercase letters not required");
    }
    if (!policy.requireNumbers()) {
      weak.add("numbers not required");
    }
    if (!policy.requireSymbols()) {
      weak.add("symbols not required");
    }
    int reuse = policy.reusePrevention().orElse(0);
    if (reuse < settings.passwordReusePrevention()) {
      weak.add(
          "reuse prevention "
              + (reuse == 0 ? "off" : reuse + " passwords")
              + " (expected "
              + settings.passwordReusePrevention()
              + ")");
    }
    if (policy.maxAgeDays().isEmpty()
        || policy.maxAgeDays().get() > settings.passwordMaxAgeDays()) {
      weak.add(
          "maximum age "
              + policy.maxAgeDays().map(d -> d + " days").orElse("none (passwords never expire)")
              + " (expected at most "
              + settings.passwordMaxAgeDays()
              + " days)");
    }
    if (!weak.isEmpty()) {
      findings.add(
          new AuditFinding(
              FindingType.PASSWORD_POLICY_WEAK,
              "account",
              "password policy",
              String.join("; ", weak),
              Optional.empty(),
              Optional.empty()));
    }
  }

  private static boolean olderThan(Instant since, Instant now, Duration limit) {
    return Duration.between(since, now).compareTo(limit) > 0;
  }

  private static long days(Instant since, Instant now) {
    return Math.max(0, Duration.between(since, now).toDays());
  }

  private static String lastUsedText(KeySlot key, Instant now) {
    return key.lastUsed()
        .map(
            t ->
                "last used "
                    + days(t, now)
                    + " days ago"
                    + key.lastUsedService().map(s -> " (" + s + ")").orElse(""))
        .orElse("never used");
  }
}
