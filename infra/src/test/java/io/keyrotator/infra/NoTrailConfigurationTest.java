package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.infra.config.InvalidConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/** Trail mode none, several environments, and bad configuration stopping the app. */
class NoTrailConfigurationTest {

  @Test
  void trailModeNoneCreatesNoCloudTrailAlarmsAndEachEnvironmentGetsItsOwnStage() {
    List<Stack> stacks = TestApps.get(TestApps.MULTI_ENVIRONMENT).stacks();

    assertThat(stacks.stream().map(s -> s.getNode().getPath()).toList())
        .containsExactly("prod-us/Keyrotator", "prod-eu/Keyrotator", "prod-eu/KeyrotatorIamEvents");
    assertThat(stacks.stream().map(s -> s.getAccount() + "/" + s.getRegion()).toList())
        .containsExactly(
            "111111111111/us-east-1", "222222222222/eu-central-1", "222222222222/us-east-1");
    Template template = Template.fromStack(stacks.get(0));
    template.resourceCountIs("AWS::Logs::MetricFilter", 0);
    template.resourceCountIs("AWS::CloudTrail::Trail", 0);
    // Only the StepFailed alarm and the hygiene function's six remain.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 7);
  }

  @Test
  void mfaGroupAloneLeavesThePasswordPolicyAlone() {
    List<Stack> stacks = TestApps.get(TestApps.MFA_ONLY).stacks();
    Template template = Template.fromStack(stacks.get(0));

    template.resourceCountIs("Custom::AWS", 0);
    template.resourceCountIs("AWS::IAM::Group", 1);
    template.hasResourceProperties(
        "AWS::IAM::Group",
        software.amazon.awscdk.assertions.Match.objectLike(
            java.util.Map.of("GroupName", "humans")));
  }

  @Test
  void appContextWithABadFieldFailsBeforeAnythingIsBuilt() {
    App app =
        App.Builder.create()
            .context(
                java.util.Map.of(
                    "keyrotator",
                    java.util.Map.of(
                        "environments",
                        List.of(java.util.Map.of("account", "123456789012", "region", "us-east-1")),
                        "users",
                        List.of(java.util.Map.of("name", "app")),
                        "trail",
                        java.util.Map.of("mode", "existingLogGroup"))))
            .build();

    assertThatThrownBy(() -> KeyrotatorApp.loadConfig(app))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("trail.logGroupName: required when trail.mode is existingLogGroup");
  }

  @Test
  void configFileNamedInContextIsRead() throws Exception {
    java.nio.file.Path file = TestApps.outRoot().resolve("keyrotator.json");
    java.nio.file.Files.writeString(
        file,
        "{\"environments\": [{\"account\": \"123456789012\", \"region\": \"us-east-1\"}],"
            + " \"users\": [{\"name\": \"from-file\"}]}");
    App app =
        App.Builder.create()
            .context(java.util.Map.of("keyrotator:configFile", file.toString()))
            .build();

    assertThat(KeyrotatorApp.loadConfig(app).users().get(0).name()).isEqualTo("from-file");
  }
}
