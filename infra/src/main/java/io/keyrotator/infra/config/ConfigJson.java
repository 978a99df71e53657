package io.keyrotator.infra.config;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import io.keyrotator.infra.config.KeyrotatorConfig.TrailMode;
import java.util.List;

/**
 * The configuration as its JSON is written, bound by Jackson before any rule is checked: a field
 * left out is {@code null}, and so is one whose JSON has the wrong shape (that problem is already
 * reported by {@link ConfigReader}); a whole number keeps what was written, so that its rule can
 * name the range whatever was found. A description says what a list or object field holds when its
 * shape is wrong; {@link ConfigRules} turns these records into {@link KeyrotatorConfig}.
 */
record ConfigJson(
    @JsonPropertyDescription("a non-empty list of {\"name\", \"account\", \"region\"}")
        List<EnvironmentJson> environments,
    @JsonPropertyDescription(
            "a non-empty list of {\"name\", \"create\", \"path\", \"readers\", \"adoptKey\"}")
        List<UserJson> users,
    ScheduleJson schedule,
    RotationJson rotation,
    @JsonPropertyDescription("a list of e-mail addresses") List<String> notificationEmails,
    TrailJson trail,
    HardeningJson hardening,
    WholeNumber logRetentionDays,
    HygieneJson hygiene,
    @JsonPropertyDescription(ConfigJson.PRINCIPALS) List<String> operators,
    String deploymentRoleArn) {

  static final String PRINCIPALS = "a list of IAM role or user ARNs";

  static final String READERS =
      "a list of IAM role or user ARNs, and \"self\" for the managed user itself";

  /**
   * A field that holds a whole number, as written: any JSON value but null.
   *
   * @param found the value in the configuration
   */
  record WholeNumber(JsonNode found) {
    /** Whether it is a whole number within {@code min..max}. */
    boolean within(long min, long max) {
      return found.isIntegralNumber()
          && found.canConvertToLong()
          && found.asLong() >= min
          && found.asLong() <= max;
    }
  }

  record EnvironmentJson(String name, String account, String region) {}

  record UserJson(
      String name,
      Boolean create,
      String path,
      @JsonPropertyDescription(ConfigJson.READERS) List<String> readers,
      String adoptKey) {}

  record ScheduleJson(String expression, String window) {}

  record RotationJson(
      PreviousKeyPolicy previousKeyPolicy,
      KeyLimitPolicy keyLimitPolicy,
      WholeNumber idleDays,
      Boolean deleteUnprovenKeys,
      WholeNumber propagationSuccesses,
      WholeNumber propagationTimeoutSeconds,
      WholeNumber propagationIntervalMillis) {}

  record TrailJson(TrailMode mode, String logGroupName) {}

  record HardeningJson(Boolean passwordPolicy, String mfaGroupName) {}

  record HygieneJson(
      Boolean enabled,
      String schedule,
      WholeNumber graceDays,
      WholeNumber hardLimitDays,
      WholeNumber deleteAfterDays,
      WholeNumber stuckAfterHours,
      Boolean repair,
      Boolean dryRun,
      WholeNumber auditMaxKeyAgeDays,
      WholeNumber auditUnusedDays) {}
}
