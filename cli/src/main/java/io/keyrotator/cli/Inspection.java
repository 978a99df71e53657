package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.inspection.Finding;
import io.keyrotator.inspection.KeyState;
import io.keyrotator.inspection.SecretInspector;
import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.rotation.ManagedScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/** What status and doctor share: inspecting secrets and describing the result. */
final class Inspection {
  private Inspection() {}

  static SecretInspector inspector(
      AwsClients clients, Settings settings, Duration stuckAfter, Clock clock) {
    return new SecretInspector(
        clients.secretVersions(), clients.iamKeys(), ManagedScope.of(settings), clock, stuckAfter);
  }

  static List<SecretStatus> inspect(
      AwsClients clients,
      Settings settings,
      List<String> secretIds,
      Duration stuckAfter,
      Clock clock) {
    return inspect(clients, settings, secretIds, Optional.empty(), stuckAfter, clock);
  }

  /**
   * Inspects the named secrets, or else every secret tagged keyrotator:user plus, with a function,
   * every secret whose RotationLambdaARN is that function (rotation set up by hand).
   *
   * @param function a Lambda function name or ARN, as --function gives it
   */
  static List<SecretStatus> inspect(
      AwsClients clients,
      Settings settings,
      List<String> secretIds,
      Optional<String> function,
      Duration stuckAfter,
      Clock clock) {
    SecretInspector inspector = inspector(clients, settings, stuckAfter, clock);
    if (secretIds != null && !secretIds.isEmpty()) {
      // A secret named on the command line that does not exist is an error, not a finding.
      // The same secret named twice is inspected once.
      return secretIds.stream().distinct().map(inspector::inspect).toList();
    }
    if (function.isEmpty()) {
      return inspector.inspectAll();
    }
    Set<String> arns = new LinkedHashSet<>(clients.secretVersions().listManagedSecrets());
    arns.addAll(rotatedBy(clients.secretsManager(), function.get()));
    return arns.stream().map(inspector::inspectSafely).toList();
  }

  /**
   * The ARNs of the secrets whose rotation function is {@code function} (ListSecrets, every page):
   * the same name or ARN, with or without a version or alias qualifier.
   */
  static List<String> rotatedBy(SecretsManagerClient secretsManager, String function) {
    return secretsManager.listSecretsPaginator(r -> r.includePlannedDeletion(true)).stream()
        .flatMap(page -> page.secretList().stream())
        .filter(s -> s.rotationLambdaARN() != null && isFunction(s.rotationLambdaARN(), function))
        .map(SecretListEntry::arn)
        .toList();
  }

  /** arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] against a name or an ARN. */
  private static boolean isFunction(String rotationLambdaArn, String function) {
    String[] parts = rotationLambdaArn.split(":");
    String name = parts.length >= 7 ? parts[6] : rotationLambdaArn;
    String unqualified =
        parts.length >= 7 ? String.join(":", List.of(parts).subList(0, 7)) : rotationLambdaArn;
    return function.equals(name)
        || function.equals(rotationLambdaArn)
        || function.equals(unqualified);
  }

  static String key(Optional<KeyState> key) {
    return key.map(k -> KeyIds.shorten(k.id()) + " " + k.state()).orElse("-");
  }

  static String age(Optional<KeyState> key, Instant now) {
    return key.flatMap(KeyState::created).map(c -> duration(Duration.between(c, now))).orElse("-");
  }

  static String lastUsed(Optional<KeyState> key, Instant now) {
    return key.flatMap(KeyState::usage)
        .map(
            u ->
                u.lastUsed()
                    .map(t -> duration(Duration.between(t, now)) + " ago (" + u.service() + ")")
                    .orElse("never"))
        .orElse("-");
  }

  /** 45s, 12m, 5h, 3d. */
  static String duration(Duration d) {
    if (d.isNegative()) {
      return "0s";
    }
    if (d.toDays() > 0) {
      return d.toDays() + "d";
    }
    if (d.toHours() > 0) {
      return d.toHours() + "h";
    }
    if (d.toMinutes() > 0) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }

  static Map<String, Object> json(SecretStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("secret", s.secretName());
    m.put("arn", s.secretArn());
    m.put("user", s.user().orElse(null));
    m.put("currentKey", s.currentKey().map(Inspection::json).orElse(null));
    m.put("previousKey", s.previousKey().map(Inspection::json).orElse(null));
    m.put("rotationEnabled", s.rotationEnabled());
    m.put("schedule", s.schedule().orElse(null));
    m.put("lastRotated", s.lastRotated().map(Instant::toString).orElse(null));
    m.put("nextRotation", s.nextRotation().map(Instant::toString).orElse(null));
    m.put("rotationInProgress", s.rotationInProgress());
    m.put("findings", s.findings().stream().map(Inspection::json).toList());
    return m;
  }

  static Map<String, Object> json(Finding f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", f.type().name());
    m.put("message", f.message());
    m.put("repair", f.repair().map(r -> r.describe()).orElse(null));
    return m;
  }

  /** IAM writes N/A where a never-used key has no service or Region; JSON says null. */
  private static String known(String value) {
    return value == null || value.equals(KeyUsage.never().service()) ? null : value;
  }

  private static Map<String, Object> json(KeyState k) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("accessKeyId", KeyIds.shorten(k.id()));
    m.put("state", k.state());
    m.put("created", k.created().map(Instant::toString).orElse(null));
    k.usage()
        .ifPresent(
            u -> {
              m.put("lastUsed", u.lastUsed().map(Instant::toString).orElse(null));
              m.put("lastUsedService", known(u.service()));
              m.put("lastUsedRegion", known(u.region()));
            });
    return m;
  }
}
