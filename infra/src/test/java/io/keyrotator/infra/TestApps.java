package io.keyrotator.infra;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
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

  /** Trail mode none (the default) and two environments, one of them outside us-east-1. */
  public static final String MULTI_ENVIRONMENT =
      """
      {"environments": [
         {"name": "prod-us", "account": "111111111111", "region": "us-east-1"},
         {"name": "prod-eu", "account": "222222222222", "region": "eu-central-1"}],
       "users": [{"name": "app", "create": true}]}
      """;

  /** Hardening with an MFA group but no password policy. */
  public static final String MFA_ONLY =
      """
      {"environments": [{"name": "mfa-only", "account": "333333333333", "region": "us-east-1"}],
       "users": [{"name": "app"}],
       "hardening": {"mfaGroupName": "humans"}}
      """;

  /** The hygiene function switched off. */
  public static final String NO_HYGIENE =
      """
      {"environments": [{"name": "no-hygiene", "account": "444444444444", "region": "us-east-1"}],
       "users": [{"name": "app"}],
       "hygiene": {"enabled": false}}
      """;

  /** A deployment role given in the configuration instead of the bootstrap one. */
  public static final String DEPLOYMENT_ROLE_CONFIGURED =
      """
      {"environments": [{"name": "overridden", "account": "333333333333", "region": "eu-central-1"}],
       "users": [{"name": "app"}], "trail": {"mode": "none"},
       "deploymentRoleArn": "arn:aws:iam::333333333333:role/pipeline-deployer"}
      """;

  /** Bootstrapped with the qualifier {@link #QUALIFIER} (app context, not configuration). */
  public static final String QUALIFIED =
      """
      {"environments": [{"name": "qualified", "account": "333333333333", "region": "eu-central-1"}],
       "users": [{"name": "app"}], "trail": {"mode": "none"}}
      """;

  /**
   * Users that read their own secret ({@code readers: ["self"]}): one the stack creates (with
   * another reader too), one that exists under a path, and one without readers.
   */
  public static final String SELF_READERS =
      """
      {"environments": [{"name": "self-readers", "account": "555555555555", "region": "eu-west-1"}],
       "users": [
         {"name": "app-ci", "create": true,
          "readers": ["self", "arn:aws:iam::555555555555:role/ci-runner"]},
         {"name": "legacy", "path": "/apps/", "readers": ["self"]},
         {"name": "other"}],
       "trail": {"mode": "none"}}
      """;

  /** The bootstrap qualifier {@link #QUALIFIED} is built with. */
  public static final String QUALIFIER = "team42";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The repository's cdk.json {@code context}: the configuration and the feature flags. */
  private static final Map<String, Object> CDK_JSON_CONTEXT = cdkJsonContext();

  /**
   * The configuration in the repository's cdk.json, as {@code cdk synth} builds it (its {@code
   * keyrotator} context object).
   */
  public static final String CDK_JSON = json(CDK_JSON_CONTEXT.get(ConfigLoader.CONFIG_CONTEXT));

  /**
   * Every configuration the tests synthesize, each as the CDK CLI would (with cdk.json's feature
   * flags): the security gates (cdk-nag, cfn-lint) run over every stack of each.
   */
  public static final List<String> ALL =
      List.of(
          FULL,
          MINIMAL,
          CDK_JSON,
          MULTI_ENVIRONMENT,
          MFA_ONLY,
          NO_HYGIENE,
          DEPLOYMENT_ROLE_CONFIGURED,
          QUALIFIED,
          SELF_READERS);

  /** The stacks of one built configuration. */
  public record Built(App app, KeyrotatorConfig config, List<Stack> stacks) {
    /** The stack whose id is {@code id} (e.g. Keyrotator, KeyrotatorIamEvents). */
    public Stack stack(String id) {
      return stacks.stream()
          .filter(s -> s.getNode().getId().equals(id))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no stack " + id + " in " + stacks));
    }

    /** The first environment's {@link KeyrotatorStack}. */
    public KeyrotatorStack keyrotatorStack() {
      return (KeyrotatorStack) stack("Keyrotator");
    }

    public Template template(String id) {
      return TEMPLATES.computeIfAbsent(
          config.environments().get(0).name() + "/" + id, k -> Template.fromStack(stack(id)));
    }
  }

  private static final Map<String, Built> BUILT = new ConcurrentHashMap<>();
  private static final Map<String, Template> TEMPLATES = new ConcurrentHashMap<>();

  private TestApps() {}

  /** Builds (once) the app for a configuration JSON, one of {@link #ALL}. */
  public static Built get(String configJson) {
    if (!ALL.contains(configJson)) {
      // So that no configuration escapes the security gates.
      throw new IllegalArgumentException("add the configuration to TestApps.ALL: " + configJson);
    }
    return BUILT.computeIfAbsent(configJson, TestApps::build);
  }

  private static synchronized Built build(String configJson) {
    KeyrotatorConfig config = ConfigLoader.fromContext(configJson);
    Path outdir = outRoot().resolve(config.environments().get(0).name());
    Map<String, Object> context = new HashMap<>(featureFlags());
    if (configJson.equals(QUALIFIED)) {
      context.put("@aws-cdk/core:bootstrapQualifier", QUALIFIER);
    }
    App app = App.Builder.create().outdir(outdir.toString()).context(context).build();
    List<Stack> stacks = KeyrotatorApp.build(app, config, fakeCode().toString());
    return new Built(app, config, stacks);
  }

  /** The cdk.json context entries that are CDK feature flags (keys starting with {@code @}). */
  public static Map<String, Object> featureFlags() {
    return CDK_JSON_CONTEXT.entrySet().stream()
        .filter(entry -> entry.getKey().startsWith("@"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
  }

  private static Map<String, Object> cdkJsonContext() {
    // Surefire runs in the infra module; cdk.json is at the repository root above it.
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("cdk.json"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no cdk.json above " + Path.of("").toAbsolutePath());
    }
    try {
      return MAPPER.convertValue(
          MAPPER.readTree(dir.resolve("cdk.json").toFile()).get("context"),
          new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String json(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
