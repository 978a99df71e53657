package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.contract.KeyLimitPolicy;
import io.keyrotator.contract.PreviousKeyPolicy;
import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.InvalidConfigException;
import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.config.KeyrotatorConfig.TrailMode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
  private static final String ENV =
      "\"environments\": [{\"account\": \"123456789012\", \"region\": \"eu-west-1\"}]";

  private static KeyrotatorConfig load(String body) {
    return ConfigLoader.fromContext("{" + body + "}");
  }

  @Test
  void minimalConfigGetsTheDocumentedDefaults() {
    KeyrotatorConfig config = load(ENV + ", \"users\": [{\"name\": \"app\"}]");

    assertThat(config.environments().get(0).name()).isEqualTo("keyrotator-123456789012-eu-west-1");
    assertThat(config.users().get(0).create()).isFalse();
    assertThat(config.users().get(0).path()).isEqualTo("/");
    assertThat(config.schedule().expression()).isEqualTo("rate(30 days)");
    assertThat(config.schedule().window()).isEmpty();
    assertThat(config.rotation())
        .isEqualTo(
            new KeyrotatorConfig.RotationSettings(
                PreviousKeyPolicy.KEEP, KeyLimitPolicy.IDLE, 7, false, 3, 60, 1000));
    assertThat(config.notificationEmails()).isEmpty();
    assertThat(config.trail().mode()).isEqualTo(TrailMode.NONE);
    assertThat(config.hardening().passwordPolicy()).isFalse();
    assertThat(config.hardening().mfaGroupName()).isEmpty();
    assertThat(config.logRetentionDays()).isEqualTo(365);
    assertThat(config.hygiene())
        .isEqualTo(
            new KeyrotatorConfig.Hygiene(
                true, "cron(0 6 * * ? *)", 7, 0, 30, 24, false, false, 90, 45));
    assertThat(config.operators()).isEmpty();
    assertThat(config.deploymentRoleArn()).isEmpty();
  }

  @Test
  void operatorsAndDeploymentRoleAreReadAsGiven() {
    KeyrotatorConfig config =
        load(
            ENV
                + ", \"users\": [{\"name\": \"app\"}],"
                + " \"operators\": [\"arn:aws:iam::123456789012:role/ops\","
                + " \"arn:aws:iam::123456789012:user/alice\"],"
                + " \"deploymentRoleArn\": \"arn:aws:iam::123456789012:role/deployer\"");

    assertThat(config.operators())
        .containsExactly(
            "arn:aws:iam::123456789012:role/ops", "arn:aws:iam::123456789012:user/alice");
    assertThat(config.deploymentRoleArn()).contains("arn:aws:iam::123456789012:role/deployer");
  }

  @Test
  void userNamesThatDifferOnlyInCaseAreOneIamUser() {
    assertThatThrownBy(
            () ->
                load(
                    ENV
                        + ", \"users\": [{\"name\": \"legacy-batch\"}, {\"name\": \"Legacy-Batch\"}]"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "users[1].name: \"Legacy-Batch\" and users[0].name \"legacy-batch\" are the same IAM"
                + " user: IAM user names are unique regardless of case");
  }

  @Test
  void managedUserNamesMustFitTheFunctionsEnvironment() {
    // 50 names of 60 characters: 50 * 61 - 1 = 3049 characters joined.
    String users = fiftyUsersNamed(60);

    assertThatThrownBy(() -> load(ENV + ", \"users\": [" + users + "]"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(
            "users: the 50 names come to 3049 characters joined with commas, more than 3000")
        .hasMessageContaining("Lambda allows 4 KB");
  }

  @Test
  void managedUserNamesJustWithinTheLimitAreAccepted() {
    // 50 names of 59 characters: 50 * 60 - 1 = 2999 characters joined.
    String users = fiftyUsersNamed(59);

    assertThat(load(ENV + ", \"users\": [" + users + "]").users()).hasSize(50);
  }

  /** The JSON of 50 users (no brackets), each named by its index zero-padded to {@code length}. */
  private static String fiftyUsersNamed(int length) {
    StringBuilder users = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      users
          .append(i == 0 ? "" : ", ")
          .append("{\"name\": \"")
          .append(String.format("%0" + length + "d", i))
          .append("\"}");
    }
    return users.toString();
  }

  @Test
  void hygieneSettingsAreReadAsGiven() {
    KeyrotatorConfig config =
        load(
            ENV
                + ", \"users\": [{\"name\": \"app\"}], \"hygiene\": {\"enabled\": false,"
                + " \"schedule\": \"rate(1 day)\", \"graceDays\": 0, \"hardLimitDays\": 30,"
                + " \"deleteAfterDays\": 60, \"stuckAfterHours\": 2, \"repair\": true,"
                + " \"dryRun\": true, \"auditMaxKeyAgeDays\": 180, \"auditUnusedDays\": 90}");

    assertThat(config.hygiene())
        .isEqualTo(
            new KeyrotatorConfig.Hygiene(false, "rate(1 day)", 0, 30, 60, 2, true, true, 180, 90));
  }

  @Test
  void createdUsersLiveUnderTheKeyrotatorPath() {
    KeyrotatorConfig config = load(ENV + ", \"users\": [{\"name\": \"app\", \"create\": true}]");

    assertThat(config.users().get(0).path()).isEqualTo("/keyrotator/");
  }

  @Test
  void anExistingUsersKeyToAdoptIsReadAsGiven() {
    KeyrotatorConfig config =
        load(ENV + ", \"users\": [{\"name\": \"app\", \"adoptKey\": \"AKIAIOSFODNN7EXAMPLE\"}]");

    assertThat(config.users().get(0).adoptKey()).contains("AKIAIOSFODNN7EXAMPLE");
  }

  @Test
  void acceptsTheContextAsAnObjectAsCdkJsonGivesIt() {
    KeyrotatorConfig config =
        ConfigLoader.fromContext(
            Map.of(
                "environments", List.of(Map.of("account", "123456789012", "region", "us-east-1")),
                "users", List.of(Map.of("name", "app")),
                "rotation", Map.of("idleDays", 14)));

    assertThat(config.rotation().idleDays()).isEqualTo(14);
  }

  @Test
  void missingContextSaysWhereConfigurationGoes() {
    assertThatThrownBy(() -> ConfigLoader.fromContext(null))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("cdk.json")
        .hasMessageContaining("keyrotator:configFile");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"users\": [{\"name\": \"app\"}]" + "| environments: expected a non-empty list",
        "\"environments\": [{\"account\": \"1234\", \"region\": \"eu-west-1\"}], \"users\": [{\"name\": \"a\"}]"
            + "| environments[0].account: \"1234\" is not a 12-digit AWS account id",
        "\"environments\": [{\"account\": \"123456789012\", \"region\": \"Europe\"}], \"users\": [{\"name\": \"a\"}]"
            + "| environments[0].region: \"Europe\" is not an AWS Region",
        ENV + "| users: expected a non-empty list",
        ENV
            + ", \"users\": [{\"name\": \"a b\"}]"
            + "| users[0].name: \"a b\" is not a valid IAM user name",
        ENV
            + ", \"users\": [{\"name\": \"a\"}, {\"name\": \"a\"}]"
            + "| users[1].name: \"a\" is listed twice (users[0])",
        ENV + ", \"users\": [{\"name\": \"a,b\"}]" + "| users[0].name: \"a,b\" contains a comma",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"operators\": [\"ops\"]"
            + "| operators[0]: \"ops\" is not an IAM role or user ARN",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"operators\": [\"self\"]"
            + "| operators[0]: \"self\" is not an IAM role or user ARN",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"operators\": \"arn:aws:iam::123456789012:role/ops\""
            + "| operators: expected a list of IAM role or user ARNs",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"deploymentRoleArn\": \"arn:aws:iam::123456789012:user/me\""
            + "| deploymentRoleArn: \"arn:aws:iam::123456789012:user/me\" is not an IAM role ARN",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"deploymentRoleArn\": \"arn:aws:iam::999999999999:role/deployer\""
            + "| deploymentRoleArn: the role is in account 999999999999 but environments[0] deploys to 123456789012",
        ENV
            + ", \"users\": [{\"name\": \"a\", \"create\": true, \"path\": \"/x/\"}]"
            + "| users[0].path: users the stack creates always live under /keyrotator/",
        ENV
            + ", \"users\": [{\"name\": \"a\", \"adoptKey\": \"akia-1234\"}]"
            + "| users[0].adoptKey: \"akia-1234\" is not an access key id",
        ENV
            + ", \"users\": [{\"name\": \"a\", \"create\": true, \"adoptKey\": \"AKIAIOSFODNN7EXAMPLE\"}]"
            + "| users[0].adoptKey: a user the stack creates has no existing key to adopt",
        ENV
            + ", \"users\": [{\"name\": \"a\", \"readers\": [\"ci-runner\"]}]"
            + "| users[0].readers[0]: \"ci-runner\" is not an IAM role or user ARN",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"schedule\": {\"expression\": \"every monday\"}"
            + "| schedule.expression: \"every monday\" is neither rate(N days|hours) nor a six-field cron",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"schedule\": {\"expression\": \"rate(2 hours)\"}"
            + "| schedule.expression: \"rate(2 hours)\": Secrets Manager rotates between every 4 hours",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"schedule\": {\"window\": \"30m\"}"
            + "| schedule.window: \"30m\" must be 1h .. 24h",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"rotation\": {\"previousKeyPolicy\": \"destroy\"}"
            + "| rotation.previousKeyPolicy: \"destroy\" is not one of [keep, deactivate, delete]",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"rotation\": {\"propagationTimeoutSeconds\": 900}"
            + "| rotation.propagationTimeoutSeconds: expected a whole number from 1 to 840, found 900",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"rotation\": {\"propagationIntervalMillis\": 5}"
            + "| rotation.propagationIntervalMillis: expected a whole number from 10 to 60000, found 5",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"notificationEmails\": [\"ops\"]"
            + "| notificationEmails[0]: \"ops\" is not an e-mail address",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"trail\": {\"mode\": \"existingLogGroup\"}"
            + "| trail.logGroupName: required when trail.mode is existingLogGroup",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"trail\": {\"mode\": \"organization\"}"
            + "| trail.mode: \"organization\" is not one of [create, existingLogGroup, none]",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hardening\": {\"passwordPolicy\": \"yes\"}"
            + "| hardening.passwordPolicy: expected true or false",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"logRetentionDays\": 400"
            + "| logRetentionDays: 400 is not one of",
        ENV + ", \"users\": [{\"name\": \"a\"}], \"schedul\": {}" + "| schedul: unknown field",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"schedule\": \"daily\"}"
            + "| hygiene.schedule: \"daily\" is neither rate(N minutes",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"schedule\": \"rate(1 days)\"}"
            + "| hygiene.schedule: \"rate(1 days)\": EventBridge takes the singular unit for 1 and the plural otherwise; write rate(1 day)",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"enabled\": \"yes\"}"
            + "| hygiene.enabled: expected true or false",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"graceDays\": -1}"
            + "| hygiene.graceDays: expected a whole number from 0 to 3650",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"graceDays\": 14, \"hardLimitDays\": 10}"
            + "| hygiene.hardLimitDays: 10 must be longer than hygiene.graceDays (14)",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"deleteAfterDays\": 0}"
            + "| hygiene.deleteAfterDays: expected a whole number from 1 to 3650",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"stuckAfterHours\": 0}"
            + "| hygiene.stuckAfterHours: expected a whole number from 1 to 8760",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"dryRun\": 1}"
            + "| hygiene.dryRun: expected true or false",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"auditUnusedDays\": 0}"
            + "| hygiene.auditUnusedDays: expected a whole number from 1 to 3650",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": {\"graceDay\": 3}"
            + "| hygiene.graceDay: unknown field",
        ENV
            + ", \"users\": [{\"name\": \"a\"}], \"hygiene\": true"
            + "| hygiene: expected an object",
      })
  void badConfigurationIsRejectedNamingTheField(String body, String message) {
    assertThatThrownBy(() -> load(body))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining(message.strip());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '#',
      value = {
        "\"rotation\": {\"idleDays\": \"7\"}"
            + "# rotation.idleDays: expected a whole number from 0 to 3650, found \"7\"",
        "\"rotation\": {\"idleDays\": 1.5}"
            + "# rotation.idleDays: expected a whole number from 0 to 3650, found 1.5",
        "\"hygiene\": {\"dryRun\": \"true\"}"
            + "# hygiene.dryRun: expected true or false, found \"true\"",
        "\"hardening\": {\"mfaGroupName\": 5}"
            + "# hardening.mfaGroupName: expected a non-empty string, found 5",
        "\"hardening\": {\"mfaGroupName\": \" \"}"
            + "# hardening.mfaGroupName: expected a non-empty string, found \" \"",
        "\"rotation\": {\"keyLimitPolicy\": 1}"
            + "# rotation.keyLimitPolicy: expected one of [inactive, idle, never], found 1",
        "\"rotation\": {\"keyLimitPolicy\": \"IDLE\"}"
            + "# rotation.keyLimitPolicy: \"IDLE\" is not one of [inactive, idle, never]",
        "\"schedule\": {\"expression\": \"rate(30 days)\", \"windw\": \"3h\"}"
            + "# schedule.windw: unknown field; expected one of [expression, window]",
        "\"trail\": \"create\""
            + "# trail: expected an object {\"mode\", \"logGroupName\"}, found \"create\"",
        "\"notificationEmails\": {\"to\": \"ops@example.com\"}"
            + "# notificationEmails: expected a list of e-mail addresses, found {\"to\":\"ops@example.com\"}",
        "\"operators\": [[\"arn:aws:iam::123456789012:role/ops\"]]"
            + "# operators[0]: expected a non-empty string, found [\"arn:aws:iam::123456789012:role/ops\"]",
        // An unknown or misshapen field holding a list is named by its path too.
        "\"usres\": []"
            + "# usres: unknown field; expected one of [deploymentRoleArn, environments, hardening,"
            + " hygiene, logRetentionDays, notificationEmails, operators, rotation, schedule, trail,"
            + " users]",
        "\"hygiene\": {\"extra\": [1, 2, 3]}"
            + "# hygiene.extra: unknown field; expected one of [auditMaxKeyAgeDays, auditUnusedDays,"
            + " deleteAfterDays, dryRun, enabled, graceDays, hardLimitDays, repair, schedule,"
            + " stuckAfterHours]",
        "\"hygiene\": {\"extra\": {\"a\": [1]}}"
            + "# hygiene.extra: unknown field; expected one of [auditMaxKeyAgeDays, auditUnusedDays,"
            + " deleteAfterDays, dryRun, enabled, graceDays, hardLimitDays, repair, schedule,"
            + " stuckAfterHours]",
        "\"trail\": [1]" + "# trail: expected an object {\"mode\", \"logGroupName\"}, found [1]",
        "\"hygiene\": {\"graceDays\": {\"days\": 3}}"
            + "# hygiene.graceDays: expected a whole number from 0 to 3650, found {\"days\":3}",
      })
  void aFieldOfTheWrongShapeIsOneLineNamingItsPath(String extra, String problem) {
    assertThat(ConfigProblems.of(extra)).containsExactly(problem.strip());
  }

  @Test
  void aFieldListedTwiceIsRefusedNotSilentlyReplaced() {
    assertThat(ConfigProblems.of("\"users\": [{\"name\": \"b\"}]"))
        .containsExactly(
            "users: listed twice (line 1, column 72 and line 1, column 100); JSON would keep only"
                + " the last one. Keep one");
  }

  @Test
  void aFieldListedTwiceAtAnyDepthIsOneLineBesideTheOtherProblems() {
    assertThat(
            ConfigProblems.ofText(
                "{"
                    + ENV
                    + ",\n \"users\": [{\"name\": \"a\", \"name\": \"b\", \"name\": \"c\"}],\n"
                    + " \"hygiene\": {\"graceDays\": 1, \"graceDays\": 2},\n"
                    + " \"logRetentionDays\": 2}"))
        .containsExactly(
            "users[0].name: listed 3 times (line 2, column 13 and line 2, column 26 and line 2,"
                + " column 39); JSON would keep only the last one. Keep one",
            "hygiene.graceDays: listed twice (line 3, column 14 and line 3, column 30); JSON would"
                + " keep only the last one. Keep one",
            "logRetentionDays: 2 is not one of [30, 90, 180, 365, 731, 1827, 3653]");
  }

  @Test
  void theSameFieldInTwoListItemsIsNoDuplicate() {
    assertThat(load(ENV + ", \"users\": [{\"name\": \"a\"}, {\"name\": \"b\"}]").users())
        .hasSize(2);
  }

  @Test
  void anUnknownFieldInAListItemIsNamedByItsPath() {
    assertThat(
            ConfigProblems.ofText(
                "{" + ENV + ", \"users\": [{\"name\": \"a\", \"reader\": [\"x\"]}]}"))
        .containsExactly(
            "users[0].reader: unknown field; expected one of [adoptKey, create, name, path, readers]");
  }

  @Test
  void aRetentionThatOverflowsAnIntIsNotMistakenForAnAllowedOne() {
    // 2^32 + 365: cast to int it would read as 365.
    assertThat(ConfigProblems.of("\"logRetentionDays\": 4294967661"))
        .containsExactly(
            "logRetentionDays: 4294967661 is not one of [30, 90, 180, 365, 731, 1827, 3653]");
  }

  @Test
  void anEnvironmentOfTheWrongShapeIsReportedOnce() {
    assertThatThrownBy(() -> load("\"environments\": [5], \"users\": [{\"name\": \"a\"}]"))
        .hasMessageContaining(
            "environments[0]: expected an object {\"name\", \"account\", \"region\"}, found 5");
  }

  @Test
  void everyShapeAndRuleProblemIsOneLineShapesFirst() {
    assertThat(
            ConfigProblems.of(
                "\"rotation\": {\"idleDays\": \"x\", \"propagationTimeoutSeconds\": 0,"
                    + " \"extra\": 1}, \"hygiene\": {\"graceDays\": -1, \"repair\": \"no\"},"
                    + " \"logRetentionDays\": 2"))
        .containsExactly(
            "rotation.extra: unknown field; expected one of [deleteUnprovenKeys, idleDays,"
                + " keyLimitPolicy, previousKeyPolicy, propagationIntervalMillis,"
                + " propagationSuccesses, propagationTimeoutSeconds]",
            "hygiene.repair: expected true or false, found \"no\"",
            "rotation.idleDays: expected a whole number from 0 to 3650, found \"x\"",
            "rotation.propagationTimeoutSeconds: expected a whole number from 1 to 840, found 0",
            "logRetentionDays: 2 is not one of [30, 90, 180, 365, 731, 1827, 3653]",
            "hygiene.graceDays: expected a whole number from 0 to 3650, found -1");
  }

  @Test
  void reportsEveryProblemAtOnce() {
    assertThatThrownBy(
            () ->
                load(
                    "\"environments\": [{\"account\": \"x\", \"region\": \"eu-west-1\"}],"
                        + " \"users\": [{\"name\": \"a\"}], \"logRetentionDays\": 2"))
        .hasMessageContaining("environments[0].account")
        .hasMessageContaining("logRetentionDays");
  }

  @Test
  void theSameAccountTwiceIsRejectedBecauseUsersAreGlobal() {
    assertThatThrownBy(
            () ->
                load(
                    "\"environments\": [{\"account\": \"123456789012\", \"region\": \"eu-west-1\"},"
                        + " {\"name\": \"b\", \"account\": \"123456789012\", \"region\": \"us-east-1\"}],"
                        + " \"users\": [{\"name\": \"a\"}]"))
        .hasMessageContaining(
            "environments[1].account: 123456789012 is already listed (environments[0], eu-west-1)")
        .hasMessageContaining("one Region per account");
  }
}
