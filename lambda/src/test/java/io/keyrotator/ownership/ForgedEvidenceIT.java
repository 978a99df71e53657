package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.inspection.Repair;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * An attacker who may CreateSecret/TagResource/PutSecretValue/UpdateSecret on a secret of its own,
 * TagUser/UntagUser on managed users and read IAM metadata, but never read keyrotator's seal key or
 * write keyrotator's secrets. It forges "created by keyrotator" values in its own secret, tagged
 * for a victim user, with every field right but the proof. Nothing unsealed proves anything ({@link
 * EvidenceSeal}), so the hygiene job and doctor --fix touch none of the victim's keys. Each case
 * also runs with the secret re-pointed afterwards at a KMS key id of the deployment's kind. (Found
 * by two red-team reviews: earlier designs took evidence from any tagged secret, then from any
 * secret whose KmsKeyId setting named the deployment's key.)
 */
@ExtendWith(LocalAwsExtension.class)
class ForgedEvidenceIT {
  private static final String VICTIM = "payments-batch";
  private LocalAws aws;
  private MutableClock clock;
  private LocalJobs jobs;

  /**
   * The attacker's own secret, tagged for the victim, with a forged "created by keyrotator" value
   * for the key.
   */
  private String forgeEvidence(String name, String keyId, int laterPuts, boolean rekey) {
    String bootstrap = "{\"UserName\":\"" + VICTIM + "\"}";
    String arn = aws.createSecret(name, bootstrap, VICTIM);
    String userId = aws.iam.getUser(r -> r.userName(VICTIM)).user().userId();
    Instant created =
        aws.keys(VICTIM).stream()
            .filter(k -> k.accessKeyId().equals(keyId))
            .findFirst()
            .orElseThrow()
            .createDate();
    String version = UUID.randomUUID().toString();
    String forged =
        "{\"UserName\":\""
            + VICTIM
            + "\",\"UserId\":\""
            + userId
            + "\",\"AccessKeyId\":\""
            + keyId
            + "\",\"SecretAccessKey\":\""
            + "x".repeat(40)
            + "\",\"CreateDate\":\""
            + created
            + "\",\"CreatedBy\":\"keyrotator\",\"SecretArn\":\""
            + arn
            + "\",\"VersionId\":\""
            + version
            // A proof of the right shape: the attacker cannot compute the real one without the seal
            // key.
            + "\",\"Proof\":\""
            + "q7Jf0bX2mZ9sVt4LwP1nR8cY6dK3hG5aE0uI9oT2yBv"
            + "\"}";
    ManagedKeySecret.parse(forged, "forged"); // well-formed
    aws.secretsManager.putSecretValue(
        r -> r.secretId(arn).clientRequestToken(version).secretString(forged));
    for (int i = 0; i < laterPuts; i++) {
      aws.secretsManager.putSecretValue(
          r ->
              r.secretId(arn)
                  .clientRequestToken(UUID.randomUUID().toString())
                  .secretString(bootstrap));
    }
    if (rekey) {
      // Then point the secret at a deployment-like KMS key id: only its setting changes. AWS leaves
      // the versions encrypted as they were (UpdateSecret: no re-encryption without kms:Encrypt on
      // the new key), so this proves nothing about who wrote them.
      aws.secretsManager.updateSecret(
          r ->
              r.secretId(arn)
                  .kmsKeyId(
                      "arn:aws:kms:us-east-1:"
                          + LocalAws.ACCOUNT
                          + ":key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
    }
    return arn;
  }

  /**
   * A managed (in-scope) user whose key was made by hand (not yet onboarded to a keyrotator
   * secret). The attacker's own secret holds a forged AWSPREVIOUS value; the hygiene job retires
   * the key.
   */
  @ParameterizedTest(name = "secret re-keyed afterwards: {0}")
  @ValueSource(booleans = {false, true})
  void hygieneNeverRetiresAHandMadeKeyOnTheStrengthOfAnAttackerOwnedSecret(boolean rekey) {
    aws.createManagedUser(VICTIM);
    String handMade = aws.iam.createAccessKey(r -> r.userName(VICTIM)).accessKey().accessKeyId();
    forgeEvidence("attacker-secret", handMade, 1, rekey); // forged value -> AWSPREVIOUS

    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, handMade))
        .as("a key keyrotator never created, after hygiene")
        .isEqualTo(StatusType.ACTIVE);
    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, handMade))
        .as("a key keyrotator never created, after second hygiene")
        .isEqualTo(StatusType.ACTIVE);
  }

  /**
   * Same forgery in a dropped version: doctor --fix takes it as ABANDONED, deactivates and then
   * deletes it.
   */
  @ParameterizedTest(name = "secret re-keyed afterwards: {0}")
  @ValueSource(booleans = {false, true})
  void doctorFixNeverTouchesAHandMadeKeyOnTheStrengthOfAnAttackerOwnedSecret(boolean rekey) {
    aws.createManagedUser(VICTIM);
    String handMade = aws.iam.createAccessKey(r -> r.userName(VICTIM)).accessKey().accessKeyId();
    forgeEvidence("attacker-secret", handMade, 2, rekey); // forged value -> unlabelled (dropped)

    clock.advance(Duration.ofMinutes(5));
    List<Repair> first = jobs.doctorFix();
    List<Repair> second = jobs.doctorFix();
    assertThat(aws.keyStatus(VICTIM, handMade))
        .as("repairs applied: " + first + " then " + second)
        .isEqualTo(StatusType.ACTIVE);
  }

  /**
   * keyrotator's own secret rotated and claimed the user. The attacker removes the claim
   * (iam:UntagUser) and forges its own tagged secret naming the legitimate secret's AWSCURRENT key.
   */
  @ParameterizedTest(name = "secret re-keyed afterwards: {0}")
  @ValueSource(booleans = {false, true})
  void hygieneNeverRetiresTheCurrentKeyOfKeyrotatorsOwnSecret(boolean rekey) {
    String legit =
        aws.rotatedOnce(VICTIM, "legit-untagged", aws.handler(aws.settings(Map.of()), clock));
    String current =
        ManagedKeySecret.parse(aws.value(legit, "AWSCURRENT"), "c").accessKeyId().orElseThrow();

    aws.iam.untagUser(r -> r.userName(VICTIM).tagKeys("keyrotator:secret"));
    forgeEvidence("attacker-secret", current, 1, rekey);

    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, current))
        .as("AWSCURRENT key of legit-untagged")
        .isEqualTo(StatusType.ACTIVE);
  }
}
