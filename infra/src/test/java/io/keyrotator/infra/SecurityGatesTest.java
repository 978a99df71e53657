package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The build's security gates, on every stack of every test configuration: cdk-nag's AwsSolutions
 * pack reports nothing unsuppressed, and cfn-lint finds no error in the synthesized template.
 */
class SecurityGatesTest {

  static Stream<Arguments> stacks() {
    List<Arguments> all = new ArrayList<>();
    for (String config : List.of(TestApps.FULL, TestApps.MINIMAL)) {
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

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void cfnLintFindsNoError(String path, Stack stack) throws Exception {
    Path template = synthesizedTemplate(stack);
    List<String> command =
        List.of("cfn-lint", "--format", "parseable", "--regions", stack.getRegion(), "--", template.toString());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail(
          "cfn-lint is not installed or not on PATH; install it with `pip install cfn-lint`"
              + " (the build's template gate needs it): "
              + e.getMessage());
      return;
    }
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("cfn-lint did not finish within 5 minutes on " + template);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational; 1 a crash.
    int exit = process.exitValue();
    assertThat(exit & 3)
        .as("cfn-lint on %s (exit %d):%n%s", template, exit, output)
        .isZero();
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
