package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs cfn-lint on one template. Fails the test, with the install hint, if it is missing. */
final class CfnLint {
  private CfnLint() {}

  /**
   * @param exitCode cfn-lint's exit code, a bit mask: 2 errors, 4 warnings, 8 informational, 1 a
   *     crash or bad usage
   * @param output its parseable report
   */
  record Result(int exitCode, String output) {
    boolean hasErrors() {
      return (exitCode & 3) != 0;
    }
  }

  /**
   * The checks cfn-lint skips, each with its reason; everything else, warnings included, fails.
   *
   * <p>W3005 (a DependsOn already enforced by a GetAtt or Ref): CDK writes these itself. A Lambda
   * function depends on its role node, which takes in the role's default policy, the dependency
   * that matters (the function must not run before its permissions exist); the role half of it
   * repeats the GetAtt. The same holds for the trail and its CloudWatch Logs role, and for CDK's
   * own custom-resource provider. The redundant edge changes nothing in the deployment order.
   */
  static final List<String> IGNORED_CHECKS = List.of("W3005");

  static Result run(Path template, String region) throws InterruptedException {
    List<String> command =
        List.of(
            "cfn-lint",
            "--format",
            "parseable",
            "--regions",
            region,
            "--ignore-checks",
            String.join(",", IGNORED_CHECKS),
            "--",
            template.toString());
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      fail(
          "cfn-lint is not installed or not on PATH; install it with `pip install cfn-lint`"
              + " (the build's template gate needs it): "
              + e.getMessage());
      return null;
    }
    String output;
    try {
      output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("reading cfn-lint output", e);
    }
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("cfn-lint did not finish within 5 minutes on " + template);
    }
    return new Result(process.exitValue(), output);
  }
}
