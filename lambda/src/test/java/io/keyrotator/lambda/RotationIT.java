package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.config.Settings;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Rotations against moto over HTTP with the real SDK clients, started the way Secrets Manager
 * starts them (RotateSecret registers the AWSPENDING version; the handler runs each step).
 */
@ExtendWith(LocalAwsExtension.class)
class RotationIT {
  private static final String USER = "app-ci";
  private LocalAws aws;

  private ManagedKeySecret current(String secret) {
    return ManagedKeySecret.parse(aws.value(secret, "AWSCURRENT"), "AWSCURRENT");
  }

  /** Signs GetCallerIdentity with the key in the secret, as a consumer would use it. */
  private String callerArn(ManagedKeySecret value) {
    return aws.callerArn(value.accessKeyId().orElseThrow(), value.secretAccessKey().orElseThrow());
  }

  private AccessKeyMetadata key(String id) {
    return aws.keys(USER).stream()
        .filter(k -> k.accessKeyId().equals(id))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void bootstrapCreatesAFirstKeyThatWorks() {
    aws.createManagedUser(USER);
    String secret = aws.createBootstrapSecret("app-ci-key", USER);

    aws.rotate(aws.handler(), secret);

    ManagedKeySecret value = current(secret);
    assertThat(aws.keys(USER))
        .singleElement()
        .satisfies(
            k -> {
              assertThat(k.accessKeyId()).isEqualTo(value.accessKeyId().orElseThrow());
              assertThat(k.status()).isEqualTo(StatusType.ACTIVE);
            });
    assertThat(callerArn(value)).isEqualTo("arn:aws:iam::123456789012:user/keyrotator/app-ci");
    assertThat(aws.stages(secret).values()).noneMatch(l -> l.contains("AWSPENDING"));
    assertThat(aws.iam.listUserTags(r -> r.userName(USER)).tags())
        .noneMatch(t -> t.key().equals("keyrotator:rotation"));
  }

  @Test
  void secondAndThirdRotationsRetireThePreviousKeyWithinTheTwoKeyLimit() {
    aws.createManagedUser(USER);
    String secret = aws.createBootstrapSecret("app-ci-key", USER);
    RotationHandler handler =
        aws.handler(aws.settings(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate")));

    aws.rotate(handler, secret);
    String first = current(secret).accessKeyId().orElseThrow();
    aws.rotate(handler, secret);
    String second = current(secret).accessKeyId().orElseThrow();
    assertThat(key(first).status()).isEqualTo(StatusType.INACTIVE);
    assertThat(ManagedKeySecret.parse(aws.value(secret, "AWSPREVIOUS"), "prev").holds(first))
        .isTrue();

    aws.rotate(handler, secret);
    ManagedKeySecret third = current(secret);
    assertThat(aws.keys(USER))
        .extracting(AccessKeyMetadata::accessKeyId)
        .containsExactlyInAnyOrder(second, third.accessKeyId().orElseThrow());
    assertThat(key(second).status()).isEqualTo(StatusType.INACTIVE);
    assertThat(callerArn(third)).endsWith("user/keyrotator/app-ci");
  }

  @Test
  void anInactivePreviousKeyIsRemovedToMakeRoom() {
    RotationHandler handler = aws.handler();
    String secret = aws.rotatedOnce(USER, "app-ci-key", handler);
    String first = current(secret).accessKeyId().orElseThrow();
    aws.rotate(handler, secret);
    assertThat(key(first).status()).isEqualTo(StatusType.ACTIVE); // default policy: keep
    aws.iam.updateAccessKey(r -> r.userName(USER).accessKeyId(first).status(StatusType.INACTIVE));

    aws.rotate(handler, secret);

    assertThat(aws.keys(USER)).hasSize(2).noneMatch(k -> k.accessKeyId().equals(first));
  }

  @Test
  void anActivePreviousKeyStillInUseIsARefusalThatChangesNothing() {
    RotationHandler handler = aws.handler();
    String secret = aws.rotatedOnce(USER, "app-ci-key", handler);
    aws.rotate(handler, secret); // the first key stays active and was used minutes ago
    List<AccessKeyMetadata> keysBefore = aws.keys(USER);
    String currentBefore = aws.value(secret, "AWSCURRENT");

    String token = aws.startRotation(secret);
    assertThatThrownBy(() -> LocalAws.runStep(handler, RotationStep.CREATE_SECRET, secret, token))
        .isInstanceOf(RotationFailedException.class)
        .hasMessageContaining("already has 2 access keys")
        .hasMessageContaining("a consumer may still depend on it")
        .hasMessageContaining("Nothing was changed");

    assertThat(aws.keys(USER)).isEqualTo(keysBefore);
    assertThat(aws.value(secret, "AWSCURRENT")).isEqualTo(currentBefore);
  }

  @Test
  void aKeyTheSecretDoesNotHoldIsNeverDeleted() throws InterruptedException {
    RotationHandler handler = aws.handler();
    String secret = aws.rotatedOnce(USER, "app-ci-key", handler);
    String foreign = aws.iam.createAccessKey(r -> r.userName(USER)).accessKey().accessKeyId();
    aws.iam.updateAccessKey(r -> r.userName(USER).accessKeyId(foreign).status(StatusType.INACTIVE));
    // Made by hand well before the rotation: a key made within a second of the rotation's start
    // could be that rotation's lost key (KeyOwnership's UNCONFIRMED), which is another test.
    Thread.sleep(2100);

    String token = aws.startRotation(secret);
    assertThatThrownBy(() -> LocalAws.runSteps(handler, secret, token))
        .hasMessageContaining("no version of app-ci-key proves keyrotator created it")
        .hasMessageContaining("does not own it");

    assertThat(aws.keys(USER))
        .extracting(AccessKeyMetadata::accessKeyId)
        .contains(foreign)
        .hasSize(2);
  }

  @Test
  void everyStepRunTwiceGivesTheSameResultAsOnce() {
    RotationHandler handler =
        aws.handler(aws.settings(Map.of(Settings.PREVIOUS_KEY_POLICY, "deactivate")));
    String secret = aws.rotatedOnce(USER, "app-ci-key", handler);
    String previous = current(secret).accessKeyId().orElseThrow();

    String token = aws.startRotation(secret);
    for (RotationStep step : RotationStep.values()) {
      LocalAws.runStep(handler, step, secret, token);
      LocalAws.runStep(handler, step, secret, token);
    }

    assertThat(aws.keys(USER)).hasSize(2);
    assertThat(key(previous).status()).isEqualTo(StatusType.INACTIVE);
    assertThat(aws.stages(secret).get(token)).containsExactly("AWSCURRENT");
    assertThat(callerArn(current(secret))).endsWith("user/keyrotator/app-ci");
  }

  @Test
  void aTestOnlyRunValidatesWithoutCreatingAKey() {
    RotationHandler handler = aws.handler();
    String secret = aws.rotatedOnce(USER, "app-ci-key", handler);
    List<AccessKeyMetadata> before = aws.keys(USER);

    // RotateImmediately=false: Secrets Manager runs testSecret alone on an empty AWSPENDING
    // version.
    String token = aws.startRotation(secret);
    LocalAws.runStep(handler, RotationStep.TEST_SECRET, secret, token);

    assertThat(aws.keys(USER)).isEqualTo(before);
  }

  @Test
  void aListedUserIsRotatedAndAnyOtherUserIsRefusedWhateverItsTags() {
    aws.createUser("legacy", "/");
    aws.createUser(
        "admin",
        "/",
        software.amazon.awssdk.services.iam.model.Tag.builder()
            .key("keyrotator:managed")
            .value("true")
            .build());
    String legacy = aws.createBootstrapSecret("legacy-key", "legacy");
    String admin = aws.createBootstrapSecret("admin-key", "admin");
    RotationHandler handler = aws.handler(aws.settings(Map.of(Settings.MANAGED_USERS, "Legacy")));

    aws.rotate(handler, legacy);
    assertThat(aws.keys("legacy")).hasSize(1);

    assertThatThrownBy(() -> aws.rotate(handler, admin))
        .hasMessageContaining("outside the users keyrotator manages");
    assertThat(aws.keys("admin")).isEmpty();
  }
}
