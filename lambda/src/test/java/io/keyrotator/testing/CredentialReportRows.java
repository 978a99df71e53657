package io.keyrotator.testing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds credential report CSV text in IAM's format (the full 22-column header, dates as {@code
 * 2026-01-31T12:00:00+00:00}, {@code N/A} where there is nothing), for tests.
 */
public final class CredentialReportRows {
  public static final String HEADER =
      "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
          + "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
          + "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
          + "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
          + "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
          + "cert_1_last_rotated,cert_2_active,cert_2_last_rotated";
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx").withZone(ZoneOffset.UTC);

  private final List<String> lines = new ArrayList<>(List.of(HEADER));

  /** A user row; use {@link #key} for the key columns and {@link #none()} for empty ones. */
  public CredentialReportRows user(
      String name,
      Instant created,
      String passwordEnabled,
      String passwordLastUsed,
      String mfaActive,
      String key1,
      String key2) {
    String quoted = name.contains(",") ? "\"" + name + "\"" : name;
    lines.add(
        String.join(
            ",",
            quoted,
            name.equals("<root_account>")
                ? "arn:aws:iam::123456789012:root"
                : "\"arn:aws:iam::123456789012:user/" + name + "\"",
            date(created),
            passwordEnabled,
            passwordLastUsed,
            passwordEnabled.equals("true") ? date(created) : "N/A",
            "N/A",
            mfaActive,
            key1,
            key2,
            "false",
            "N/A",
            "false",
            "N/A"));
    return this;
  }

  /**
   * The root user's row: the report says {@code not_supported} for its password and {@code
   * no_information} for its last use.
   */
  public CredentialReportRows root(Instant created, boolean mfaActive, String key1, String key2) {
    return user(
        "<root_account>",
        created,
        "not_supported",
        "no_information",
        Boolean.toString(mfaActive),
        key1,
        key2);
  }

  /** A user without a console password (so without MFA): access keys only. */
  public CredentialReportRows keysOnly(String name, Instant created, String key1, String key2) {
    return user(name, created, "false", "N/A", "false", key1, key2);
  }

  /** The five key columns: active, last rotated, last used date, region, service. */
  public static String key(boolean active, Instant created, Instant lastUsed) {
    return String.join(
        ",",
        Boolean.toString(active),
        date(created),
        lastUsed == null ? "N/A" : date(lastUsed),
        lastUsed == null ? "N/A" : "us-east-1",
        lastUsed == null ? "N/A" : "s3");
  }

  /** The five key columns of an empty slot. */
  public static String none() {
    return "false,N/A,N/A,N/A,N/A";
  }

  public static String date(Instant t) {
    return FORMAT.format(t);
  }

  public String csv() {
    return String.join("\n", lines) + "\n";
  }
}
