package io.keyrotator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditSettingsTest {
  @Test
  void defaultsAreTheManagedRulesValues() {
    AuditSettings s = AuditSettings.from(Map.of());
    assertThat(s.maxKeyAge()).isEqualTo(Duration.ofDays(90));
    assertThat(s.unusedAfter()).isEqualTo(Duration.ofDays(45));
    assertThat(s.passwordMinimumLength()).isEqualTo(14);
    assertThat(s.passwordReusePrevention()).isEqualTo(24);
    assertThat(s.passwordMaxAgeDays()).isEqualTo(90);
    assertThat(s.reportWait()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.reportPollInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void readsEveryVariable() {
    AuditSettings s =
        AuditSettings.from(
            Map.of(
                "KEYROTATOR_AUDIT_MAX_KEY_AGE_DAYS", "30",
                "KEYROTATOR_AUDIT_UNUSED_DAYS", "90",
                "KEYROTATOR_AUDIT_PASSWORD_MIN_LENGTH", "16",
                "KEYROTATOR_AUDIT_PASSWORD_REUSE_PREVENTION", "12",
                "KEYROTATOR_AUDIT_PASSWORD_MAX_AGE_DAYS", "60",
                "KEYROTATOR_AUDIT_REPORT_WAIT_SECONDS", "30",
                "KEYROTATOR_AUDIT_REPORT_POLL_MILLIS", "100"));
    assertThat(s)
        .isEqualTo(
            new AuditSettings(
                Duration.ofDays(30),
                Duration.ofDays(90),
                16,
                12,
                60,
                Duration.ofSeconds(30),
                Duration.ofMillis(100)));
  }

  @Test
  void namesEveryBadVariableAtOnce() {
    assertThatThrownBy(
            () ->
                AuditSettings.from(
                    Map.of(
                        "KEYROTATOR_AUDIT_MAX_KEY_AGE_DAYS", "0",
                        "KEYROTATOR_AUDIT_UNUSED_DAYS", "forty-five",
                        "KEYROTATOR_AUDIT_PASSWORD_REUSE_PREVENTION", "25")))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(
            "KEYROTATOR_AUDIT_MAX_KEY_AGE_DAYS=0: expected a whole number from 1 to 3650")
        .hasMessageContaining("KEYROTATOR_AUDIT_UNUSED_DAYS=\"forty-five\"")
        .hasMessageContaining("KEYROTATOR_AUDIT_PASSWORD_REUSE_PREVENTION=25")
        .hasMessageContaining("docs/hygiene.md");
  }
}
