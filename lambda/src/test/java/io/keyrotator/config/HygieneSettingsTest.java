package io.keyrotator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.FunctionEnvironment;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HygieneSettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    assertThat(HygieneSettings.from(Map.of()))
        .isEqualTo(
            new HygieneSettings(
                Duration.ofDays(7),
                Duration.ofMinutes(120),
                Duration.ZERO,
                Duration.ofDays(30),
                Duration.ofHours(24),
                false,
                false));
  }

  @Test
  void readsEveryVariable() {
    HygieneSettings s =
        HygieneSettings.from(
            Map.of(
                FunctionEnvironment.HYGIENE_GRACE_DAYS,
                "3",
                FunctionEnvironment.HYGIENE_SWITCH_MINUTES,
                "0",
                FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS,
                "60",
                FunctionEnvironment.HYGIENE_DELETE_AFTER_DAYS,
                "10",
                FunctionEnvironment.HYGIENE_STUCK_AFTER_HOURS,
                "6",
                FunctionEnvironment.HYGIENE_REPAIR,
                "true",
                FunctionEnvironment.HYGIENE_DRY_RUN,
                "TRUE"));
    assertThat(s)
        .isEqualTo(
            new HygieneSettings(
                Duration.ofDays(3),
                Duration.ZERO,
                Duration.ofDays(60),
                Duration.ofDays(10),
                Duration.ofHours(6),
                true,
                true));
    assertThat(s.withDryRun(false).dryRun()).isFalse();
  }

  @Test
  void namesBadValuesAndAHardLimitInsideTheGracePeriod() {
    assertThatThrownBy(
            () ->
                HygieneSettings.from(
                    Map.of(
                        FunctionEnvironment.HYGIENE_STUCK_AFTER_HOURS,
                        "0",
                        FunctionEnvironment.HYGIENE_REPAIR,
                        "maybe")))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(
            "KEYROTATOR_HYGIENE_STUCK_AFTER_HOURS=0: expected a whole number from 1 to 8760")
        .hasMessageContaining("KEYROTATOR_HYGIENE_REPAIR=\"maybe\": expected true or false");
    assertThatThrownBy(
            () -> HygieneSettings.from(Map.of(FunctionEnvironment.HYGIENE_HARD_LIMIT_DAYS, "5")))
        .hasMessageContaining(
            "KEYROTATOR_HYGIENE_HARD_LIMIT_DAYS=5 must be longer than KEYROTATOR_HYGIENE_GRACE_DAYS=7");
  }
}
