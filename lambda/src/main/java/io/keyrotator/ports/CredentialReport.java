package io.keyrotator.ports;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The IAM credential report, decoded: one row per IAM user plus the root user's row.
 *
 * @param generatedAt when IAM generated the report (it may be up to 4 hours old)
 * @param rows one row per user, in report order
 * @param skipped rows that could not be read, each with the reason (the audit reports them)
 */
public record CredentialReport(Instant generatedAt, List<Row> rows, List<String> skipped) {
  /** The user name IAM gives the root user's row. */
  public static final String ROOT = "<root_account>";

  /**
   * One user's credentials. Optional instants are empty where IAM writes {@code N/A}, {@code
   * no_information} or {@code not_supported}.
   *
   * @param user the IAM user name, or {@value CredentialReport#ROOT}
   * @param arn the user's ARN
   * @param created when the user was created
   * @param passwordEnabled whether the user can sign in to the console
   * @param passwordLastUsed when the password was last used to sign in
   * @param passwordLastChanged when the password was last set
   * @param mfaActive whether an MFA device is enabled
   * @param accessKeys the two access key slots of the report, in order (slot 1, slot 2)
   */
  public record Row(
      String user,
      String arn,
      Instant created,
      boolean passwordEnabled,
      Optional<Instant> passwordLastUsed,
      Optional<Instant> passwordLastChanged,
      boolean mfaActive,
      List<KeySlot> accessKeys) {

    public boolean root() {
      return ROOT.equals(user);
    }
  }

  /**
   * One access key slot. The report names no key ids: a key is known by its slot number.
   *
   * @param slot 1 or 2
   * @param active whether a key in this slot is active
   * @param lastRotated when the key was created (IAM calls it "last rotated"); empty for no key
   * @param lastUsed when the key was last used; empty when never used
   * @param lastUsedService the service it was last used with, when known
   */
  public record KeySlot(
      int slot,
      boolean active,
      Optional<Instant> lastRotated,
      Optional<Instant> lastUsed,
      Optional<String> lastUsedService) {}
}
