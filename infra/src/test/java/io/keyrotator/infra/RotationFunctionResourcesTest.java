package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.constructs.EvidenceSealSecret;
import io.keyrotator.infra.constructs.FunctionContract;
import io.keyrotator.infra.constructs.RotationFunction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The rotation function in the full configuration: Java 21 with SnapStart and JSON logs, its
 * settings as environment, the evidence seal both functions read, the live alias and who may invoke
 * it.
 */
class RotationFunctionResourcesTest extends FullConfigurationTest {

  @Test
  void rotationFunctionRunsTheLambdaJarOnJava21WithSnapStartAndJsonLogs() {
    String logGroup = logicalId(stack.getRotationFunction().getNode().findChild("Logs"));
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Runtime",
                "java21",
                "Handler",
                "io.keyrotator.lambda.RotationHandler::handleRequest",
                "MemorySize",
                512,
                "Architectures",
                List.of("arm64"),
                "SnapStart",
                Map.of("ApplyOn", "PublishedVersions"),
                "LoggingConfig",
                Map.of("LogFormat", "JSON", "LogGroup", Map.of("Ref", logGroup)))));
    template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 731));
  }

  @Test
  void functionTimeoutIsAboveTheLongestPropagationWait() {
    Map<String, Map<String, Object>> functions =
        template.findResources(
            "AWS::Lambda::Function",
            TemplateMatchers.withProperties(
                Map.of("Handler", "io.keyrotator.lambda.RotationHandler::handleRequest")));
    assertThat(functions).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> props =
        (Map<String, Object>) functions.values().iterator().next().get("Properties");
    int propagationTimeout = built.config().rotation().propagationTimeoutSeconds();

    assertThat(propagationTimeout).isEqualTo(90);
    assertThat(((Number) props.get("Timeout")).intValue())
        .isGreaterThanOrEqualTo(propagationTimeout + 30);
  }

  @Test
  void functionGetsTheConfiguredSettingsAsEnvironment() {
    template.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Handler",
                RotationFunction.HANDLER,
                "Environment",
                Map.of(
                    "Variables",
                    Match.objectLike(
                        Map.of(
                            // Every configured user, created and existing; no path, no opt-in tag.
                            "KEYROTATOR_MANAGED_USERS", "ci-deployer,legacy-batch",
                            "KEYROTATOR_MANAGED_PATH_PREFIX", "",
                            "KEYROTATOR_MANAGED_TAG", Match.absent(),
                            "KEYROTATOR_PREVIOUS_KEY_POLICY", "deactivate",
                            "KEYROTATOR_KEY_LIMIT_POLICY", "idle",
                            "KEYROTATOR_PROPAGATION_TIMEOUT_SECONDS", "90",
                            "KEYROTATOR_PROPAGATION_SUCCESSES", "3"))))));
    assertThat(FunctionContract.MANAGED_USERS_ENV).isEqualTo("KEYROTATOR_MANAGED_USERS");
  }

  @Test
  void everyVariableTheFunctionsGetIsOneTheContractNames() throws Exception {
    java.util.Set<Object> known = new java.util.HashSet<>();
    for (java.lang.reflect.Field field :
        io.keyrotator.contract.FunctionEnvironment.class.getFields()) {
      known.add(field.get(null));
    }
    List<Object> keyrotatorVariables =
        template.findResources("AWS::Lambda::Function").values().stream()
            .map(f -> (Map<?, ?>) ((Map<?, ?>) f.get("Properties")).get("Environment"))
            .filter(java.util.Objects::nonNull)
            .flatMap(environment -> ((Map<?, ?>) environment.get("Variables")).keySet().stream())
            .<Object>map(name -> name)
            .filter(name -> name.toString().startsWith("KEYROTATOR_"))
            .toList();
    assertThat(keyrotatorVariables).isNotEmpty();
    assertThat(known).containsAll(keyrotatorVariables);
  }

  @Test
  void bothFunctionsSealEvidenceWithAKeyOnlyTheyMayRead() {
    Map<String, Map<String, Object>> seals =
        template.findResources(
            "AWS::SecretsManager::Secret",
            TemplateMatchers.withProperties(Map.of("Name", EvidenceSealSecret.NAME)));
    assertThat(seals).hasSize(1);
    String seal = seals.keySet().iterator().next();
    assertThat(seals.get(seal)).containsEntry("DeletionPolicy", "Retain");
    List<?> trusted =
        template.findResources("AWS::Lambda::Function").values().stream()
            .map(f -> (Map<?, ?>) ((Map<?, ?>) f.get("Properties")).get("Environment"))
            .filter(java.util.Objects::nonNull)
            .map(environment -> (Map<?, ?>) environment.get("Variables"))
            .<Object>map(vars -> vars.get(FunctionContract.SEAL_SECRET_ENV))
            .filter(java.util.Objects::nonNull)
            .toList();
    assertThat(trusted)
        .as("the rotation and the hygiene function")
        .hasSize(2)
        .allSatisfy(value -> assertThat(value).isEqualTo(Map.of("Ref", seal)));
    // Its resource policy: only the functions' roles read it, only the deployment role changes it.
    template.hasResourceProperties(
        "AWS::SecretsManager::ResourcePolicy",
        Match.objectLike(
            Map.of(
                "SecretId", Map.of("Ref", seal),
                "ResourcePolicy",
                    TemplateMatchers.statementsInclude(
                        Match.objectLike(
                            Map.of(
                                "Sid",
                                "OnlyKeyrotatorReadsTheSeal",
                                "Effect",
                                "Deny",
                                "Action",
                                "secretsmanager:GetSecretValue")),
                        Match.objectLike(
                            Map.of("Sid", "OnlyTheDeploymentChangesTheSeal", "Effect", "Deny"))))));
  }

  @Test
  void liveAliasPointsAtThePublishedSnapStartVersion() {
    String version = TemplateMatchers.onlyResource(template, "AWS::Lambda::Version");
    template.hasResourceProperties(
        "AWS::Lambda::Alias",
        Map.of(
            "Name", "live",
            "FunctionName", Map.of("Ref", logicalId(stack.getRotationFunction().getFunction())),
            "FunctionVersion", Map.of("Fn::GetAtt", List.of(version, "Version"))));
  }

  @Test
  void secretsManagerMayInvokeTheAliasOnlyForEachManagedSecretFromThisAccount() {
    Map<String, Map<String, Object>> permissions =
        template.findResources(
            "AWS::Lambda::Permission",
            TemplateMatchers.withProperties(Map.of("Principal", "secretsmanager.amazonaws.com")));

    assertThat(permissions).hasSize(2);
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      template.hasResourceProperties(
          "AWS::Lambda::Permission",
          TemplateMatchers.secretsManagerMayInvoke(
              Map.of("Ref", logicalId(stack.getSecrets().get(user).getSecret())),
              Map.of("Ref", logicalId(stack.getRotationFunction().getAlias()))));
    }
    assertThat(stack.getRotationFunction().getSharedInvokePermission()).isEmpty();
  }
}
