package io.keyrotator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.rotation.ManagedScope;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyrotator adopt}: brings IAM users that already have access keys under keyrotator,
 * planned first (dry run by default), applied per user with {@code --apply}; one failing user never
 * stops the others.
 */
@Command(
    name = "adopt",
    description = {
      "Bring existing IAM users and their access keys under keyrotator; a dry run unless --apply.",
      "Prints the plan (each user's keys, their last use, what it would do); with --apply it"
          + " creates or updates each user's secret naming the keys to adopt, moves the user under"
          + " the managed path if asked, and sets the rotation schedule if a function is given. The"
          + " next rotation seals the adoption; the hygiene job retires an adopted key once it is"
          + " unused. Exit 1 when any user failed."
    })
final class AdoptCommand extends ReportCommand {
  /** The prefix the CDK app gives a user's secret: {@code keyrotator/<user>}. */
  static final String SECRET_NAME_PREFIX = "keyrotator/";

  @Option(names = "--user", paramLabel = "NAME", description = "The IAM user to adopt.")
  String user;

  @Option(
      names = "--access-key-id",
      paramLabel = "ID",
      description =
          "A key of --user to adopt (repeat for two; default: all of the user's keys). Keys not"
              + " named are never touched.")
  List<String> accessKeyIds = new ArrayList<>();

  @Option(
      names = "--secret-access-key-file",
      paramLabel = "FILE",
      description =
          "File holding the secret access key of the one --access-key-id (- reads standard input):"
              + " the secret then hands out that key until the next rotation.")
  String secretAccessKeyFile;

  @Option(
      names = "--secret-name",
      paramLabel = "NAME",
      description = "The secret of --user (default: keyrotator/<user>).")
  String secretName;

  @Option(
      names = "--users-file",
      paramLabel = "FILE",
      description = "Adopt every user named in the file, one a line (# starts a comment).")
  Path usersFile;

  @Option(
      names = "--from-audit",
      paramLabel = "FILE",
      description =
          "Adopt every user with an OLD_ACCESS_KEY finding in this `keyrotator audit -o json`"
              + " report.")
  Path fromAudit;

  @Option(
      names = "--rotation-function",
      paramLabel = "ARN",
      description = "Rotate each secret with this function (default: leave rotation as it is).")
  String rotationFunction;

  @Option(
      names = "--rotation-days",
      paramLabel = "DAYS",
      description = "Days between rotations with --rotation-function (default: 30).")
  int rotationDays = 30;

  @Option(
      names = "--move-to-managed-path",
      description =
          "Move users the deployment does not cover under KEYROTATOR_MANAGED_PATH_PREFIX"
              + " (default /keyrotator/), for a deployment that manages users by path. The CDK app"
              + " lists users by name and path instead: there, add them to users[].")
  boolean moveToManagedPath;

  @Option(names = "--apply", description = "Make the changes (default: only print the plan).")
  boolean apply;

  @Override
  public Integer call() {
    List<Adoption.Request> requests = requests();
    CliException.requireInRange("--rotation-days", rotationDays, 1, 1000, "days");
    Settings settings = aws.settings();
    List<Adoption.Plan> results = new ArrayList<>();
    try (AwsClients clients = aws.clients(settings)) {
      Adoption adoption =
          new Adoption(
              clients.iamKeys(),
              clients.iam(),
              clients.secretsManager(),
              ManagedScope.of(settings),
              settings.managedPathPrefix(),
              new Adoption.Schedule(Optional.ofNullable(rotationFunction), rotationDays),
              clients.keyProbe());
      for (Adoption.Request request : requests) {
        results.add(planAndApply(adoption, request));
      }
    }
    boolean clean = results.stream().noneMatch(p -> p.outcome().equals("FAILED"));
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("applied", apply);
    json.put("users", results.stream().map(Adoption.Plan::json).toList());
    return report(json, out -> print(out, results), clean);
  }

  /** One user's plan, applied with --apply; any error is that user's failure alone. */
  private Adoption.Plan planAndApply(Adoption adoption, Adoption.Request request) {
    Adoption.Plan plan;
    try {
      plan = adoption.plan(request);
    } catch (RuntimeException e) {
      return new Adoption.Plan(
          request.userName(),
          request.secretName(),
          List.of(),
          List.of(),
          "FAILED",
          Optional.of(ErrorHandler.describe(e).message().replaceAll("\\s*\\R\\s*", " ").strip()));
    }
    return apply ? adoption.apply(request, plan) : plan;
  }

