package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.infra.config.ConfigLoader;
import io.keyrotator.infra.config.KeyrotatorConfig;
import io.keyrotator.infra.constructs.AccessKeySecret;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.CliCredentialsStackSynthesizer;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * Only keyrotator writes its secrets and uses their key: the secrets' resource policies deny every
 * write to all but the principals that need it, and the key policy lets only keyrotator's roles,
 * the deployment role and the readers use the key, through Secrets Manager only.
 */
class SecretOwnershipTest {
  /** Every write action of Secrets Manager on a secret, written out independently of the code. */
  static final List<String> SECRET_WRITES =
      List.of(
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecret",
          "secretsmanager:UpdateSecretVersionStage",
          "secretsmanager:PutResourcePolicy",
          "secretsmanager:DeleteResourcePolicy",
          "secretsmanager:TagResource",
          "secretsmanager:UntagResource",
          "secretsmanager:RotateSecret",
          "secretsmanager:CancelRotateSecret",
          "secretsmanager:RestoreSecret",
          "secretsmanager:ReplicateSecretToRegions",
          "secretsmanager:RemoveRegionsFromReplication",
          "secretsmanager:StopReplicationToReplica",
          "secretsmanager:DeleteSecret");

  static KeyrotatorStack full;
  static Template template;
  static Object rotationRole;
  static Object hygieneRole;
  static Object deploymentRole;
  static final String OPERATOR = "arn:aws:iam::123456789012:role/keyrotator-operator";
  static final String READER = "arn:aws:iam::123456789012:role/ci-runner";

  @BeforeAll
  static void synthesizeOnce() {
    TestApps.Built built = TestApps.get(TestApps.FULL);
    full = (KeyrotatorStack) built.stack("Keyrotator");
    template = built.template("Keyrotator");
    rotationRole = getAtt(full, full.getRotationFunction().getRole());
    hygieneRole = getAtt(full, full.getHygiene().orElseThrow().getRole());
    deploymentRole =
        StackRefs.partitionArn(
            ":iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-eu-west-1");
  }

  private static String logicalId(KeyrotatorStack stack, IConstruct construct) {
    IConstruct child = construct.getNode().getDefaultChild();
    return stack.getLogicalId((CfnElement) (child == null ? construct : child));
  }

  private static Map<String, Object> getAtt(KeyrotatorStack stack, IConstruct construct) {
    return Map.of("Fn::GetAtt", List.of(logicalId(stack, construct), "Arn"));
  }

  /** For each denied action of the secret's resource policy, the principals the deny exempts. */
  @SuppressWarnings("unchecked")
  static Map<String, List<Object>> exemptByAction(
      KeyrotatorStack stack, Template template, String user) {
    String secret = logicalId(stack, stack.getSecrets().get(user).getSecret());
    Map<String, Object> policy =
        template.findResources("AWS::SecretsManager::ResourcePolicy").values().stream()
            .map(r -> (Map<String, Object>) r.get("Properties"))
            .filter(p -> Map.of("Ref", secret).equals(p.get("SecretId")))
            .findFirst()
            .orElseThrow();
    Map<String, List<Object>> result = new HashMap<>();
    for (Map<String, Object> statement :
        (List<Map<String, Object>>)
            ((Map<String, Object>) policy.get("ResourcePolicy")).get("Statement")) {
      if (!"Deny".equals(statement.get("Effect"))) {
        continue;
      }
      assertThat(statement.get("Principal")).isEqualTo(Map.of("AWS", "*"));
      assertThat(statement.get("Resource")).isEqualTo("*");
      Map<String, Object> condition = (Map<String, Object>) statement.get("Condition");
      assertThat(condition).containsOnlyKeys("StringNotEquals");
      Map<String, Object> notEquals = (Map<String, Object>) condition.get("StringNotEquals");
      assertThat(notEquals).containsOnlyKeys("aws:PrincipalArn");
      for (String action : IamStatements.strings(statement.get("Action"))) {
        assertThat(result).as("one deny per action").doesNotContainKey(action);
        result.put(action, new ArrayList<>((List<Object>) notEquals.get("aws:PrincipalArn")));
      }
    }
    return result;
  }

  // --- the secrets' resource policies ---------------------------------------------------------

