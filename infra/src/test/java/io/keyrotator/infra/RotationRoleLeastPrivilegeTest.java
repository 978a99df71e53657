package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;

/**
 * The rotation role in the full configuration reaches only the managed users, by exact ARN, and
 * only the managed secrets and their key through Secrets Manager; no role names a user wildcard and
 * no statement allows a write on every resource.
 */
class RotationRoleLeastPrivilegeTest extends FullConfigurationTest {

  private static List<IamStatements.Located> rotationStatements() {
    String policy =
        logicalId(stack.getRotationFunction().getRole().getNode().findChild("DefaultPolicy"));
    return IamStatements.statementsOf(template, policy);
  }

  /** An identity-policy statement and the path of the stack it is in. */
  private record InStack(String stackPath, IamStatements.Located statement) {}

  /** Every identity-policy statement of every stack of the full and the minimal configuration. */
  private static List<InStack> identityStatementsOfEveryStack() {
    List<InStack> all = new ArrayList<>();
    for (String config : List.of(TestApps.FULL, TestApps.MINIMAL)) {
      TestApps.Built app = TestApps.get(config);
      for (Stack s : app.stacks()) {
        for (IamStatements.Located statement :
            IamStatements.identityStatements(app.template(s.getNode().getId()))) {
          all.add(new InStack(s.getNode().getPath(), statement));
        }
      }
    }
    return all;
  }

  @Test
  void rotationRoleActsOnEachManagedUserByExactArn() {
    List<Object> expectedUsers = FullConfigurationTest.MANAGED_USER_ARNS;
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
    for (InStack each : identityStatementsOfEveryStack()) {
      IamStatements.Located statement = each.statement();
      for (Object resource : statement.resources()) {
        String text = resource.toString();
        if (text.contains(":user/")) {
          userStatements++;
          assertThat(text)
              .as("%s in %s of %s", statement.statement(), statement.resource(), each.stackPath())
              .doesNotContain("*");
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
        .isEqualTo(TemplateMatchers.viaSecretsManager("eu-west-1"));
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
    for (InStack each : identityStatementsOfEveryStack()) {
      IamStatements.Located statement = each.statement();
      if (!statement.allows() || !statement.resources().contains("*")) {
        continue;
      }
      statementsOnStar++;
      for (String action : statement.actions()) {
        boolean readOnly = action.matches("[a-z0-9-]+:(Get|List|Describe)[A-Za-z]*");
        assertThat(readOnly || ACCOUNT_LEVEL_ACTIONS.contains(action))
            .as(
                "%s in %s of %s allows %s on *",
                statement.statement(), statement.resource(), each.stackPath(), action)
            .isTrue();
      }
    }
    // The MFA policy's read-only statement and the password policy are on "*": the check ran.
    assertThat(statementsOnStar).isGreaterThanOrEqualTo(2);
  }
}
