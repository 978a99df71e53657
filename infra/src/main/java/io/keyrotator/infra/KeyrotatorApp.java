package io.keyrotator.infra;

import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import io.github.cdklabs.cdknag.NagPackProps;
import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.InvalidConfigException;
import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.config.KeyrotatorConfig.Environment;
import io.keyrotator.infra.stacks.IamEventsStack;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.constructs.Construct;

/**
 * The CDK app: one stage per configured environment, each with a {@link KeyrotatorStack} and, when
 * its Region is not us-east-1, an {@link IamEventsStack} in us-east-1. Run through cdk.json; tests
 * build the same stacks through {@link #build}.
 */
public final class KeyrotatorApp {
  /** Context key overriding where the functions' jar (rotation and hygiene) is. */
  public static final String CODE_PATH_CONTEXT = "keyrotator:codePath";

  /** Where the lambda module builds the jar, relative to the repository root. */
  public static final String DEFAULT_CODE_PATH = "lambda/target/keyrotator-lambda.jar";

  private KeyrotatorApp() {}

  public static void main(String[] args) throws IOException {
    App app = createApp();
    KeyrotatorConfig config;
    try {
      config = loadConfig(app);
    } catch (InvalidConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Object codeContext = app.getNode().tryGetContext(CODE_PATH_CONTEXT);
    String codePath = codeContext == null ? DEFAULT_CODE_PATH : codeContext.toString();
    if (!Files.exists(Path.of(codePath))) {
      System.err.println(
          "The functions' jar "
              + codePath
              + " does not exist. Build it first: ./mvnw -B -ntp -pl lambda -am -DskipTests package"
              + " (npx cdk synth does this through cdk.json).");
      System.exit(2);
    }
    build(app, config, codePath);
    app.synth();
  }

  /**
   * Under the CDK CLI the app gets its context and output directory from the CLI. Run directly
   * (plain {@code java} on {@code infra/target/runtime-classpath.txt}, as docs/deploy.md shows), it
   * reads the context of ./cdk.json itself and writes to ./cdk.out, so both ways synthesize the
   * same templates.
   */
  static App createApp() throws IOException {
    if (CdkContext.fromCli()) {
      return new App();
    }
    return App.Builder.create()
        .outdir("cdk.out")
        .context(CdkContext.cdkJson(Path.of("cdk.json")))
        .build();
  }

  /**
   * Reads the configuration from the app's context (a file if one is named, else the object), as
   * {@link ConfigCheck} does before the app runs.
   *
   * @throws InvalidConfigException naming every bad field
   */
  public static KeyrotatorConfig loadConfig(Construct app) {
    return ConfigLoader.fromCdkContext(app.getNode()::tryGetContext);
  }

  /**
   * Builds every stage and stack for the configuration and applies the cdk-nag AwsSolutions checks
   * to each stack.
   *
   * @return all stacks, in creation order
   */
  public static List<Stack> build(App app, KeyrotatorConfig config, String codePath) {
    List<Stack> stacks = new ArrayList<>();
    for (Environment environment : config.environments()) {
      Stage stage =
          new Stage(
              app,
              environment.name(),
              StageProps.builder().env(env(environment.account(), environment.region())).build());
      stacks.add(
          new KeyrotatorStack(
              stage,
              "Keyrotator",
              StackProps.builder()
                  .description("keyrotator: rotates IAM user access keys with Secrets Manager")
                  .build(),
              config,
              codePath));
      if (!"us-east-1".equals(environment.region())) {
        stacks.add(
            new IamEventsStack(
                stage,
                "KeyrotatorIamEvents",
                StackProps.builder()
                    .env(env(environment.account(), "us-east-1"))
                    .description(
                        "keyrotator: access-key changes outside rotation (IAM events arrive only"
                            + " in us-east-1) for "
                            + environment.region())
                    .build(),
                config,
                environment.region()));
      }
    }
    for (Stack stack : stacks) {
      Aspects.of(stack).add(new AwsSolutionsChecks(NagPackProps.builder().verbose(true).build()));
    }
    return stacks;
  }

  private static software.amazon.awscdk.Environment env(String account, String region) {
    return software.amazon.awscdk.Environment.builder().account(account).region(region).build();
  }
}
