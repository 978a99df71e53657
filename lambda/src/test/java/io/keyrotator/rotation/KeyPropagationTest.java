package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.keyrotator.ports.KeyProbe;
import io.keyrotator.ports.KeyProbe.KeyRejectedException;
import io.keyrotator.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyPropagationTest {
  private static final String ARN = "arn:aws:iam::123456789012:user/keyrotator/app-ci";
  private static final String USER_ID = "AIDAAPPCI";
  private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final List<Duration> pauses = new ArrayList<>();

  /** A probe that plays back answers: an ARN string, or "reject", or "throttle". */
  private KeyProbe scripted(String... answers) {
    Deque<String> script = new ArrayDeque<>(List.of(answers));
    return (id, secret) -> {
      String next = script.isEmpty() ? ARN : script.pop();
      switch (next) {
        case "reject" -> throw new KeyRejectedException("InvalidClientTokenId (HTTP 403)", null);
        case "throttle" -> throw new IllegalStateException("Rate exceeded");
        default -> {
          return new KeyProbe.CallerIdentity(next, USER_ID);
        }
      }
    };
  }

  private KeyPropagation propagation(KeyProbe probe, int successes, Duration timeout) {
    return new KeyPropagation(
        probe,
        clock,
        d -> {
          pauses.add(d);
          clock.advance(d);
        },
        successes,
        timeout,
        Duration.ofSeconds(1));
  }

  @Test
  void aFailureResetsTheRunOfSuccesses() {
    Duration waited =
        propagation(scripted(ARN, ARN, "reject", ARN, ARN, ARN), 3, Duration.ofMinutes(1))
            .awaitWorking("AKIA1", "s", USER_ID, Duration.ofMinutes(5));
    assertThat(pauses)
        .containsExactly(
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1));
    assertThat(waited).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void pausesGrowAfterFailuresUpToFiveTimesTheInterval() {
    propagation(
            scripted("reject", "reject", "throttle", "reject", "reject"), 1, Duration.ofMinutes(1))
        .awaitWorking("AKIA1", "s", USER_ID, Duration.ofMinutes(5));
    assertThat(pauses)
        .extracting(Duration::toMillis)
        .containsExactly(1000L, 2000L, 4000L, 5000L, 5000L);
  }

  @Test
  void theLambdasRemainingTimeBoundsTheWait() {
    KeyProbe alwaysRejects =
        (id, secret) -> {
          throw new KeyRejectedException("InvalidClientTokenId (HTTP 403)", null);
        };
    KeyPropagation propagation = propagation(alwaysRejects, 3, Duration.ofMinutes(10));
    assertThatThrownBy(
            () ->
                propagation.awaitWorking(
                    "AKIAIOSFODNN7EXAMPLE", "s", USER_ID, Duration.ofSeconds(20)))
        .hasMessageContaining("within 20 s")
        .hasMessageContaining("AKIA...MPLE");
    assertThat(clock.instant()).isBefore(Instant.parse("2026-01-01T00:00:21Z"));
  }
}
