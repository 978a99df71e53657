package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.constructs.AccessKeySecret;
import io.keyrotator.infra.constructs.EvidenceSealSecret;
import io.keyrotator.infra.constructs.FunctionContract;
import io.keyrotator.infra.constructs.RotationFunction;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The stacks built from a configuration with every optional part on (see {@link TestApps#FULL}):
 * target Region eu-west-1, a created and an existing user, cron schedule, a new trail, hardening.
 */
class FullConfigurationStackTest {
  /** The CIS patterns as Security Hub checks them, copied from the reference independently. */
  static final Map<String, String> CIS_PATTERNS =
      Map.ofEntries(
          Map.entry(
              "CloudWatch.1",
              "{$.userIdentity.type=\"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !=\"AwsServiceEvent\"}"),
          Map.entry(
              "CloudWatch.2",
              "{($.errorCode=\"*UnauthorizedOperation\") || ($.errorCode=\"AccessDenied*\")}"),
          Map.entry(
              "CloudWatch.3",
              "{ ($.eventName = \"ConsoleLogin\") && ($.additionalEventData.MFAUsed != \"Yes\") && ($.userIdentity.type = \"IAMUser\") && ($.responseElements.ConsoleLogin = \"Success\") }"),
          Map.entry(
              "CloudWatch.4",
              "{($.eventName=DeleteGroupPolicy) || ($.eventName=DeleteRolePolicy) || ($.eventName=DeleteUserPolicy) || ($.eventName=PutGroupPolicy) || ($.eventName=PutRolePolicy) || ($.eventName=PutUserPolicy) || ($.eventName=CreatePolicy) || ($.eventName=DeletePolicy) || ($.eventName=CreatePolicyVersion) || ($.eventName=DeletePolicyVersion) || ($.eventName=AttachRolePolicy) || ($.eventName=DetachRolePolicy) || ($.eventName=AttachUserPolicy) || ($.eventName=DetachUserPolicy) || ($.eventName=AttachGroupPolicy) || ($.eventName=DetachGroupPolicy)}"),
          Map.entry(
              "CloudWatch.5",
              "{($.eventName=CreateTrail) || ($.eventName=UpdateTrail) || ($.eventName=DeleteTrail) || ($.eventName=StartLogging) || ($.eventName=StopLogging)}"),
          Map.entry(
              "CloudWatch.6",
              "{($.eventName=ConsoleLogin) && ($.errorMessage=\"Failed authentication\")}"),
          Map.entry(
              "CloudWatch.7",
              "{($.eventSource=kms.amazonaws.com) && (($.eventName=DisableKey) || ($.eventName=ScheduleKeyDeletion))}"),
          Map.entry(
              "CloudWatch.8",
              "{($.eventSource=s3.amazonaws.com) && (($.eventName=PutBucketAcl) || ($.eventName=PutBucketPolicy) || ($.eventName=PutBucketCors) || ($.eventName=PutBucketLifecycle) || ($.eventName=PutBucketReplication) || ($.eventName=DeleteBucketPolicy) || ($.eventName=DeleteBucketCors) || ($.eventName=DeleteBucketLifecycle) || ($.eventName=DeleteBucketReplication))}"),
          Map.entry(
              "CloudWatch.9",
              "{($.eventSource=config.amazonaws.com) && (($.eventName=StopConfigurationRecorder) || ($.eventName=DeleteDeliveryChannel) || ($.eventName=PutDeliveryChannel) || ($.eventName=PutConfigurationRecorder))}"),
          Map.entry(
              "CloudWatch.10",
              "{($.eventName=AuthorizeSecurityGroupIngress) || ($.eventName=AuthorizeSecurityGroupEgress) || ($.eventName=RevokeSecurityGroupIngress) || ($.eventName=RevokeSecurityGroupEgress) || ($.eventName=CreateSecurityGroup) || ($.eventName=DeleteSecurityGroup)}"),
          Map.entry(
              "CloudWatch.11",
              "{($.eventName=CreateNetworkAcl) || ($.eventName=CreateNetworkAclEntry) || ($.eventName=DeleteNetworkAcl) || ($.eventName=DeleteNetworkAclEntry) || ($.eventName=ReplaceNetworkAclEntry) || ($.eventName=ReplaceNetworkAclAssociation)}"),
          Map.entry(
              "CloudWatch.12",
              "{($.eventName=CreateCustomerGateway) || ($.eventName=DeleteCustomerGateway) || ($.eventName=AttachInternetGateway) || ($.eventName=CreateInternetGateway) || ($.eventName=DeleteInternetGateway) || ($.eventName=DetachInternetGateway)}"),
          Map.entry(
              "CloudWatch.13",
              "{($.eventName=CreateRoute) || ($.eventName=CreateRouteTable) || ($.eventName=ReplaceRoute) || ($.eventName=ReplaceRouteTableAssociation) || ($.eventName=DeleteRouteTable) || ($.eventName=DeleteRoute) || ($.eventName=DisassociateRouteTable)}"),
          Map.entry(
              "CloudWatch.14",
              "{($.eventName=CreateVpc) || ($.eventName=DeleteVpc) || ($.eventName=ModifyVpcAttribute) || ($.eventName=AcceptVpcPeeringConnection) || ($.eventName=CreateVpcPeeringConnection) || ($.eventName=DeleteVpcPeeringConnection) || ($.eventName=RejectVpcPeeringConnection) || ($.eventName=AttachClassicLinkVpc) || ($.eventName=DetachClassicLinkVpc) || ($.eventName=DisableVpcClassicLink) || ($.eventName=EnableVpcClassicLink)}"));

  static final String ORGANIZATIONS_PATTERN =
      "{($.eventSource=organizations.amazonaws.com) && (($.eventName=\"AcceptHandshake\") ||"
          + " ($.eventName=\"AttachPolicy\") || ($.eventName=\"CreateAccount\") ||"
          + " ($.eventName=\"CreateOrganizationalUnit\") || ($.eventName=\"CreatePolicy\") ||"
          + " ($.eventName=\"DeclineHandshake\") || ($.eventName=\"DeleteOrganization\") ||"
          + " ($.eventName=\"DeleteOrganizationalUnit\") || ($.eventName=\"DeletePolicy\") ||"
          + " ($.eventName=\"DetachPolicy\") || ($.eventName=\"DisablePolicyType\") ||"
          + " ($.eventName=\"EnablePolicyType\") || ($.eventName=\"InviteAccountToOrganization\") ||"
          + " ($.eventName=\"LeaveOrganization\") || ($.eventName=\"MoveAccount\") ||"
          + " ($.eventName=\"RemoveAccountFromOrganization\") || ($.eventName=\"UpdatePolicy\") ||"
          + " ($.eventName=\"UpdateOrganizationalUnit\"))}";

  static TestApps.Built built;
  static KeyrotatorStack stack;
  static Template template;

  @BeforeAll
  static void synthesizeOnce() {
    built = TestApps.get(TestApps.FULL);
    stack = (KeyrotatorStack) built.stack("Keyrotator");
    template = built.template("Keyrotator");
  }

  private static String logicalId(software.constructs.IConstruct construct) {
    return stack.getLogicalId((CfnElement) construct.getNode().getDefaultChild());
  }

  private static Map<String, Object> partitionArn(String rest) {
    return Map.of("Fn::Join", List.of("", List.of("arn:", Map.of("Ref", "AWS::Partition"), rest)));
  }

  // --- rotation function -------------------------------------------------------------------

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
            Match.objectLike(
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of(
                            "Handler", "io.keyrotator.lambda.RotationHandler::handleRequest")))));
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
            Match.objectLike(
                Map.of("Properties", Match.objectLike(Map.of("Name", EvidenceSealSecret.NAME)))));
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
                    Match.objectLike(
                        Map.of(
                            "Statement",
                            Match.arrayWith(
                                List.of(
                                    Match.objectLike(
                                        Map.of(
                                            "Sid",
                                            "OnlyKeyrotatorReadsTheSeal",
                                            "Effect",
                                            "Deny",
                                            "Action",
                                            "secretsmanager:GetSecretValue")),
                                    Match.objectLike(
                                        Map.of(
                                            "Sid",
                                            "OnlyTheDeploymentChangesTheSeal",
                                            "Effect",
                                            "Deny")))))))));
  }

  @Test
  void liveAliasPointsAtThePublishedSnapStartVersion() {
    Map<String, Map<String, Object>> versions = template.findResources("AWS::Lambda::Version");
    assertThat(versions).hasSize(1);
    String version = versions.keySet().iterator().next();
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
            Match.objectLike(
                Map.of(
                    "Properties",
                    Match.objectLike(Map.of("Principal", "secretsmanager.amazonaws.com")))));

    assertThat(permissions).hasSize(2);
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      template.hasResourceProperties(
          "AWS::Lambda::Permission",
          Map.of(
              "Action", "lambda:InvokeFunction",
              "Principal", "secretsmanager.amazonaws.com",
              "SourceAccount", "123456789012",
              "SourceArn", Map.of("Ref", logicalId(stack.getSecrets().get(user).getSecret())),
              "FunctionName", Map.of("Ref", logicalId(stack.getRotationFunction().getAlias()))));
    }
    assertThat(stack.getRotationFunction().getSharedInvokePermission()).isEmpty();
  }

  // --- secrets and schedules ---------------------------------------------------------------

  @Test
  void eachUserHasASecretWithTheBootstrapValueUnderACustomerManagedKey() {
    template.resourceCountIs("AWS::SecretsManager::Secret", 2 + 1); // + the evidence seal
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      template.hasResourceProperties(
          "AWS::SecretsManager::Secret",
          Match.objectLike(
              Map.of(
                  "Name",
                  "keyrotator/" + user,
                  "SecretString",
                  "{\"UserName\":\"" + user + "\"}",
                  "KmsKeyId",
                  Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("SecretsKey.*"), "Arn")),
                  "Tags",
                  Match.arrayWith(
                      List.of(
                          Map.of("Key", "keyrotator:managed", "Value", "true"),
                          Map.of("Key", "keyrotator:user", "Value", user))))));
    }
  }

  @Test
  void everyKmsKeyRotates() {
    Map<String, Map<String, Object>> keys = template.findResources("AWS::KMS::Key");
    assertThat(keys).isNotEmpty();
    assertThat(
            template.findResources(
                "AWS::KMS::Key",
                Match.objectLike(
                    Map.of("Properties", Match.objectLike(Map.of("EnableKeyRotation", true))))))
        .hasSameSizeAs(keys);
  }

  @Test
  void schedulesUseTheCronEscapeHatchTargetTheAliasAndWaitForThePermission() {
    String alias = logicalId(stack.getRotationFunction().getAlias());
    Map<String, Map<String, Object>> schedules =
        template.findResources("AWS::SecretsManager::RotationSchedule");

    assertThat(schedules).hasSize(2);
    template.allResourcesProperties(
        "AWS::SecretsManager::RotationSchedule",
        Map.of(
            "SecretId", Map.of("Ref", Match.stringLikeRegexp("Secret.*")),
            "RotationLambdaARN", Map.of("Ref", alias),
            "RotationRules", Map.of("ScheduleExpression", "cron(0 4 ? * MON *)", "Duration", "3h"),
            "RotateImmediatelyOnUpdate", true));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> resources =
        (Map<String, Map<String, Object>>) (Map<String, ?>) template.toJSON().get("Resources");
    for (String user : List.of("ci-deployer", "legacy-batch")) {
      AccessKeySecret secret = stack.getSecrets().get(user);
      String permission = stack.getLogicalId(secret.getInvokePermission());
      @SuppressWarnings("unchecked")
      Map<String, Object> permissionProperties =
          (Map<String, Object>) resources.get(permission).get("Properties");
      // The schedule waits for its own secret's permission (aws/aws-cdk issue 26481).
      assertThat(permissionProperties.get("SourceArn"))
          .isEqualTo(Map.of("Ref", logicalId(secret.getSecret())));
      assertThat(
              IamStatements.strings(
                  resources.get(stack.getLogicalId(secret.getSchedule())).get("DependsOn")))
          .as(user)
          .contains(permission);
    }
  }

  @Test
  void createdUsersLiveUnderTheKeyrotatorPathAndExistBeforeTheirSchedule() {
    template.resourceCountIs("AWS::IAM::User", 1);
    template.hasResourceProperties(
        "AWS::IAM::User", Map.of("UserName", "ci-deployer", "Path", "/keyrotator/"));
    String user =
        stack.getLogicalId(
            (CfnElement) stack.getNode().findChild("User-ci-deployer").getNode().getDefaultChild());
    String schedule = stack.getLogicalId(stack.getSecrets().get("ci-deployer").getSchedule());
    @SuppressWarnings("unchecked")
    Map<String, Object> resource =
        (Map<String, Object>)
            ((Map<String, Object>) template.toJSON().get("Resources")).get(schedule);
    assertThat(IamStatements.strings(resource.get("DependsOn"))).contains(user);
  }

  @Test
  void onlyKeyrotatorsRolesAndListedReadersMayReadASecret() {
    String role = logicalId(stack.getRotationFunction().getRole());
    String hygieneRole = logicalId(stack.getHygiene().orElseThrow().getRole());
    template.hasResourceProperties(
        "AWS::SecretsManager::ResourcePolicy",
        Match.objectLike(
            Map.of(
                "SecretId",
                Map.of("Ref", logicalId(stack.getSecrets().get("ci-deployer").getSecret())),
                "ResourcePolicy",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Effect",
                                        "Deny",
                                        "Principal",
                                        Map.of("AWS", "*"),
                                        "Action",
                                        "secretsmanager:GetSecretValue",
                                        "Condition",
                                        Map.of(
                                            "StringNotEquals",
                                            Map.of(
                                                "aws:PrincipalArn",
                                                List.of(
                                                    Map.of("Fn::GetAtt", List.of(role, "Arn")),
                                                    Map.of(
                                                        "Fn::GetAtt", List.of(hygieneRole, "Arn")),
                                                    "arn:aws:iam::123456789012:role/ci-runner"))))))))))));
    template.hasResourceProperties(
        "AWS::SecretsManager::ResourcePolicy",
        Match.objectLike(
            Map.of(
                "SecretId",
                Map.of("Ref", logicalId(stack.getSecrets().get("legacy-batch").getSecret())),
                "ResourcePolicy",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Effect",
                                        "Deny",
                                        "Condition",
                                        Map.of(
                                            "StringNotEquals",
                                            Map.of(
                                                "aws:PrincipalArn",
                                                List.of(
                                                    Map.of("Fn::GetAtt", List.of(role, "Arn")),
                                                    Map.of(
                                                        "Fn::GetAtt",
                                                        List.of(hygieneRole, "Arn"))))))))))))));
  }

  // --- least privilege ---------------------------------------------------------------------

  private static List<IamStatements.Located> rotationStatements() {
    String policy =
        logicalId(stack.getRotationFunction().getRole().getNode().findChild("DefaultPolicy"));
    return IamStatements.statementsOf(template, policy);
  }

  @Test
  void rotationRoleActsOnEachManagedUserByExactArn() {
    List<Object> expectedUsers =
        List.of(
            partitionArn(":iam::123456789012:user/keyrotator/ci-deployer"),
            partitionArn(":iam::123456789012:user/apps/legacy-batch"));
    List<IamStatements.Located> iam =
        rotationStatements().stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("iam:")))
            .toList();

    assertThat(iam).hasSize(3);
    assertThat(iam.stream().flatMap(s -> s.actions().stream()).sorted().toList())
        .containsExactly(
            "iam:CreateAccessKey",
            "iam:DeleteAccessKey",
            "iam:GetAccessKeyLastUsed",
            "iam:GetUser",
            "iam:ListAccessKeys",
            "iam:TagUser",
            "iam:UntagUser",
            "iam:UpdateAccessKey");
    for (IamStatements.Located statement : iam) {
      assertThat(statement.resources())
          .as(statement.statement().toString())
          .isEqualTo(expectedUsers);
    }
  }

  @Test
  void rotationRoleMayWriteOnlyTheClaimTagAndRemoveOnlyTheClaimAndTheLegacyTag() {
    List<IamStatements.Located> tagging =
        rotationStatements().stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.matches("iam:(Tag|Untag)User")))
            .toList();

    assertThat(tagging).hasSize(2);
    IamStatements.Located tag =
        tagging.stream().filter(s -> s.actions().contains("iam:TagUser")).findFirst().orElseThrow();
    assertThat(tag.actions()).containsExactly("iam:TagUser");
    assertThat(tag.statement().get("Condition"))
        .isEqualTo(
            Map.of(
                "ForAllValues:StringEquals", Map.of("aws:TagKeys", List.of("keyrotator:secret"))));
    IamStatements.Located untag =
        tagging.stream()
            .filter(s -> s.actions().contains("iam:UntagUser"))
            .findFirst()
            .orElseThrow();
    assertThat(untag.actions()).containsExactly("iam:UntagUser");
    assertThat(untag.statement().get("Condition"))
        .isEqualTo(
            Map.of(
                "ForAllValues:StringEquals",
                Map.of("aws:TagKeys", List.of("keyrotator:secret", "keyrotator:rotation"))));
  }

  @Test
  void noRoleStatementInAnyStackNamesAUserWildcard() {
    int userStatements = 0;
    for (String config : List.of(TestApps.FULL, TestApps.MINIMAL)) {
      TestApps.Built each = TestApps.get(config);
      for (Stack s : each.stacks()) {
        for (IamStatements.Located statement :
            IamStatements.identityStatements(each.template(s.getNode().getId()))) {
          for (Object resource : statement.resources()) {
            String text = resource.toString();
            if (text.contains(":user/")) {
              userStatements++;
              assertThat(text)
                  .as(
                      "%s in %s of %s",
                      statement.statement(), statement.resource(), s.getNode().getPath())
                  .doesNotContain("*");
            }
          }
        }
      }
    }
    assertThat(userStatements).as("statements on users were checked").isGreaterThan(0);
  }

  @Test
  void rotationRoleReachesOnlyTheManagedSecretsAndTheKeyViaSecretsManager() {
    List<IamStatements.Located> secrets =
        rotationStatements().stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("secretsmanager:")))
            .filter(s -> !s.resources().contains("*"))
            .filter(s -> !"ReadTheEvidenceSeal".equals(s.statement().get("Sid")))
            .toList();
    assertThat(rotationStatements())
        .filteredOn(s -> "ReadTheEvidenceSeal".equals(s.statement().get("Sid")))
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.actions()).containsExactly("secretsmanager:GetSecretValue");
              assertThat(s.resources()).singleElement().isInstanceOf(Map.class);
            });
    List<Object> secretRefs =
        secrets.stream().flatMap(s -> s.resources().stream()).distinct().toList();
    assertThat(secretRefs)
        .containsExactlyInAnyOrder(
            Map.of("Ref", logicalId(stack.getSecrets().get("ci-deployer").getSecret())),
            Map.of("Ref", logicalId(stack.getSecrets().get("legacy-batch").getSecret())));
    for (IamStatements.Located statement : secrets) {
      if (statement.statement().containsKey("Condition")) {
        // The attempt record is the only secret tag the function may write or remove.
        assertThat(statement.actions())
            .containsExactlyInAnyOrder(
                "secretsmanager:TagResource", "secretsmanager:UntagResource");
        assertThat(statement.statement().get("Condition"))
            .isEqualTo(
                Map.of(
                    "ForAllValues:StringEquals",
                    Map.of("aws:TagKeys", List.of("keyrotator:attempt"))));
      } else {
        assertThat(statement.actions())
            .containsExactlyInAnyOrder(
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:ListSecretVersionIds",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage");
      }
    }
    assertThat(secrets).hasSize(4);
    // ListSecrets has no resource type: the only action on "*".
    assertThat(
            rotationStatements().stream()
                .filter(s -> s.resources().contains("*"))
                .flatMap(s -> s.actions().stream())
                .toList())
        .containsExactly("secretsmanager:ListSecrets");

    List<IamStatements.Located> kms =
        rotationStatements().stream()
            .filter(s -> s.actions().stream().anyMatch(a -> a.startsWith("kms:")))
            .toList();
    assertThat(kms).hasSize(1);
    assertThat(kms.get(0).actions())
        .containsExactlyInAnyOrder("kms:Decrypt", "kms:GenerateDataKey");
    assertThat(kms.get(0).statement().get("Condition"))
        .isEqualTo(
            Map.of(
                "StringEquals",
                Map.of(
                    "kms:ViaService",
                    Map.of(
                        "Fn::Join",
                        List.of(
                            "",
                            List.of(
                                "secretsmanager.eu-west-1.", Map.of("Ref", "AWS::URLSuffix")))))));
  }

  @Test
  void rotationRoleHasNothingElse() {
    assertThat(
            rotationStatements().stream()
                .flatMap(s -> s.actions().stream())
                .map(a -> a.substring(0, a.indexOf(':')))
                .distinct()
                .sorted()
                .toList())
        .containsExactly("iam", "kms", "logs", "secretsmanager");
    template.hasResourceProperties(
        "AWS::IAM::Role",
        Match.objectLike(
            Map.of(
                "RoleName", "keyrotator-rotation-eu-west-1", "ManagedPolicyArns", Match.absent())));
  }

  // --- notifications and rules -------------------------------------------------------------

  @Test
  void topicIsEncryptedTlsOnlyAndMailsTheConfiguredAddresses() {
    template.hasResourceProperties(
        "AWS::SNS::Topic",
        Match.objectLike(
            Map.of("KmsMasterKeyId", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn")))));
    template.hasResourceProperties(
        "AWS::SNS::TopicPolicy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Effect",
                                        "Deny",
                                        "Condition",
                                        Map.of(
                                            "Bool",
                                            Map.of("aws:SecureTransport", "false")))))))))));
    template.resourceCountIs("AWS::SNS::Subscription", 2);
    for (String email : List.of("alerts@example.com", "oncall@example.com")) {
      template.hasResourceProperties(
          "AWS::SNS::Subscription",
          Match.objectLike(Map.of("Protocol", "email", "Endpoint", email)));
    }
  }

  @Test
  void rotationFailuresOfManagedSecretsGoToTheTopicWithAReadableMessage() {
    template.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "EventPattern",
                Match.objectLike(
                    Map.of(
                        "source", List.of("aws.secretsmanager"),
                        "detail-type", List.of("AWS Service Event via CloudTrail"),
                        "detail",
                            Match.objectLike(
                                Map.of(
                                    "eventName",
                                    List.of(
                                        "RotationFailed",
                                        "RotationAbandoned",
                                        "TestRotationFailed"),
                                    "$or",
                                    List.of(
                                        Map.of(
                                            "additionalEventData",
                                            Map.of(
                                                "SecretId",
                                                List.of(
                                                    Map.of(
                                                        "prefix",
                                                        partitionArn(
                                                            ":secretsmanager:eu-west-1:123456789012:secret:keyrotator/")),
                                                    Map.of("prefix", "keyrotator/")))),
                                        Map.of(
                                            "additionalEventData",
                                            Map.of(
                                                "SecretId", List.of(Map.of("exists", false))))))))),
                "Targets",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Arn", Map.of("Ref", logicalId(stack.getNotifications().getTopic())),
                            "InputTransformer",
                                Match.objectLike(
                                    Map.of(
                                        "InputTemplate",
                                        Match.stringLikeRegexp(".*rotate-secret.*")))))))));
  }

  @Test
  void stepFailedMetricOfEveryStepRaisesAnAlarm() {
    template.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "AlarmActions",
                List.of(Map.of("Ref", logicalId(stack.getNotifications().getTopic()))),
                "Metrics",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(Map.of("Expression", "m0 + m1 + m2 + m3")),
                        Match.objectLike(
                            Map.of(
                                "MetricStat",
                                Match.objectLike(
                                    Map.of(
                                        "Metric",
                                        Map.of(
                                            "Namespace", "keyrotator",
                                            "MetricName", "StepFailed",
                                            "Dimensions",
                                                List.of(
                                                    Map.of(
                                                        "Name",
                                                        "Step",
                                                        "Value",
                                                        "finishSecret"))))))))))));
  }

  @Test
  void outOfBandKeyChangeRuleIsNotInANonUsEast1Stack() {
    assertThat(
            template.findResources(
                "AWS::Events::Rule",
                Match.objectLike(
                    Map.of(
                        "Properties",
                        Match.objectLike(
                            Map.of(
                                "EventPattern",
                                Match.objectLike(Map.of("source", List.of("aws.iam")))))))))
        .isEmpty();
  }

  @Test
  void usEast1CompanionStackCarriesTheOutOfBandKeyChangeRule() {
    Stack companion = built.stack("KeyrotatorIamEvents");
    Template companionTemplate = built.template("KeyrotatorIamEvents");

    assertThat(built.stacks()).hasSize(2);
    assertThat(companion.getRegion()).isEqualTo("us-east-1");
    assertThat(companion.getAccount()).isEqualTo("123456789012");
    companionTemplate.hasResourceProperties(
        "AWS::Events::Rule",
        Match.objectLike(
            Map.of(
                "EventPattern",
                Map.of(
                    "source", List.of("aws.iam"),
                    "detail-type", List.of("AWS API Call via CloudTrail"),
                    "detail",
                        Map.of(
                            "eventSource", List.of("iam.amazonaws.com"),
                            "eventName",
                                List.of("CreateAccessKey", "UpdateAccessKey", "DeleteAccessKey"),
                            "requestParameters",
                                Map.of("userName", List.of("ci-deployer", "legacy-batch")),
                            "$or",
                                List.of(
                                    Map.of(
                                        "userIdentity",
                                        Map.of(
                                            "type",
                                            List.of(
                                                Map.of("anything-but", List.of("AssumedRole"))))),
                                    Map.of(
                                        "userIdentity",
                                        Map.of(
                                            "sessionContext",
                                            Map.of(
                                                "sessionIssuer",
                                                Map.of(
                                                    "arn",
                                                    List.of(
                                                        Map.of(
                                                            "anything-but",
                                                            List.of(
                                                                partitionArn(
                                                                    ":iam::123456789012:role/keyrotator-rotation-eu-west-1"),
                                                                partitionArn(
                                                                    ":iam::123456789012:role/keyrotator-hygiene-eu-west-1"))))))))))),
                "Targets",
                List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", Match.anyValue())))))));
    companionTemplate.hasResourceProperties(
        "AWS::SNS::Topic", Match.objectLike(Map.of("KmsMasterKeyId", Match.anyValue())));
    companionTemplate.resourceCountIs("AWS::SNS::Subscription", 2);
  }

  // --- CloudTrail ---------------------------------------------------------------------------

  @Test
  void createdTrailFollowsTheBenchmark() {
    template.hasResourceProperties(
        "AWS::CloudTrail::Trail",
        Match.objectLike(
            Map.of(
                "IsMultiRegionTrail", true,
                "IncludeGlobalServiceEvents", true,
                "EnableLogFileValidation", true,
                "IsLogging", true,
                "KMSKeyId", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn")),
                "CloudWatchLogsLogGroupArn", Map.of("Fn::GetAtt", List.of(Match.anyValue(), "Arn")),
                "EventSelectors",
                    List.of(
                        Match.objectLike(
                            Map.of("IncludeManagementEvents", true, "ReadWriteType", "All"))))));
  }

  @Test
  void trailBucketIsPrivateVersionedTlsOnlyWithLifecycleAndAccessLogs() {
    template.hasResourceProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "PublicAccessBlockConfiguration",
                    Map.of(
                        "BlockPublicAcls", true,
                        "BlockPublicPolicy", true,
                        "IgnorePublicAcls", true,
                        "RestrictPublicBuckets", true),
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "LoggingConfiguration",
                    Match.objectLike(Map.of("DestinationBucketName", Match.anyValue())),
                "LifecycleConfiguration",
                    Map.of(
                        "Rules",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "Status",
                                    "Enabled",
                                    "ExpirationInDays",
                                    731,
                                    "Transitions",
                                    List.of(
                                        Map.of(
                                            "StorageClass",
                                            "GLACIER",
                                            "TransitionInDays",
                                            90)))))))));
    Map<String, Map<String, Object>> buckets = template.findResources("AWS::S3::Bucket");
    for (String bucket : buckets.keySet()) {
      template.hasResourceProperties(
          "AWS::S3::BucketPolicy",
          Match.objectLike(
              Map.of(
                  "Bucket",
                  Map.of("Ref", bucket),
                  "PolicyDocument",
                  Match.objectLike(
                      Map.of(
                          "Statement",
                          Match.arrayWith(
                              List.of(
                                  Match.objectLike(
                                      Map.of(
                                          "Effect",
                                          "Deny",
                                          "Condition",
                                          Map.of(
                                              "Bool",
                                              Map.of("aws:SecureTransport", "false")))))))))));
    }
  }

  @Test
  void oneAlarmPerCisControlWithTheExactPattern() {
    String topic = logicalId(stack.getNotifications().getTopic());
    String trailLogs = logicalId(stack.getNode().findChild("Trail").getNode().findChild("Logs"));
    Map<String, String> all = new java.util.LinkedHashMap<>(CIS_PATTERNS);
    all.put("CIS.4.15", ORGANIZATIONS_PATTERN);
    for (Map.Entry<String, String> control : all.entrySet()) {
      Map<String, Map<String, Object>> filters =
          template.findResources(
              "AWS::Logs::MetricFilter",
              Match.objectLike(
                  Map.of(
                      "Properties",
                      Match.objectLike(Map.of("FilterPattern", control.getValue())))));
      assertThat(filters).as(control.getKey()).hasSize(1);
      @SuppressWarnings("unchecked")
      Map<String, Object> props =
          (Map<String, Object>) filters.values().iterator().next().get("Properties");
      @SuppressWarnings("unchecked")
      Map<String, Object> transformation =
          ((List<Map<String, Object>>) props.get("MetricTransformations")).get(0);
      assertThat(props.get("LogGroupName"))
          .as(control.getKey())
          .isEqualTo(Map.of("Ref", trailLogs));
      template.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Match.objectLike(
              Map.of(
                  "AlarmDescription",
                      Match.stringLikeRegexp(control.getKey().replace(".", "\\.") + ":.*"),
                  "MetricName", transformation.get("MetricName"),
                  "Namespace", transformation.get("MetricNamespace"),
                  "Threshold", 1,
                  "ComparisonOperator", "GreaterThanOrEqualToThreshold",
                  "AlarmActions", List.of(Map.of("Ref", topic)))));
    }
  }

  @Test
  void keyrotatorsOwnCloudTrailAlarmsWatchManagedUsersAndRotationFailures() {
    template.resourceCountIs("AWS::Logs::MetricFilter", 17);
    // 17 filter alarms, StepFailed, and the hygiene function's Errors and five finding alarms.
    template.resourceCountIs("AWS::CloudWatch::Alarm", 24);
    template.hasResourceProperties(
        "AWS::Logs::MetricFilter",
        Match.objectLike(
            Map.of(
                "FilterPattern",
                "{($.eventSource=iam.amazonaws.com) && (($.eventName=CreateAccessKey) ||"
                    + " ($.eventName=UpdateAccessKey) || ($.eventName=DeleteAccessKey)) &&"
                    + " (($.requestParameters.userName=\"ci-deployer\") ||"
                    + " ($.requestParameters.userName=\"legacy-batch\")) &&"
                    + " (($.userIdentity.type!=\"AssumedRole\") ||"
                    + " (($.userIdentity.sessionContext.sessionIssuer.userName!=\"keyrotator-rotation-eu-west-1\")"
                    + " && ($.userIdentity.sessionContext.sessionIssuer.userName!=\"keyrotator-hygiene-eu-west-1\")))}")));
    template.hasResourceProperties(
        "AWS::Logs::MetricFilter",
        Match.objectLike(
            Map.of(
                "FilterPattern",
                "{($.eventSource=secretsmanager.amazonaws.com) && (($.eventName=RotationFailed) ||"
                    + " ($.eventName=RotationAbandoned) || ($.eventName=TestRotationFailed))}")));
  }

  // --- hardening ----------------------------------------------------------------------------

  @Test
  void passwordPolicyUsesTheIamPasswordPolicyRuleDefaults() {
    template.hasResourceProperties(
        "Custom::AWS",
        Match.objectLike(
            Map.of(
                "Create",
                Match.serializedJson(
                    Match.objectLike(
                        Map.of(
                            "service", "IAM",
                            "action", "updateAccountPasswordPolicy",
                            "parameters",
                                Map.of(
                                    "MinimumPasswordLength", 14,
                                    "RequireSymbols", true,
                                    "RequireNumbers", true,
                                    "RequireUppercaseCharacters", true,
                                    "RequireLowercaseCharacters", true,
                                    "AllowUsersToChangePassword", true,
                                    "PasswordReusePrevention", 24,
                                    "MaxPasswordAge", 90)))),
                "Delete",
                Match.serializedJson(
                    Match.objectLike(Map.of("action", "deleteAccountPasswordPolicy"))))));
  }

  @Test
  void mfaEnforcementPolicyIsAttachedToTheConfiguredGroup() {
    Map<String, Map<String, Object>> policies = template.findResources("AWS::IAM::ManagedPolicy");
    assertThat(policies).hasSize(1);
    String policy = policies.keySet().iterator().next();
    template.hasResourceProperties(
        "AWS::IAM::Group",
        Map.of("GroupName", "require-mfa", "ManagedPolicyArns", List.of(Map.of("Ref", policy))));
    template.hasResourceProperties(
        "AWS::IAM::ManagedPolicy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Match.objectLike(
                    Map.of(
                        "Statement",
                        Match.arrayWith(
                            List.of(
                                Match.objectLike(
                                    Map.of(
                                        "Effect",
                                        "Deny",
                                        "NotAction",
                                        Match.arrayWith(
                                            List.of("iam:EnableMFADevice", "sts:GetSessionToken")),
                                        "Resource",
                                        "*",
                                        "Condition",
                                        Map.of(
                                            "BoolIfExists",
                                            Map.of("aws:MultiFactorAuthPresent", "false")))))))))));
  }

  // --- across all stacks ------------------------------------------------------------------

  /**
   * Account-level IAM actions that have no resource ARN; allowed on "*" by necessity. The hardening
   * custom resource's password-policy writes, and the hygiene audit's GenerateCredentialReport: its
   * name is not Get/List/Describe, but it only asks IAM to build the account's credential report
   * (the audit then reads it with GetCredentialReport) and changes no identity, key or policy.
   */
  static final List<String> ACCOUNT_LEVEL_ACTIONS =
      List.of(
          "iam:UpdateAccountPasswordPolicy",
          "iam:DeleteAccountPasswordPolicy",
          "iam:GenerateCredentialReport");

  @Test
  void noIamStatementAllowsAWriteActionOnEveryResource() {
    int statementsOnStar = 0;
    for (String config : List.of(TestApps.FULL, TestApps.MINIMAL)) {
      TestApps.Built each = TestApps.get(config);
      for (Stack s : each.stacks()) {
        Template t = each.template(s.getNode().getId());
        for (IamStatements.Located statement : IamStatements.identityStatements(t)) {
          if (!statement.allows() || !statement.resources().contains("*")) {
            continue;
          }
          statementsOnStar++;
          for (String action : statement.actions()) {
            boolean readOnly = action.matches("[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*");
            assertThat(readOnly || ACCOUNT_LEVEL_ACTIONS.contains(action))
                .as(
                    "%s in %s of %s allows %s on *",
                    statement.statement(), statement.resource(), s.getNode().getPath(), action)
                .isTrue();
          }
        }
      }
    }
    // The MFA policy's read-only statement and the password policy are on "*": the check ran.
    assertThat(statementsOnStar).isGreaterThanOrEqualTo(2);
  }
}
