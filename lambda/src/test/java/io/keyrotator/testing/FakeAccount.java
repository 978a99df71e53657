package io.keyrotator.testing;

import io.keyrotator.config.Settings;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.KeyProbe;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.AccessKeyRotation;
import io.keyrotator.rotation.KeyPropagation;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.RotationStep;
import io.keyrotator.rotation.StepReport;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** In-memory IAM and Secrets Manager on one movable clock, with one managed user and its secret. */
public final class FakeAccount {
  public static final String USER = "app-ci";

  public final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T10:00:00Z"));
  public final FakeIam iam = new FakeIam(clock);
  public final FakeSecrets secrets = new FakeSecrets();
  public final FakeProbe probe = new FakeProbe(iam);

  /** Rotation settings (environment variables) used by {@link #rotate()}. */
  public final Map<String, String> env =
      new HashMap<>(
          Map.of(
              Settings.PROPAGATION_INTERVAL_MILLIS,
              "10",
              Settings.SEAL_SECRET,
              FakeSecrets.SEAL_SECRET));

  public FakeAccount() {
    secrets.clock = clock;
    iam.addUser(USER, "/keyrotator/", Map.of());
    secrets.putCurrent("{\"UserName\":\"" + USER + "\"}");
  }

  /** A full rotation with the real steps, as Secrets Manager runs it. */
  public void rotate() {
    AccessKeyRotation rotation =
        rotation(
            secrets, iam, probe, Settings.from(env), clock, StructuredLog.to(line -> {}, clock));
    String token = secrets.startRotation();
    for (RotationStep step : RotationStep.values()) {
      rotation.run(
          new RotationRequest(step, FakeSecrets.ARN, token, Optional.empty()),
          new StepReport(),
          Duration.ofMinutes(5));
    }
  }

  /**
   * The real rotation steps on fakes: waits for a key to propagate advance the clock instead of
   * sleeping.
   */
  public static AccessKeyRotation rotation(
      SecretVersions secrets,
      IamKeys iam,
      KeyProbe probe,
      Settings settings,
      MutableClock clock,
      StructuredLog log) {
    KeyPropagation propagation =
        new KeyPropagation(
            probe,
            clock,
            clock::advance,
            settings.propagationSuccesses(),
            settings.propagationTimeout(),
            settings.propagationInterval());
    return new AccessKeyRotation(secrets, iam, propagation, settings, clock, log);
  }
}
