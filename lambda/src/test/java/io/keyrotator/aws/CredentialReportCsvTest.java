package io.keyrotator.aws;

import static io.keyrotator.testing.CredentialReportRows.key;
import static io.keyrotator.testing.CredentialReportRows.none;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.ports.CredentialReport;
import io.keyrotator.ports.CredentialReport.Row;
import io.keyrotator.testing.CredentialReportRows;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CredentialReportCsvTest {
  private static final Instant T = Instant.parse("2026-06-01T10:00:00Z");

  @Test
  void readsAUserNameWithCommasAsOneField() {
    String csv =
        new CredentialReportRows()
            .keysOnly("ci,deploy@example.com", T, key(true, T, null), none())
            .csv();
    Row row = CredentialReportCsv.parse(csv, T).rows().get(0);
    assertThat(row.user()).isEqualTo("ci,deploy@example.com");
    assertThat(row.arn()).isEqualTo("arn:aws:iam::123456789012:user/ci,deploy@example.com");
    assertThat(row.accessKeys().get(0).active()).isTrue();
  }

  @Test
  void readsDatesAndTurnsNaNoInformationAndNotSupportedIntoEmpty() {
    Instant used = T.plusSeconds(3600);
    String csv =
        new CredentialReportRows()
            .root(T, true, key(true, T, used), none())
            .user("alice", T, "true", "no_information", "false", none(), none())
            .csv();
    CredentialReport report = CredentialReportCsv.parse(csv, T);
    Row root = report.rows().get(0);
    assertThat(root.root()).isTrue();
    assertThat(root.passwordEnabled()).isFalse();
    assertThat(root.passwordLastUsed()).isEmpty();
    assertThat(root.mfaActive()).isTrue();
    assertThat(root.accessKeys().get(0).lastRotated()).contains(T);
    assertThat(root.accessKeys().get(0).lastUsed()).contains(used);
    assertThat(root.accessKeys().get(0).lastUsedService()).contains("s3");
    Row alice = report.rows().get(1);
    assertThat(alice.passwordEnabled()).isTrue();
    assertThat(alice.passwordLastUsed()).isEmpty();
    assertThat(alice.passwordLastChanged()).contains(T);
    assertThat(alice.accessKeys())
        .allSatisfy(
            k -> {
              assertThat(k.active()).isFalse();
              assertThat(k.lastRotated()).isEmpty();
              assertThat(k.lastUsed()).isEmpty();
              assertThat(k.lastUsedService()).isEqualTo(Optional.empty());
            });
    assertThat(report.skipped()).isEmpty();
  }

  @Test
  void skipsARowWithAnUnreadableDateAndKeepsTheOthers() {
    String csv =
        new CredentialReportRows().keysOnly("alice", T, none(), none()).csv()
            + "bob,arn:aws:iam::123456789012:user/bob,yesterday,false,N/A,N/A,N/A,false,"
            + "false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n"
            + "carol,arn:aws:iam::123456789012:user/carol,too-few-fields\n";
    CredentialReport report = CredentialReportCsv.parse(csv, T);
    assertThat(report.rows()).extracting(Row::user).containsExactly("alice");
    assertThat(report.skipped()).hasSize(2);
    assertThat(report.skipped().get(0))
        .contains("user bob")
        .contains("user_creation_time is \"yesterday\"");
    assertThat(report.skipped().get(1)).contains("expected 22 fields, found 3");
  }

  @Test
  void aReportWithoutTheNeededColumnsFailsNamingThem() {
    assertThatThrownBy(() -> CredentialReportCsv.parse("user,arn\nalice,arn:x\n", T))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no column user_creation_time")
        .hasMessageContaining("GetCredentialReport");
  }
}
