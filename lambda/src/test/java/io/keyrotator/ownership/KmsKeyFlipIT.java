package io.keyrotator.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.inspection.Repair;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalJobs;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.model.StatusType;

/**
 * Found by a red-team review of an earlier design that trusted a secret by its KmsKeyId setting.
 * Evidence is now sealed ({@link EvidenceSeal}), so none of this proves anything. The attack: AWS
 * documents (UpdateSecret
 * KmsKeyId): "If you don't have kms:Encrypt permission to the new key, Secrets Manager does not
 * re-encrypt existing secret versions with the new key" -- the call succeeds, the existing versions
 * stay encrypted with the old key (aws/secretsmanager, readable by every principal of the account)
 * and DescribeSecret reports the NEW key. So an attacker with secretsmanager:UpdateSecret on its
 * own secret writes forged values under aws/secretsmanager, then points the secret at keyrotator's
 * key id (which it only needs to know, never to use). Assumption: UpdateSecret that changes only
 * KmsKeyId needs no permission on the new key (the doc text above). moto stores the string as is.
 */
class KmsKeyFlipIT {
  private static final String VICTIM = "payments-batch";
  private LocalAws aws;
  private MutableClock clock;
  private LocalJobs jobs;

  @BeforeEach
  void setUp() {
    aws = LocalAws.fresh();
    clock = new MutableClock(Instant.now());
    jobs = new LocalJobs(aws, clock);
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  /** Same forgery as ForgedEvidenceIT, then UpdateSecret(KmsKeyId = keyrotator's key), no value written. */
  private String forgeEvidenceAndFlipKey(String name, String keyId, int laterPuts) {
    String bootstrap = "{\"UserName\":\"" + VICTIM + "\"}";
    String arn = aws.secretsManager.createSecret(r -> r.name(name).secretString(bootstrap)
        .tags(t -> t.key(SecretVersions.USER_TAG).value(VICTIM))).arn(); // aws/secretsmanager
    String userId = aws.iam.getUser(r -> r.userName(VICTIM)).user().userId();
    Instant created = aws.keys(VICTIM).stream().filter(k -> k.accessKeyId().equals(keyId)).findFirst()
        .orElseThrow().createDate();
    String version = UUID.randomUUID().toString();
    String forged = "{\"UserName\":\"" + VICTIM + "\",\"UserId\":\"" + userId + "\",\"AccessKeyId\":\"" + keyId
        + "\",\"SecretAccessKey\":\"" + "x".repeat(40) + "\",\"CreateDate\":\"" + created
        + "\",\"CreatedBy\":\"keyrotator\",\"SecretArn\":\"" + arn + "\",\"VersionId\":\"" + version + "\"}";
    aws.secretsManager.putSecretValue(r -> r.secretId(arn).clientRequestToken(version).secretString(forged));
    for (int i = 0; i < laterPuts; i++) {
      aws.secretsManager.putSecretValue(r -> r.secretId(arn).clientRequestToken(UUID.randomUUID().toString())
          .secretString(bootstrap));
    }
    // The only extra step: metadata-only key change (no value written afterwards).
    aws.secretsManager.updateSecret(r -> r.secretId(arn).kmsKeyId("arn:aws:kms:us-east-1:123456789012:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
    return arn;
  }

  @Test
  void doctorFixDeletesHandMadeKeyAfterAttackerFlipsKmsKeyId() {
    aws.createManagedUser(VICTIM);
    String handMade = aws.iam.createAccessKey(r -> r.userName(VICTIM)).accessKey().accessKeyId();
    forgeEvidenceAndFlipKey("attacker-secret", handMade, 2); // forged value -> dropped version

    clock.advance(Duration.ofMinutes(5));
    List<Repair> first = jobs.doctorFix();
    List<Repair> second = jobs.doctorFix();
    assertThat(aws.keyStatus(VICTIM, handMade)).as("repairs applied: " + first + " then " + second)
        .isEqualTo(StatusType.ACTIVE);
  }

  @Test
  void hygieneRetiresHandMadeKeyAfterAttackerFlipsKmsKeyId() {
    aws.createManagedUser(VICTIM);
    String handMade = aws.iam.createAccessKey(r -> r.userName(VICTIM)).accessKey().accessKeyId();
    forgeEvidenceAndFlipKey("attacker-secret", handMade, 1); // forged value -> AWSPREVIOUS

    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    StatusType afterFirst = aws.keyStatus(VICTIM, handMade);
    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, handMade)).as("after first hygiene: " + afterFirst)
        .isEqualTo(StatusType.ACTIVE);
  }

  /** keyrotator's own secret serves the user; the attacker removes the claim and targets its AWSCURRENT key. */
  @Test
  void hygieneRetiresCurrentKeyOfLegitSecretAfterUntagAndFlip() {
    aws.createManagedUser(VICTIM);
    String legit = aws.createBootstrapSecret("legit", VICTIM);
    aws.rotate(aws.handler(aws.settings(Map.of()), clock), legit);
    String current = ManagedKeySecret.parse(aws.value(legit, "AWSCURRENT"), "c").accessKeyId().orElseThrow();
    aws.iam.untagUser(r -> r.userName(VICTIM).tagKeys("keyrotator:secret"));
    forgeEvidenceAndFlipKey("attacker-secret", current, 1);

    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, current)).as("AWSCURRENT key of legit").isEqualTo(StatusType.ACTIVE);
  }
}
