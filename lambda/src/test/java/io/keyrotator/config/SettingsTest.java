package io.keyrotator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsTest {
  /**
   * One variable: the value the tests set, how a setting reads it, what it reads when the variable
   * is unset (the documented default) and when it is set to {@code value}.
   */
  private record Variable(
      String name,
      String value,
      Function<Settings, Object> setting,
      Object byDefault,
      Object whenSet) {}

  private static final List<Variable> VARIABLES =
      List.of(
          new Variable("AWS_REGION", "eu-west-1", Settings::region, "us-east-1", "eu-west-1"),
          new Variable(
              "KEYROTATOR_MANAGED_PATH_PREFIX",
              "/ci/",
              Settings::managedPathPrefix,
              "/keyrotator/",
              "/ci/"),
          // The retired tag set but empty is accepted, and lists no users.
          new Variable("KEYROTATOR_MANAGED_TAG", "", Settings::managedUsers, Set.of(), Set.of()),
          new Variable(
              "KEYROTATOR_PREVIOUS_KEY_POLICY",
              "DELETE",
              Settings::previousKeyPolicy,
              PreviousKeyPolicy.KEEP,
              PreviousKeyPolicy.DELETE),
          new Variable(
              "KEYROTATOR_KEY_LIMIT_POLICY",
              "inactive",
              Settings::keyLimitPolicy,
              KeyLimitPolicy.IDLE,
              KeyLimitPolicy.INACTIVE),
          new Variable(
              "KEYROTATOR_IDLE_DAYS",
              "30",
              Settings::idleBeforeRemoval,
              Duration.ofDays(7),
              Duration.ofDays(30)),
          new Variable(
              "KEYROTATOR_DELETE_UNPROVEN_KEYS", "true", Settings::deleteUnprovenKeys, false, true),
          new Variable(
              "KEYROTATOR_PROPAGATION_SUCCESSES", "5", Settings::propagationSuccesses, 3, 5),
          new Variable(
              "KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS",
              "120",
              Settings::propagationTimeout,
              Duration.ofSeconds(60),
              Duration.ofSeconds(120)),
          new Variable(
              "KEYROTATOR_PROPAGATION_INTERVAL_MILLIS",
              "250",
              Settings::propagationInterval,
              Duration.ofSeconds(1),
              Duration.ofMillis(250)),
          new Variable(
              "KEYROTATOR_API_CALL_TIMEOUT_SECONDS",
              "10",
              Settings::apiCallTimeout,
              Duration.ofSeconds(30),
              Duration.ofSeconds(10)),
          new Variable(
              "KEYROTATOR_RETRY_MODE",
              "standard",
              s -> s.retryMode().toString(),
              "adaptive",
              "standard"));

  @Test
  void defaultsAreTheDocumentedOnes() {
    Settings s = Settings.from(Map.of());
    VARIABLES.forEach(v -> assertThat(v.setting().apply(s)).as(v.name()).isEqualTo(v.byDefault()));
  }

  @Test
  void readsEveryVariable() {
    Settings s =
        Settings.from(
            VARIABLES.stream().collect(Collectors.toMap(Variable::name, Variable::value)));
    VARIABLES.forEach(v -> assertThat(v.setting().apply(s)).as(v.name()).isEqualTo(v.whenSet()));
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
