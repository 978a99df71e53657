package io.keyrotator.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.testing.LocalAws;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RotationIT {
  private LocalAws aws;

  @BeforeEach
  void setUp() {
    aws = LocalAws.fresh();
  }

  @AfterEach
  void tearDown() {
    aws.close();
  }

  @Test
  void bootstrapRotationCreatesTheFirstKey() {
    aws.createManagedUser("app-ci");
    String secret = aws.createBootstrapSecret("app-ci-key", "app-ci");
    aws.rotate(aws.handler(), secret);
    assertThat(aws.keys("app-ci")).hasSize(1);
    assertThat(aws.value(secret, "AWSCURRENT")).contains(aws.keys("app-ci").get(0).accessKeyId());
    System.out.println(aws.stages(secret));
    aws.logLines.forEach(System.out::println);
  }
}