  @Test
  void everyWriteToASecretIsDeniedToAllButThePrincipalsThatNeedIt() {
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      Map<String, List<Object>> exempt = exemptByAction(full, template, user);

      assertThat(exempt.keySet()).as(user).containsAll(SECRET_WRITES);
      for (String action : SECRET_WRITES) {
        assertThat(exempt.get(action))
            .as(action)
            .containsExactlyInAnyOrderElementsOf(mayWrite(action));
      }
    }
  }

  /** Who may make {@code action}, one of {@link #SECRET_WRITES}, on a managed secret. */
  private List<Object> mayWrite(String action) {
    return switch (action) {
      case "secretsmanager:PutSecretValue", "secretsmanager:TagResource" ->
          List.of(rotationRole, deploymentRole);
      case "secretsmanager:UpdateSecretVersionStage", "secretsmanager:UntagResource" ->
          List.of(rotationRole, hygieneRole, deploymentRole);
      case "secretsmanager:RotateSecret", "secretsmanager:CancelRotateSecret" ->
          List.of(deploymentRole, OPERATOR);
      // The secret's settings, policy, replication and life.
      default -> List.of(deploymentRole);
    };
  }

  @Test
  void readingTheValueIsDeniedToAllButKeyrotatorsRolesAndTheUsersReaders() {
    assertThat(exemptByAction(full, template, "ci-deployer").get("secretsmanager:GetSecretValue"))
        .containsExactlyInAnyOrder(rotationRole, hygieneRole, READER);
    assertThat(exemptByAction(full, template, "legacy-batch").get("secretsmanager:GetSecretValue"))
        .containsExactlyInAnyOrder(rotationRole, hygieneRole);
  }

  @Test
  void deploymentRoleFollowsTheBootstrapQualifierOrTheConfiguration() {
    KeyrotatorStack qualified = TestApps.get(TestApps.QUALIFIED).keyrotatorStack();

    assertThat(
            exemptByAction(qualified, Template.fromStack(qualified), "app")
                .get("secretsmanager:DeleteSecret"))
        .containsExactly(
            StackRefs.partitionArn(
                ":iam::333333333333:role/cdk-team42-cfn-exec-role-333333333333-eu-central-1"));

    KeyrotatorStack stack = TestApps.get(TestApps.DEPLOYMENT_ROLE_CONFIGURED).keyrotatorStack();

    assertThat(
            exemptByAction(stack, Template.fromStack(stack), "app")
                .get("secretsmanager:DeleteSecret"))
        .containsExactly("arn:aws:iam::333333333333:role/pipeline-deployer");
  }

  // --- the key policy -------------------------------------------------------------------------

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> keyStatements(
      KeyrotatorStack stack, Template template, String user) {
    AccessKeySecret secret = stack.getSecrets().get(user);
    String key = stack.getLogicalId(secret.getSecretsKey().getResource());
    Map<String, Object> resource =
        (Map<String, Object>) ((Map<String, Object>) template.toJSON().get("Resources")).get(key);
    Map<String, Object> properties = (Map<String, Object>) resource.get("Properties");
    assertThat(properties.get("EnableKeyRotation")).isEqualTo(true);
    assertThat(resource.get("DeletionPolicy")).isEqualTo("Retain");
    return (List<Map<String, Object>>)
        ((Map<String, Object>) properties.get("KeyPolicy")).get("Statement");
  }

  @Test
  void aSynthesizerWhoseRoleTheAppCannotReadNeedsTheDeploymentRoleConfigured() {
    KeyrotatorConfig config =
        ConfigLoader.fromContext(
            """
            {"environments": [{"name": "custom", "account": "333333333333", "region": "eu-central-1"}],
             "users": [{"name": "app"}]}
            """);
    App app = App.Builder.create().outdir(TestApps.outRoot().resolve("custom").toString()).build();

    assertThatThrownBy(
            () ->
                new KeyrotatorStack(
                    app,
                    "Custom",
                    StackProps.builder()
                        .env(
                            Environment.builder()
                                .account("333333333333")
                                .region("eu-central-1")
                                .build())
                        .synthesizer(new CliCredentialsStackSynthesizer())
                        .build(),
                    config,
                    TestApps.fakeCode().toString()))
        .hasMessageContaining("set deploymentRoleArn");
  }

  @Test
  void theAccountAdministersTheSecretsKeyButNobodyGetsEveryAction() {
    List<Map<String, Object>> statements = keyStatements(full, template, "ci-deployer");

    for (Map<String, Object> statement : statements) {
      assertThat(IamStatements.strings(statement.get("Action")))
          .as(statement.toString())
          .doesNotContain("kms:*");
    }
    Map<String, Object> root = Map.of("AWS", StackRefs.partitionArn(":iam::123456789012:root"));
    List<Map<String, Object>> forRoot =
        statements.stream().filter(s -> root.equals(s.get("Principal"))).toList();
    assertThat(forRoot).hasSize(1);
    assertThat(IamStatements.strings(forRoot.get(0).get("Action")))
        .contains("kms:Put*", "kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion", "kms:Describe*")
        .noneMatch(a -> a.matches("kms:(Decrypt|Encrypt|GenerateDataKey.*|ReEncrypt.*)"));
  }

  @Test
  void onlyKeyrotatorsRolesTheDeploymentRoleAndReadersUseTheKeyAndOnlyViaSecretsManager() {
    Map<String, Object> viaSecretsManager = TemplateMatchers.viaSecretsManager("eu-west-1");
    Map<Object, List<String>> useByPrincipal = new HashMap<>();
    for (Map<String, Object> statement : keyStatements(full, template, "ci-deployer")) {
      List<String> actions = IamStatements.strings(statement.get("Action"));
      if (actions.stream()
          .noneMatch(a -> a.matches("kms:(Decrypt|Encrypt|GenerateDataKey.*|ReEncrypt.*|\\*)"))) {
        continue;
      }
      assertThat(statement.get("Condition")).as(statement.toString()).isEqualTo(viaSecretsManager);
      @SuppressWarnings("unchecked")
      Object principal = ((Map<String, Object>) statement.get("Principal")).get("AWS");
      useByPrincipal.put(principal, actions);
    }

    assertThat(useByPrincipal).containsOnlyKeys(rotationRole, hygieneRole, deploymentRole, READER);
    assertThat(useByPrincipal.get(rotationRole))
        .containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey");
    assertThat(useByPrincipal.get(hygieneRole)).containsExactly("kms:Decrypt");
    assertThat(useByPrincipal.get(READER)).containsExactly("kms:Decrypt");
    assertThat(useByPrincipal.get(deploymentRole))
        .containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey", "kms:Encrypt");
  }
}
