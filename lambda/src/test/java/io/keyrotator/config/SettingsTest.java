package io.keyrotator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    Settings s = Settings.from(Map.of());
    assertThat(s.region()).isEqualTo("us-east-1");
    assertThat(s.managedPathPrefix()).isEqualTo("/keyrotator/");
    assertThat(s.managedUsers()).isEmpty();
    assertThat(s.previousKeyPolicy()).isEqualTo(PreviousKeyPolicy.KEEP);
    assertThat(s.keyLimitPolicy()).isEqualTo(KeyLimitPolicy.IDLE);
    assertThat(s.idleBeforeRemoval()).isEqualTo(Duration.ofDays(7));
    assertThat(s.deleteUnprovenKeys()).isFalse();
    assertThat(s.propagationSuccesses()).isEqualTo(3);
    assertThat(s.propagationTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.propagationInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.retryMode()).hasToString("adaptive");
  }

  @Test
  void readsEveryVariable() {
    Settings s =
        Settings.from(
            Map.ofEntries(
                Map.entry("AWS_REGION", "eu-west-1"),
                Map.entry("KEYROTATOR_MANAGED_PATH_PREFIX", "/ci/"),
                Map.entry("KEYROTATOR_MANAGED_TAG", ""),
                Map.entry("KEYROTATOR_PREVIOUS_KEY_POLICY", "DELETE"),
                Map.entry("KEYROTATOR_KEY_LIMIT_POLICY", "inactive"),
                Map.entry("KEYROTATOR_IDLE_DAYS", "30"),
                Map.entry("KEYROTATOR_DELETE_UNPROVEN_KEYS", "true"),
                Map.entry("KEYROTATOR_PROPAGATION_SUCCESSES", "5"),
                Map.entry("KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS", "120"),
                Map.entry("KEYROTATOR_PROPAGATION_INTERVAL_MILLIS", "250"),
                Map.entry("KEYROTATOR_API_CALL_TIMEOUT_SECONDS", "10"),
                Map.entry("KEYROTATOR_RETRY_MODE", "standard")));
    assertThat(s.region()).isEqualTo("eu-west-1");
    assertThat(s.managedPathPrefix()).isEqualTo("/ci/");
    assertThat(s.managedUsers()).isEmpty();
    assertThat(s.previousKeyPolicy()).isEqualTo(PreviousKeyPolicy.DELETE);
    assertThat(s.keyLimitPolicy()).isEqualTo(KeyLimitPolicy.INACTIVE);
    assertThat(s.idleBeforeRemoval()).isEqualTo(Duration.ofDays(30));
    assertThat(s.deleteUnprovenKeys()).isTrue();
    assertThat(s.propagationSuccesses()).isEqualTo(5);
    assertThat(s.propagationTimeout()).isEqualTo(Duration.ofSeconds(120));
    assertThat(s.propagationInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(s.apiCallTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.retryMode()).hasToString("standard");
  }

  @Test
  void namesEveryBadVariableAtOnce() {
    assertThatThrownBy(
            () ->
                Settings.from(
                    Map.of(
                        "KEYROTATOR_MANAGED_PATH_PREFIX", "keyrotator",
                        "KEYROTATOR_MANAGED_TAG", "managed",
                        "KEYROTATOR_KEY_LIMIT_POLICY", "sometimes",
                        "KEYROTATOR_DELETE_UNPROVEN_KEYS", "yes",
                        "KEYROTATOR_PROPAGATION_SUCCESSES", "0",
                        "KEYROTATOR_IDLE_DAYS", "seven",
                        "KEYROTATOR_RETRY_MODE", "legacy")))
        .isInstanceOf(InvalidSettingsException.class)
        .hasMessageContaining(
            "KEYROTATOR_MANAGED_PATH_PREFIX=\"keyrotator\": an IAM path prefix starts and ends with \"/\"")
        .hasMessageContaining(
            "KEYROTATOR_MANAGED_TAG is no longer supported: a user tag anyone with iam:TagUser can write")
        .hasMessageContaining(
            "KEYROTATOR_KEY_LIMIT_POLICY=\"sometimes\": expected inactive, idle or never")
        .hasMessageContaining("KEYROTATOR_DELETE_UNPROVEN_KEYS=\"yes\": expected true or false")
        .hasMessageContaining(
            "KEYROTATOR_PROPAGATION_SUCCESSES=0: expected a whole number from 1 to 20")
        .hasMessageContaining("KEYROTATOR_IDLE_DAYS=\"seven\"")
        .hasMessageContaining("KEYROTATOR_RETRY_MODE=\"legacy\": expected standard or adaptive");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/", "//", " / ", "///"})
  void refusesAScopeThatWouldCoverEveryUserInEveryForm(String prefix) {
    assertThatThrownBy(() -> Settings.from(Map.of("KEYROTATOR_MANAGED_PATH_PREFIX", prefix)))
        .hasMessageContaining("matches every IAM user");
    assertThatThrownBy(
            () ->
                Settings.from(
                    Map.of(
                        "KEYROTATOR_MANAGED_PATH_PREFIX",
                        prefix,
                        "KEYROTATOR_MANAGED_USERS",
                        "app-ci")))
        .as("a user list does not make a match-all path acceptable")
        .hasMessageContaining("matches every IAM user");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/key*/", "/a?/", "*"})
  void refusesWildcardsInThePath(String prefix) {
    assertThatThrownBy(() -> Settings.from(Map.of("KEYROTATOR_MANAGED_PATH_PREFIX", prefix)))
        .hasMessageContaining("no wildcards");
  }

  @Test
  void refusesAnEmptyScopeWildcardUsersAndCaseDuplicates() {
    assertThatThrownBy(() -> Settings.from(Map.of("KEYROTATOR_MANAGED_PATH_PREFIX", "")))
        .hasMessageContaining("set at least one");
    assertThatThrownBy(() -> Settings.from(Map.of("KEYROTATOR_MANAGED_USERS", "app-*")))
        .hasMessageContaining("\"app-*\" is not an IAM user name");
    assertThatThrownBy(
            () -> Settings.from(Map.of("KEYROTATOR_MANAGED_USERS", "legacy-batch,Legacy-Batch")))
        .hasMessageContaining(
            "\"Legacy-Batch\" is listed twice (IAM user names are unique regardless of case)");
  }

  @Test
  void readsTheUserListInLowerCase() {
    Settings s =
        Settings.from(
            Map.of(
                "KEYROTATOR_MANAGED_PATH_PREFIX",
                "",
                "KEYROTATOR_MANAGED_USERS",
                " App-CI , legacy "));
    assertThat(s.managedUsers()).containsExactlyInAnyOrder("app-ci", "legacy");
  }
}
