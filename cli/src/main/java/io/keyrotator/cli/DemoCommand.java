package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.cli.local.InProcessRotation;
import io.keyrotator.config.Settings;
import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.KeyProbe.KeyRejectedException;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * The local end-to-end demo: on a moto server, creates IAM users in the states rotation must
 * handle, rotates their secrets with the real handler exactly as Secrets Manager sequences the
 * steps, shows what changed, and checks its own outcome (exit 1 when a check fails).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    versionProvider = ProjectVersion.class,
    description =
        "Rotate emulated IAM keys end to end on a local moto server (no AWS account needed).")
final class DemoCommand implements Callable<Integer> {
  private static final String REGION = "us-east-1";

  /** The secret that holds the demo's evidence seal key (the CDK app generates the real one). */
  private static final String SEAL_SECRET = "keyrotator-demo-seal";

  @Spec CommandSpec spec;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      converter = Endpoints.class,
      description = "Use a moto server you already started instead of starting one.")
  URI endpoint;

  @Option(names = "--verbose", description = "Also print the rotation function's JSON log lines.")
  boolean verbose;

  private PrintWriter out;

  /** One demo user: what it starts as, and what the demo expects of its rotation. */
  private record DemoUser(String name, String path, String story, String secretName) {}

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    out.println(
        "keyrotator demo: rotating IAM access keys end to end on a local AWS emulator"
            + " (no AWS account needed)");
    MotoServer moto = endpoint != null ? answering(MotoServer.at(endpoint)) : start();
    try {
      out.println(
          endpoint != null
              ? "Using the moto server at " + endpoint
              : "Started moto server at "
                  + moto.endpoint()
                  + " (stopped when the demo ends, Ctrl-C included)");
      return run(moto);
    } finally {
      moto.enforceAuthentication(false);
      moto.stop();
    }
  }

  /** Starts moto, or says what is missing and how to install it. */
  private static MotoServer start() {
    try {
      return MotoServer.start();
    } catch (IllegalStateException e) {
      if (e.getMessage() != null && e.getMessage().equals(MotoServer.INSTALL_HINT)) {
        throw new CliException(
            ExitCodes.AWS_ERROR,
            "the demo needs moto, the local AWS emulator, and found neither `moto_server` on the"
                + " PATH nor `python3 -m moto.server`: install it with `pip install"
                + " \"moto[server]\"` (Python 3.10+), or pass --endpoint of a moto server you"
                + " started.");
      }
      throw new CliException(ExitCodes.AWS_ERROR, "moto did not start: " + e.getMessage());
    }
  }

  /** The server at --endpoint, once it answered a moto request. */
  private MotoServer answering(MotoServer moto) {
    try {
      moto.enforceAuthentication(false);
      return moto;
    } catch (UncheckedIOException e) {
      throw new CliException(
          ExitCodes.AWS_ERROR,
          "no moto server answers at "
              + endpoint
              + " ("
              + e.getCause().getMessage()
              + "): start one with `moto_server -p PORT`, or leave out --endpoint and the demo"
              + " starts its own.");
    }
  }

  private int run(MotoServer moto) {
    Settings settings =
        Settings.from(
            Map.of(
                Settings.REGION,
                REGION,
                Settings.PROPAGATION_INTERVAL_MILLIS,
                "200",
                Settings.SEAL_SECRET,
                SEAL_SECRET));
    AwsClients.Options options =
        new AwsClients.Options(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("demo", "demo")),
            Optional.of(moto.endpoint()),
            List.of());
    List<String> functionLog = Collections.synchronizedList(new ArrayList<>());
    try (AwsClients clients = AwsClients.create(settings, options)) {
      RotationHandler handler =
          new RotationHandler(
              settings, options, StructuredLog.to(functionLog::add, Clock.systemUTC()));
      InProcessRotation rotation =
          InProcessRotation.on(moto, clients.iam(), clients.secretsManager(), handler, REGION);
      String run = UUID.randomUUID().toString().substring(0, 4);
      DemoUser fresh =
          new DemoUser(
              "demo-fresh-" + run,
              "/keyrotator/",
              "no key yet: its secret is a bootstrap value",
              "demo-fresh-" + run + "-key");
      DemoUser existing =
          new DemoUser(
              "demo-existing-" + run,
              "/keyrotator/",
              "one key made by hand, imported into its secret",
              "demo-existing-" + run + "-key");
      DemoUser full =
          new DemoUser(
              "demo-full-" + run,
              "/keyrotator/",
              "at the 2-key limit: current key + inactive previous key",
              "demo-full-" + run + "-key");
      DemoUser outsider =
          new DemoUser(
              "demo-outsider-" + run,
              "/",
              "outside the managed scope (path /, no tag)",
              "demo-outsider-" + run + "-key");
      List<DemoUser> users = List.of(fresh, existing, full, outsider);

      out.println();
      out.println(
          "Setting up "
              + users.size()
              + " IAM users and their secrets (settings: previous-key policy "
              + settings.previousKeyPolicy()
              + ", key limit policy "
              + settings.keyLimitPolicy()
              + "):");
      createSealSecret(clients);
      String importedKey = null;
      for (DemoUser user : users) {
        clients.iam().createUser(r -> r.userName(user.name()).path(user.path()));
        String value = "{\"UserName\":\"" + user.name() + "\"}";
        if (user == existing) {
          var key = clients.iam().createAccessKey(r -> r.userName(user.name())).accessKey();
          importedKey = key.accessKeyId();
          value =
              "{\"UserName\":\""
                  + user.name()
                  + "\",\"AccessKeyId\":\""
                  + key.accessKeyId()
                  + "\",\"SecretAccessKey\":\""
                  + key.secretAccessKey()
                  + "\"}";
        }
        String secretValue = value;
        clients
            .secretsManager()
            .createSecret(
                r ->
                    r.name(user.secretName())
                        .secretString(secretValue)
                        .tags(
                            Tag.builder().key(SecretVersions.USER_TAG).value(user.name()).build()));
        out.printf("  %-22s %-13s %s%n", user.name(), user.path(), user.story());
      }
      // The full user gets there the way it would in life: two rotations, then the hygiene job
      // deactivates the previous key once nobody uses it.
      for (int i = 0; i < 2; i++) {
        InProcessRotation.Outcome setup = rotation.rotate(full.secretName(), step -> {});
        if (!setup.succeeded()) {
          throw new CliException(
              ExitCodes.PROBLEMS, "demo set-up failed: " + setup.failure().orElse(""));
        }
      }
      String fullPrevious =
          ManagedKeySecret.parse(
                  value(clients, full.secretName(), SecretDescription.PREVIOUS), "previous")
              .accessKeyId()
              .orElseThrow();
      String fullCurrent =
          ManagedKeySecret.parse(
                  value(clients, full.secretName(), SecretDescription.CURRENT), "current")
              .accessKeyId()
              .orElseThrow();
      clients
          .iam()
          .updateAccessKey(
              r -> r.userName(full.name()).accessKeyId(fullPrevious).status(StatusType.INACTIVE));
      functionLog.clear();

      Map<DemoUser, List<AccessKeyMetadata>> before = new LinkedHashMap<>();
      users.forEach(u -> before.put(u, keys(clients, u.name())));

      out.println();
      out.println(
          "Rotating each secret as Secrets Manager does: RotateSecret, then createSecret,"
              + " setSecret, testSecret, finishSecret:");
      Map<DemoUser, InProcessRotation.Outcome> outcomes = new LinkedHashMap<>();
      for (DemoUser user : users) {
        out.println("  " + user.secretName());
        InProcessRotation.Outcome outcome =
            rotation.rotate(user.secretName(), step -> out.println("    " + step));
        outcomes.put(user, outcome);
        out.println(
            outcome.succeeded()
                ? "    => rotated"
                : "    => refused: " + outcome.failure().orElse(""));
      }

      out.println();
      out.println("Status (`keyrotator status`):");
      List<SecretStatus> statuses =
          Inspection.inspect(
              clients,
              settings,
              users.stream().map(DemoUser::secretName).toList(),
              Duration.ofHours(1),
              Clock.systemUTC());
      Map<String, String> failures = new LinkedHashMap<>();
      outcomes.forEach(
          (user, outcome) ->
              outcome.failure().ifPresent(why -> failures.put(user.secretName(), why)));
      StatusCommand.print(out, statuses, Instant.now(), failures);

      out.println();
      out.println("What changed:");
      for (DemoUser user : users) {
        out.printf("  %-22s before: %s%n", user.name(), describe(before.get(user)));
        out.printf("  %-22s after:  %s%n", "", describe(keys(clients, user.name())));
      }

      out.println();
      out.println("Checks:");
      Checks checks = new Checks(out);
      for (DemoUser user : List.of(fresh, existing, full)) {
        checks.check(user.name() + ": rotation succeeded", outcomes.get(user).succeeded());
      }
      Map<DemoUser, ManagedKeySecret> current = new LinkedHashMap<>();
      for (DemoUser user : List.of(fresh, existing, full)) {
        current.put(
            user,
            ManagedKeySecret.parse(
                value(clients, user.secretName(), SecretDescription.CURRENT), "current"));
      }
      checks.check(
          fresh.name() + ": exactly one key, the one in AWSCURRENT",
          keys(clients, fresh.name()).stream()
              .map(AccessKeyMetadata::accessKeyId)
              .toList()
              .equals(current.get(fresh).accessKeyId().stream().toList()));
      String imported = importedKey;
      checks.check(
          existing.name() + ": imported key kept active for its consumers (policy keep)",
          keys(clients, existing.name()).stream()
                  .anyMatch(
                      k -> k.accessKeyId().equals(imported) && k.status() == StatusType.ACTIVE)
              && !current.get(existing).holds(imported));
      checks.check(
          full.name() + ": inactive previous key deleted to make room",
          keys(clients, full.name()).stream().noneMatch(k -> k.accessKeyId().equals(fullPrevious)));
      checks.check(
          full.name() + ": replaced key is now AWSPREVIOUS and still active",
          ManagedKeySecret.parse(
                      value(clients, full.secretName(), SecretDescription.PREVIOUS), "previous")
                  .holds(fullCurrent)
              && keys(clients, full.name()).stream()
                  .anyMatch(
                      k -> k.accessKeyId().equals(fullCurrent) && k.status() == StatusType.ACTIVE));
      checks.check(
          full.name() + ": never more than 2 keys", keys(clients, full.name()).size() <= 2);
      checks.check(
          outsider.name() + ": refused before any change",
          !outcomes.get(outsider).succeeded()
              && keys(clients, outsider.name()).isEmpty()
              && outcomes
                  .get(outsider)
                  .failure()
                  .orElse("")
                  .contains("outside the users keyrotator manages"));

      Map<DemoUser, String> arns = new LinkedHashMap<>();
      for (DemoUser user : List.of(fresh, existing, full)) {
        arns.put(user, clients.iamKeys().findUser(user.name()).map(u -> u.arn()).orElse("?"));
      }
      // Authentication on: the emulator now checks every request's key, as AWS does.
      moto.enforceAuthentication(true);
      for (DemoUser user : List.of(fresh, existing, full)) {
        ManagedKeySecret key = current.get(user);
        String arn = arns.get(user);
        checks.check(
            user.name()
                + ": new key "
                + KeyIds.shorten(key.accessKeyId().orElseThrow())
                + " authenticates to STS as "
                + arn,
            authenticatesAs(clients, key, arn));
      }
      checks.check(
          full.name() + ": deleted key " + KeyIds.shorten(fullPrevious) + " is refused by STS",
          refused(clients, fullPrevious));
      moto.enforceAuthentication(false);

      List<String> secrets = new ArrayList<>();
      current.values().forEach(v -> v.secretAccessKey().ifPresent(secrets::add));
      checks.check(
          "the function's " + functionLog.size() + " log lines hold no secret access key",
          functionLog.stream().noneMatch(line -> secrets.stream().anyMatch(line::contains)));
      if (verbose) {
        out.println();
        out.println("Function log:");
        functionLog.forEach(line -> out.println("  " + line));
      }
      out.println();
      if (checks.failed == 0) {
        out.println("All " + checks.passed + " checks passed.");
        return ExitCodes.OK;
      }
      out.println(checks.failed + " of " + (checks.passed + checks.failed) + " checks FAILED.");
      return ExitCodes.PROBLEMS;
    }
  }

  private static boolean authenticatesAs(AwsClients clients, ManagedKeySecret key, String arn) {
    try {
      return clients
          .keyProbe()
          .callerArn(key.accessKeyId().orElseThrow(), key.secretAccessKey().orElseThrow())
          .equals(arn);
    } catch (KeyRejectedException e) {
      return false;
    }
  }

  private static boolean refused(AwsClients clients, String deletedKeyId) {
    try {
      clients.keyProbe().callerArn(deletedKeyId, "the-secret-is-irrelevant-for-a-deleted-key");
      return false;
    } catch (KeyRejectedException e) {
      return true;
    }
  }

  private static String value(AwsClients clients, String secret, String stage) {
    return clients
        .secretsManager()
        .getSecretValue(r -> r.secretId(secret).versionStage(stage))
        .secretString();
  }

  private static List<AccessKeyMetadata> keys(AwsClients clients, String user) {
    return clients.iam().listAccessKeys(r -> r.userName(user)).accessKeyMetadata();
  }

  private static String describe(List<AccessKeyMetadata> keys) {
    if (keys.isEmpty()) {
      return "no keys";
    }
    return keys.stream()
        .map(
            k ->
                KeyIds.shorten(k.accessKeyId())
                    + " "
                    + k.status().toString().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  /** Prints each check's result and counts them. */
  private static final class Checks {
    private final PrintWriter out;
    int passed;
    int failed;

    Checks(PrintWriter out) {
      this.out = out;
    }

    void check(String what, boolean ok) {
      out.println((ok ? "  ok    " : "  FAIL  ") + what);
      if (ok) {
        passed++;
      } else {
        failed++;
      }
    }
  }

  /**
   * The secret with the evidence seal key, as the CDK app creates it; kept when it exists
   * (--endpoint).
   */
  private static void createSealSecret(AwsClients clients) {
    String key =
        java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(32));
    try {
      clients.secretsManager().createSecret(r -> r.name(SEAL_SECRET).secretString(key));
    } catch (
        software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException alreadyThere) {
      // an earlier demo on the same emulator made it
    }
  }
}
