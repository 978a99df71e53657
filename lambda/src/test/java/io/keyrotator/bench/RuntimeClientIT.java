package io.keyrotator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.LocalAwsExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The shaded jar runs under Lambda's own Java runtime interface client, started the way Lambda
 * starts it (its JVM flags, the handler string of the CDK app, events from the Runtime API), for a
 * whole rotation: what bench/rotation times, proven to work on every build.
 */
@ExtendWith(LocalAwsExtension.class)
class RuntimeClientIT {
  private LocalAws aws;

  @Test
  void rotatesUnderLambdasRuntimeClientPrimedOrNot() throws Exception {
    RuntimeClientColdStart coldStart =
        new RuntimeClientColdStart(
            aws,
            Path.of("target", "keyrotator-lambda.jar"),
            Path.of("target", "test-classes"),
            Path.of("target", "lambda-runtime"));

    for (String handler : RotationBenchmark.HANDLERS) {
      String user = handler.contains("Primed") ? "primed-ci" : "plain-ci";
      coldStart.run(handler, user);

      String value = aws.value(user + "-key", "AWSCURRENT");
      String key = ManagedKeySecret.parse(value, "current").accessKeyId().orElseThrow();
      assertThat(aws.keys(user)).extracting(k -> k.accessKeyId()).containsExactly(key);
    }
  }
}
