package io.keyrotator.infra;

import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.KeyrotatorConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * Builds each test configuration once per test JVM: every App costs a jsii round trip, so the test
 * classes share the synthesized stacks instead of building their own.
 */
public final class TestApps {
  /**
   * Every optional part on (an operator, no deploymentRoleArn: the bootstrap role), target Region
   * eu-west-1 (so a us-east-1 companion stack exists), every hygiene setting away from its default.
   */
  public static final String FULL =
      """
      {
        "environments": [{"name": "full", "account": "123456789012", "region": "eu-west-1"}],
        "users": [
          {"name": "ci-deployer", "create": true,
           "readers": ["arn:aws:iam::123456789012:role/ci-runner"]},
          {"name": "legacy-batch", "path": "/apps/"}
        ],
        "schedule": {"expression": "cron(0 4 ? * MON *)", "window": "3h"},
        "rotation": {"previousKeyPolicy": "deactivate", "propagationTimeoutSeconds": 90,
                     "deleteUnprovenKeys": true},
        "operators": ["arn:aws:iam::123456789012:role/keyrotator-operator"],
        "notificationEmails": ["alerts@example.com", "oncall@example.com"],
        "trail": {"mode": "create"},
        "hardening": {"passwordPolicy": true, "mfaGroupName": "require-mfa"},
        "logRetentionDays": 731,
        "hygiene": {"schedule": "rate(12 hours)", "graceDays": 10, "hardLimitDays": 60,
                    "deleteAfterDays": 45, "stuckAfterHours": 6, "repair": true,
                    "auditMaxKeyAgeDays": 60, "auditUnusedDays": 30}
      }
      """;

  /**
   * Nothing optional, us-east-1, existing users only, an existing trail log group; the hygiene
   * function with its defaults.
   */
  public static final String MINIMAL =
      """
      {
        "environments": [{"name": "minimal", "account": "210987654321", "region": "us-east-1"}],
        "users": [{"name": "reporting"}],
        "trail": {"mode": "existingLogGroup", "logGroupName": "aws-controltower/CloudTrailLogs"}
      }
      """;

  /** The stacks of one built configuration. */
  public record Built(App app, KeyrotatorConfig config, List<Stack> stacks) {
    /** The stack whose id is {@code id} (e.g. Keyrotator, KeyrotatorIamEvents). */
    public Stack stack(String id) {
      return stacks.stream()
          .filter(s -> s.getNode().getId().equals(id))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no stack " + id + " in " + stacks));
    }

    public Template template(String id) {
      return TEMPLATES.computeIfAbsent(
          config.environments().get(0).name() + "/" + id, k -> Template.fromStack(stack(id)));
    }
  }

  private static final Map<String, Built> BUILT = new ConcurrentHashMap<>();
  private static final Map<String, Template> TEMPLATES = new ConcurrentHashMap<>();

  private TestApps() {}

  /** Builds (once) the app for a configuration JSON. */
  public static Built get(String configJson) {
    return BUILT.computeIfAbsent(configJson, TestApps::build);
  }

  private static synchronized Built build(String configJson) {
    KeyrotatorConfig config = ConfigLoader.fromContext(configJson);
    Path outdir = outRoot().resolve(config.environments().get(0).name());
    App app = App.Builder.create().outdir(outdir.toString()).build();
    List<Stack> stacks = KeyrotatorApp.build(app, config, fakeCode().toString());
    return new Built(app, config, stacks);
  }

  /** Where test synthesis writes. */
  public static Path outRoot() {
    return Path.of(System.getProperty("keyrotator.test.outdir", "target/test-cdk-out"));
  }

  /** A tiny stand-in for the lambda jar: the templates do not depend on its content. */
  static Path fakeCode() {
    Path dir = outRoot().resolve("fake-lambda-code");
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("README.txt"), "stand-in for keyrotator-lambda.jar in tests\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}
