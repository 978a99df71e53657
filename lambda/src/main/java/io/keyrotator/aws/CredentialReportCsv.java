package io.keyrotator.aws;

import io.keyrotator.ports.CredentialReport;
import io.keyrotator.ports.CredentialReport.KeySlot;
import io.keyrotator.ports.CredentialReport.Row;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Decodes the CSV text of an IAM credential report. Columns are read by header name, not position,
 * and quoted fields are honoured (IAM user names may contain commas). A row that cannot be read is
 * left out and named in {@link CredentialReport#skipped()}, so one odd row never hides the others.
 */
public final class CredentialReportCsv {
  /** Values IAM writes where there is no date: no key, never used, or not tracked. */
  private static final Set<String> NO_VALUE = Set.of("N/A", "no_information", "not_supported", "");

  private static final List<String> REQUIRED =
      List.of(
          "user",
          "arn",
          "user_creation_time",
          "password_enabled",
          "password_last_used",
          "mfa_active",
          "access_key_1_active",
          "access_key_1_last_rotated",
          "access_key_1_last_used_date",
          "access_key_2_active",
          "access_key_2_last_rotated",
          "access_key_2_last_used_date");

  private CredentialReportCsv() {}

  /**
   * Parses the report.
   *
   * @throws IllegalArgumentException when a column the audit needs is missing
   */
  public static CredentialReport parse(String csv, Instant generatedAt) {
    CSVFormat format =
        CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true).build();
    List<Row> rows = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    try (CSVParser parser = CSVParser.parse(csv, format)) {
      List<String> missing =
          REQUIRED.stream().filter(c -> !parser.getHeaderMap().containsKey(c)).toList();
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(
            "the credential report has no column "
                + String.join(", ", missing)
                + "; expected IAM's credential report format (header found: "
                + parser.getHeaderNames()
                + "). Check that the report came from GetCredentialReport.");
      }
      for (CSVRecord record : parser) {
        try {
          rows.add(row(record));
        } catch (IllegalArgumentException e) {
          skipped.add("report line " + (record.getRecordNumber() + 1) + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("the credential report could not be read", e);
    }
    return new CredentialReport(generatedAt, List.copyOf(rows), List.copyOf(skipped));
  }

  private static Row row(CSVRecord record) {
    if (!record.isConsistent()) {
      throw new IllegalArgumentException(
          "expected "
              + record.getParser().getHeaderNames().size()
              + " fields, found "
              + record.size());
    }
    String user = record.get("user");
    return new Row(
        user,
        record.get("arn"),
        date(record, "user_creation_time")
            .orElseThrow(
                () -> new IllegalArgumentException("user " + user + " has no creation time")),
        flag(record, "password_enabled"),
        date(record, "password_last_used"),
        optionalColumn(record, "password_last_changed")
            .flatMap(v -> date(record, "password_last_changed")),
        flag(record, "mfa_active"),
        List.of(slot(record, 1), slot(record, 2)));
  }

  private static KeySlot slot(CSVRecord record, int slot) {
    String prefix = "access_key_" + slot + "_";
    return new KeySlot(
        slot,
        flag(record, prefix + "active"),
        date(record, prefix + "last_rotated"),
        date(record, prefix + "last_used_date"),
        optionalColumn(record, prefix + "last_used_service").filter(v -> !NO_VALUE.contains(v)));
  }

  private static Optional<String> optionalColumn(CSVRecord record, String column) {
    return record.isMapped(column) ? Optional.ofNullable(record.get(column)) : Optional.empty();
  }

  private static boolean flag(CSVRecord record, String column) {
    // The root row says not_supported for password_enabled: no IAM password, so not a console user.
    return record.get(column).toLowerCase(Locale.ROOT).equals("true");
  }

  private static Optional<Instant> date(CSVRecord record, String column) {
    String value = record.get(column);
    if (NO_VALUE.contains(value)) {
      return Optional.empty();
    }
    try {
      return Optional.of(OffsetDateTime.parse(value).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "user "
              + record.get("user")
              + ": "
              + column
              + " is \""
              + value
              + "\", expected an ISO-8601 time such as 2026-01-31T12:00:00+00:00");
    }
  }
}
