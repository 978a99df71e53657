package io.keyrotator.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.ports.KeyProbe.KeyRejectedException;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.iam.model.AccessKey;

/** The STS probe against moto with request authentication on, as AWS checks keys. */
@ExtendWith(LocalAwsExtension.class)
class SdkKeyProbeIT {
  private LocalAws aws;
  private SdkKeyProbe probe;

  @BeforeEach
  void setUp() {
    aws.createManagedUser("app-ci");
    probe = aws.clients(aws.settings(Map.of())).keyProbe();
  }

  @AfterEach
  void tearDown() {
    aws.moto.enforceAuthentication(false);
  }

  @Test
  void acceptsALiveKeyAndRejectsDeletedOrWrongOnes() {
    AccessKey live = aws.iam.createAccessKey(r -> r.userName("app-ci")).accessKey();
    AccessKey deleted = aws.iam.createAccessKey(r -> r.userName("app-ci")).accessKey();
    aws.iam.deleteAccessKey(r -> r.userName("app-ci").accessKeyId(deleted.accessKeyId()));
    aws.moto.enforceAuthentication(true);

    assertThat(probe.callerArn(live.accessKeyId(), live.secretAccessKey()))
        .isEqualTo("arn:aws:iam::123456789012:user/keyrotator/app-ci");
    assertThatThrownBy(() -> probe.callerArn(deleted.accessKeyId(), deleted.secretAccessKey()))
        .isInstanceOf(KeyRejectedException.class)
        .hasMessageContaining("HTTP 403");
    assertThatThrownBy(() -> probe.callerArn(live.accessKeyId(), "not-" + live.secretAccessKey()))
        .isInstanceOf(KeyRejectedException.class);
  }
}
