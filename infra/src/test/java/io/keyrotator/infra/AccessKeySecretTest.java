package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.infra.constructs.AccessKeySecret;
import io.keyrotator.infra.constructs.ManagedIamUser;
import io.keyrotator.infra.constructs.RotationFunction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The secret construct on its own: its own key when none is shared, and how the rotation function's
 * invoke permissions scale with the number of secrets.
 */
class AccessKeySecretTest {

  private static Stack stack(String id) {
    return new Stack(
        App.Builder.create().outdir(TestApps.outRoot().resolve(id).toString()).build(),
        id,
        StackProps.builder()
            .env(Environment.builder().account("123456789012").region("eu-west-1").build())
            .build());
  }

  private static RotationFunction rotation(Stack stack, int users) {
    List<ManagedIamUser> list = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      list.add(new ManagedIamUser("user-" + i, "/"));
    }
    return new RotationFunction(
        stack,
        "Rotation",
        new RotationFunction.Props.Builder()
            .codePath(TestApps.fakeCode().toString())
            .users(list)
            .build());
  }

  private static AccessKeySecret secret(
      Stack stack, RotationFunction rotation, String user, String name) {
    var props = new AccessKeySecret.Props.Builder().userName(user).rotationFunction(rotation);
    if (name != null) {
      props.secretName(name);
    }
    return new AccessKeySecret(stack, "Secret-" + user, props.build());
  }

  @Test
  void aKeyToAdoptIsNamedInTheFirstValue() {
    Stack stack = stack("adopt-key");
    new AccessKeySecret(
        stack,
        "Secret-user-0",
        new AccessKeySecret.Props.Builder()
            .userName("user-0")
            .rotationFunction(rotation(stack, 1))
            .adoptKey("AKIAIOSFODNN7EXAMPLE")
            .build());
    Template.fromStack(stack)
        .hasResourceProperties(
            "AWS::SecretsManager::Secret",
            Map.of(
                "SecretString",
                "{\"UserName\":\"user-0\",\"AdoptAccessKeyIds\":[\"AKIAIOSFODNN7EXAMPLE\"]}"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void withoutASharedKeyEachSecretGetsItsOwnKeyWithoutAccountWideUse() {
    Stack stack = stack("own-key");
    secret(stack, rotation(stack, 1), "user-0", null);
    Template template = Template.fromStack(stack);

    template.resourceCountIs("AWS::KMS::Key", 1);
    Map<String, Object> key = template.findResources("AWS::KMS::Key").values().iterator().next();
    assertThat(key.get("DeletionPolicy")).isEqualTo("Retain");
    Map<String, Object> properties = (Map<String, Object>) key.get("Properties");
    assertThat(properties.get("EnableKeyRotation")).isEqualTo(true);
    for (Map<String, Object> statement :
        (List<Map<String, Object>>)
            ((Map<String, Object>) properties.get("KeyPolicy")).get("Statement")) {
      List<String> actions = IamStatements.strings(statement.get("Action"));
      assertThat(actions).doesNotContain("kms:*");
      if (actions.stream()
          .anyMatch(a -> a.matches("kms:(Decrypt|Encrypt|GenerateDataKey.*|ReEncrypt.*)"))) {
        assertThat(statement.get("Condition")).as(statement.toString()).isNotNull();
        assertThat(
                ((Map<String, Map<String, Object>>) statement.get("Condition")).get("StringEquals"))
            .containsKey("kms:ViaService");
      }
    }
  }

  @Test
  void tooManySecretsForOnePermissionEachShareOneForTheKeyrotatorPrefix() {
    Stack stack = stack("many-users");
    int users = 40;
    RotationFunction rotation = rotation(stack, users);
    List<AccessKeySecret> secrets = new ArrayList<>();
    for (int i = 0; i < users; i++) {
      secrets.add(secret(stack, rotation, "user-" + i, null));
    }
    Template template = Template.fromStack(stack);

    template.resourceCountIs("AWS::Lambda::Permission", 1);
    template.hasResourceProperties(
        "AWS::Lambda::Permission",
        TemplateMatchers.secretsManagerMayInvoke(
            StackRefs.partitionArn(":secretsmanager:eu-west-1:123456789012:secret:keyrotator/*"),
            Match.anyValue()));
    for (AccessKeySecret secret : secrets) {
      assertThat(secret.getInvokePermission())
          .isSameAs(rotation.getSharedInvokePermission().orElseThrow());
    }
    assertThatThrownBy(() -> secret(stack, rotation, "other", "elsewhere/other"))
        .hasMessageContaining("does not start with keyrotator/");
  }

  @Test
  void thePolicySizeEstimateSwitchesAboveLambdasLimit() {
    Stack few = stack("few-users");
    RotationFunction fewRotation = rotation(few, 30);

    assertThat(fewRotation.getSharedInvokePermission()).isEmpty();
    assertThat(rotation(stack("many"), 40).getSharedInvokePermission()).isPresent();
  }
}
