package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.inspection.KeyState;
import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.ports.KeyUsage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InspectionTest {
  private static SecretStatus withCurrentKey(KeyUsage usage) {
    KeyState key =
        new KeyState(
            "AKIAIOSFODNN7EXAMPLE",
            true,
            true,
            Optional.of(Instant.parse("2026-11-01T00:00:00Z")),
            Optional.of(usage));
    return new SecretStatus(
        "app-ci-key",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-ci-key-AbCdEf",
        Optional.of("app-ci"),
        Optional.of(key),
        Optional.empty(),
        true,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        false,
        List.of());
  }

  @Test
  void aNeverUsedKeyHasNullServiceAndRegionNotIamsPlaceholder() {
    @SuppressWarnings("unchecked")
    Map<String, Object> key =
        (Map<String, Object>) Inspection.json(withCurrentKey(KeyUsage.never())).get("currentKey");
    assertThat(key)
        .containsEntry("lastUsed", null)
        .containsEntry("lastUsedService", null)
        .containsEntry("lastUsedRegion", null);
  }

  @Test
  void aUsedKeyKeepsItsServiceAndRegion() {
    KeyUsage used =
        new KeyUsage(Optional.of(Instant.parse("2026-11-30T00:00:00Z")), "s3", "eu-west-1");
    @SuppressWarnings("unchecked")
    Map<String, Object> key =
        (Map<String, Object>) Inspection.json(withCurrentKey(used)).get("currentKey");
    assertThat(key)
        .containsEntry("lastUsed", "2026-11-30T00:00:00Z")
        .containsEntry("lastUsedService", "s3")
        .containsEntry("lastUsedRegion", "eu-west-1");
  }
}
