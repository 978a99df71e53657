package io.keyrotator.infra;

import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * What the tests of the full configuration ({@link TestApps#FULL}: every optional part on, target
 * Region eu-west-1, a created and an existing user, cron schedule, a new trail, hardening) share:
 * its app, main stack and template, built once per test JVM, and how they name its resources.
 */
abstract class FullConfigurationTest {
  static final TestApps.Built built = TestApps.get(TestApps.FULL);
  static final KeyrotatorStack stack = built.keyrotatorStack();
  static final Template template = built.template("Keyrotator");

  /** The ARNs of the full configuration's managed users, as CDK writes them, in config order. */
  static final List<Object> MANAGED_USER_ARNS =
      List.of(
          partitionArn(":iam::123456789012:user/keyrotator/ci-deployer"),
          partitionArn(":iam::123456789012:user/apps/legacy-batch"));

  static String logicalId(IConstruct construct) {
    return StackRefs.logicalId(stack, construct);
  }

  static Map<String, Object> partitionArn(String rest) {
    return StackRefs.partitionArn(rest);
  }
}
