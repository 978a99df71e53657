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
 * An attacker who may CreateSecret/TagResource/PutSecretValue on a secret of its own (which it
 * cannot encrypt with keyrotator's KMS key), TagUser/UntagUser on managed users and read IAM
 * metadata, but never write keyrotator's secrets. It forges "created by keyrotator" values in its
 * own secret, tagged for a victim user. Only secrets encrypted with the deployment's key count as
 * evidence ({@code SecretTrust}), so the hygiene job and doctor --fix touch none of the victim's
 * keys. (Found by a red-team review: an earlier design took evidence from any tagged secret.)
 */
class ForgedEvidenceIT {
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

  /** The attacker's own secret, tagged for the victim, with a forged "created by keyrotator" value for the key. */
  private String forgeEvidence(String name, String keyId, int laterPuts) {
    String bootstrap = "{\"UserName\":\"" + VICTIM + "\"}";
    String arn = aws.secretsManager.createSecret(r -> r.name(name).secretString(bootstrap)
        .tags(t -> t.key(SecretVersions.USER_TAG).value(VICTIM))).arn();
    String userId = aws.iam.getUser(r -> r.userName(VICTIM)).user().userId();
    Instant created = aws.keys(VICTIM).stream().filter(k -> k.accessKeyId().equals(keyId)).findFirst()
        .orElseThrow().createDate();
    String version = UUID.randomUUID().toString();
    String forged = "{\"UserName\":\"" + VICTIM + "\",\"UserId\":\"" + userId + "\",\"AccessKeyId\":\"" + keyId
        + "\",\"SecretAccessKey\":\"" + "x".repeat(40) + "\",\"CreateDate\":\"" + created
        + "\",\"CreatedBy\":\"keyrotator\",\"SecretArn\":\"" + arn + "\",\"VersionId\":\"" + version + "\"}";
    ManagedKeySecret.parse(forged, "forged"); // well-formed
    aws.secretsManager.putSecretValue(r -> r.secretId(arn).clientRequestToken(version).secretString(forged));
    for (int i = 0; i < laterPuts; i++) {
      aws.secretsManager.putSecretValue(r -> r.secretId(arn).clientRequestToken(UUID.randomUUID().toString())
          .secretString(bootstrap));
    }
    return arn;
  }

  /**
   * A managed (in-scope) user whose key was made by hand (not yet onboarded to a keyrotator secret).
   * The attacker's own secret holds a forged AWSPREVIOUS value; the hygiene job retires the key.
   */
  @Test
  void hygieneRetiresAHandMadeKeyOnTheStrengthOfAnAttackerOwnedSecret() {
    aws.createManagedUser(VICTIM);
    String handMade = aws.iam.createAccessKey(r -> r.userName(VICTIM)).accessKey().accessKeyId();
    forgeEvidence("attacker-secret", handMade, 1); // forged value -> AWSPREVIOUS

    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, handMade)).as("a key keyrotator never created, after hygiene")
        .isEqualTo(StatusType.ACTIVE);
    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, handMade)).as("a key keyrotator never created, after second hygiene")
        .isEqualTo(StatusType.ACTIVE);
  }

  /** Same forgery in a dropped version: doctor --fix takes it as ABANDONED, deactivates and then deletes it. */
  @Test
  void doctorFixDeletesAHandMadeKeyOnTheStrengthOfAnAttackerOwnedSecret() {
    aws.createManagedUser(VICTIM);
    String handMade = aws.iam.createAccessKey(r -> r.userName(VICTIM)).accessKey().accessKeyId();
    forgeEvidence("attacker-secret", handMade, 2); // forged value -> unlabelled (dropped)

    clock.advance(Duration.ofMinutes(5));
    List<Repair> first = jobs.doctorFix();
    List<Repair> second = jobs.doctorFix();
    assertThat(aws.keyStatus(VICTIM, handMade)).as("repairs applied: " + first + " then " + second)
        .isEqualTo(StatusType.ACTIVE);
  }

  /**
   * keyrotator's own secret rotated and claimed the user. The attacker removes the claim
   * (iam:UntagUser) and forges its own tagged secret naming the legitimate secret's AWSCURRENT key.
   */
  @Test
  void hygieneRetiresTheCurrentKeyOfAnUntaggedManagedSecret() {
    aws.createManagedUser(VICTIM);
    String legit = aws.createBootstrapSecret("legit-untagged", VICTIM);
    aws.rotate(aws.handler(aws.settings(Map.of()), clock), legit);
    String current = ManagedKeySecret.parse(aws.value(legit, "AWSCURRENT"), "c").accessKeyId().orElseThrow();

    aws.iam.untagUser(r -> r.userName(VICTIM).tagKeys("keyrotator:secret"));
    forgeEvidence("attacker-secret", current, 1);

    clock.advance(Duration.ofDays(60));
    jobs.hygiene(Map.of());
    assertThat(aws.keyStatus(VICTIM, current)).as("AWSCURRENT key of legit-untagged").isEqualTo(StatusType.ACTIVE);
  }
}