  private List<Adoption.Request> requests() {
    int sources =
        (user != null ? 1 : 0) + (usersFile != null ? 1 : 0) + (fromAudit != null ? 1 : 0);
    if (sources != 1) {
      throw new CliException(
          ExitCodes.USAGE,
          "name the users with exactly one of --user, --users-file, --from-audit.");
    }
    if (user == null
        && (!accessKeyIds.isEmpty() || secretAccessKeyFile != null || secretName != null)) {
      throw new CliException(
          ExitCodes.USAGE,
          "--access-key-id, --secret-access-key-file and --secret-name go with --user only.");
    }
    if (secretAccessKeyFile != null && accessKeyIds.size() != 1) {
      throw new CliException(
          ExitCodes.USAGE,
          "--secret-access-key-file needs exactly one --access-key-id: the key it belongs to.");
    }
    if (user != null) {
      return List.of(
          new Adoption.Request(
              user,
              accessKeyIds,
              Optional.ofNullable(secretAccessKeyFile).map(AdoptCommand::readSecret),
              Optional.ofNullable(secretName).orElse(SECRET_NAME_PREFIX + user),
              moveToManagedPath));
    }
    List<String> names = usersFile != null ? usersIn(usersFile) : usersInAudit(fromAudit);
    return names.stream()
        .map(
            name ->
                new Adoption.Request(
                    name,
                    List.of(),
                    Optional.empty(),
                    SECRET_NAME_PREFIX + name,
                    moveToManagedPath))
        .toList();
  }

  /** The secret access key, from a file or standard input; never printed. */
  private static String readSecret(String file) {
    try {
      String secret;
      if (file.equals("-")) {
        InputStream in = KeyrotatorCli.input;
        secret = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } else {
        secret = Files.readString(Path.of(file));
      }
      secret = secret.strip();
      if (secret.isEmpty() || secret.chars().anyMatch(Character::isWhitespace)) {
        throw new CliException(
            ExitCodes.USAGE,
            "--secret-access-key-file "
                + file
                + ": expected one secret access key and nothing else.");
      }
      return secret;
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE, "--secret-access-key-file " + file + ": cannot read it (" + e + ").");
    }
  }

  private static List<String> usersIn(Path file) {
    try {
      return Files.readAllLines(file).stream()
          .map(line -> line.replaceFirst("#.*", "").strip())
          .filter(line -> !line.isEmpty())
          .distinct()
          .toList();
    } catch (IOException e) {
      throw new CliException(ExitCodes.USAGE, "--users-file " + file + ": cannot read it.");
    }
  }

  /** The users with an OLD_ACCESS_KEY finding, in the report's order. */
  private static List<String> usersInAudit(Path file) {
    try {
      Map<String, Object> report = JSON.std.mapFrom(Files.readString(file));
      if (!(report.get("findings") instanceof List<?> findings)) {
        throw new CliException(
            ExitCodes.USAGE,
            "--from-audit " + file + ": not a `keyrotator audit -o json` report (no findings).");
      }
      return findings.stream()
          .filter(f -> f instanceof Map<?, ?> m && "OLD_ACCESS_KEY".equals(m.get("type")))
          .map(f -> String.valueOf(((Map<?, ?>) f).get("subject")))
          .distinct()
          .toList();
    } catch (IOException e) {
      throw new CliException(
          ExitCodes.USAGE,
          "--from-audit " + file + ": cannot read it as a `keyrotator audit -o json` report.");
    }
  }

  private void print(PrintWriter out, List<Adoption.Plan> results) {
    List<List<String>> rows = new ArrayList<>();
    for (Adoption.Plan plan : results) {
      for (Adoption.KeyLine key : plan.keys()) {
        rows.add(
            List.of(
                plan.userName(),
                KeyIds.shorten(key.key().id()),
                key.key().active() ? "Active" : "Inactive",
                key.usage().toString(),
                key.named() ? "adopt" : "leave"));
      }
    }
    if (!rows.isEmpty()) {
      OutputOptions.printTable(
          out, List.of("USER", "KEY", "STATUS", "LAST USED", "KEY PLAN"), rows);
      out.println();
    }
    for (Adoption.Plan plan : results) {
      String what = plan.reason().orElseGet(() -> String.join("; ", plan.steps()));
      out.printf("%s: %s: %s%n", plan.userName(), plan.outcome(), what);
    }
    Map<String, Long> counts = new LinkedHashMap<>();
    results.forEach(p -> counts.merge(p.outcome(), 1L, Long::sum));
    out.printf(
        "%d %s: %s.%n",
        results.size(),
        results.size() == 1 ? "user" : "users",
        String.join(
            ", ",
            counts.entrySet().stream()
                .map(e -> e.getValue() + " " + e.getKey().toLowerCase(java.util.Locale.ROOT))
                .toList()));
    if (!apply) {
      out.println("Dry run: nothing was changed. Run again with --apply to make these changes.");
    }
  }
}
