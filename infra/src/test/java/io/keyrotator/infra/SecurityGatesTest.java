package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * The build's security gates, on every stack of every configuration the tests synthesize ({@link
 * TestApps#ALL}, cdk.json's included): cdk-nag's AwsSolutions pack reports nothing unsuppressed,
 * and cfn-lint finds no error and no warning in the synthesized template (it ignores nothing).
 */
class SecurityGatesTest {

  static Stream<Arguments> stacks() {
    List<Arguments> all = new ArrayList<>();
    for (String config : TestApps.ALL) {
      TestApps.Built built = TestApps.get(config);
      for (Stack stack : built.stacks()) {
        all.add(Arguments.of(stack.getNode().getPath(), stack));
      }
    }
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void cdkNagAwsSolutionsHasNoUnsuppressedFinding(String path, Stack stack) {
    Annotations annotations = Annotations.fromStack(stack);

    assertThat(describe(annotations.findError("*", Match.anyValue())))
        .as("error annotations (cdk-nag findings and CDK errors) on %s", path)
        .isEmpty();
    assertThat(describe(annotations.findWarning("*", Match.anyValue())))
        .as("warning annotations on %s", path)
        .isEmpty();
  }

  /**
   * Every cdk-nag suppression is narrow and explained: only the expected rules, IAM findings only
   * for the listed permissions (applies_to), and a reason a reviewer can check.
   */
  @Test
  @SuppressWarnings("unchecked")
  void everyNagSuppressionIsSpecificAndExplained() {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    for (String config : TestApps.ALL) {
      TestApps.Built built = TestApps.get(config);
      for (Stack stack : built.stacks()) {
        Map<String, Object> resources =
            (Map<String, Object>) built.template(stack.getNode().getId()).toJSON().get("Resources");
        for (Map.Entry<String, Object> resource : resources.entrySet()) {
          Map<String, Object> metadata =
              (Map<String, Object>) ((Map<String, Object>) resource.getValue()).get("Metadata");
          Object nag = metadata == null ? null : metadata.get("cdk_nag");
          if (nag == null) {
            continue;
          }
          for (Map<String, Object> rule :
              (List<Map<String, Object>>) ((Map<String, Object>) nag).get("rules_to_suppress")) {
            String id = (String) rule.get("id");
            ids.add(id);
            assertThat((String) rule.get("reason"))
                .as("reason of %s on %s", id, resource.getKey())
                .hasSizeGreaterThan(60);
            if (id.startsWith("AwsSolutions-IAM")) {
              assertThat((List<Object>) rule.get("applies_to"))
                  .as("%s on %s must name the findings it covers", id, resource.getKey())
                  .isNotEmpty();
            }
          }
        }
      }
    }
    // SMG4: the evidence seal key is never rotated (EvidenceSealSecret says why).
    assertThat(ids)
        .containsExactly(
            "AwsSolutions-IAM4", "AwsSolutions-IAM5", "AwsSolutions-L1", "AwsSolutions-SMG4");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void cfnLintFindsNoErrorAndNoWarning(String path, Stack stack) throws Exception {
    Path template = synthesizedTemplate(stack);

    CfnLint.Result result = CfnLint.run(template, stack.getRegion());

    assertThat(result.exitCode())
        .as("cfn-lint on %s (exit %d):%n%s", template, result.exitCode(), result.output())
        .isZero();
  }

  @Test
  void cfnLintGateCatchesABrokenTemplate() throws Exception {
    Path broken = TestApps.outRoot().resolve("broken.template.json");
    Files.createDirectories(broken.getParent());
    Files.writeString(
        broken,
        "{\"Resources\": {\"Topic\": {\"Type\": \"AWS::SNS::Topic\","
            + " \"Properties\": {\"KmsMasterKeyId\": 42, \"NoSuchProperty\": true}}}}");

    CfnLint.Result result = CfnLint.run(broken, "us-east-1");

    assertThat(result.hasErrors()).as(result.output()).isTrue();
    assertThat(result.output()).contains("NoSuchProperty");
  }

  @SuppressWarnings("deprecation") // Annotations.find* still returns the cxapi type.
  private static List<String> describe(List<SynthesisMessage> messages) {
    return messages.stream().map(m -> m.getId() + ": " + m.getEntry().getData()).toList();
  }

  private static Path synthesizedTemplate(Stack stack) throws IOException {
    CloudAssembly assembly = Stage.of(stack).synth();
    Path template = Path.of(assembly.getDirectory(), stack.getTemplateFile());
    assertThat(Files.exists(template)).as("synthesized %s", template).isTrue();
    return template;
  }
}
