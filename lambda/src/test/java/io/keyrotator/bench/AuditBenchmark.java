package io.keyrotator.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.audit.AccountAudit;
import io.keyrotator.audit.AuditMetrics;
import io.keyrotator.audit.AuditReport;
import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.AuditSettings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.LocalAws;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prints the compliance audit's numbers against a local moto server: wall time, AWS calls and peak
 * heap for one audit of 500 users and of 5,000 users (2 access keys each, 300 managed secrets in
 * both), to show the call count does not grow with the number of users. Run with {@code
 * bench/audit}; see docs/performance.md.
 */
public final class AuditBenchmark {
  private static final int SMALL = 500;
  private static final int LARGE = 5_000;
  private static final int MANAGED_SECRETS = 300;
  private static final int SEED_THREADS = 8;

  private AuditBenchmark() {}

  public static void main(String[] args) throws Exception {
    System.out.println(
        "keyrotator compliance audit benchmark (moto server on loopback; times include moto's latency)");
    AuditSettings settings =
        AuditSettings.from(Map.of(FunctionEnvironment.AUDIT_REPORT_POLL_MILLIS, "100"));
    ExecutorService pool = Executors.newFixedThreadPool(SEED_THREADS);
    try (LocalAws aws = LocalAws.fresh()) {
      long seedStart = System.nanoTime();
      seed(aws, pool, 0, SMALL);
      System.out.printf(
          "seeded %d users, %d access keys, %d managed secrets in %.1f s%n",
          SMALL, 2 * SMALL, MANAGED_SECRETS, (System.nanoTime() - seedStart) / 1e9);
      audit(
          aws,
          settings,
          Duration
              .ZERO); // IAM starts the first report; later ones reuse it, as IAM does for 4 hours
      measure(aws, settings, SMALL, Duration.ZERO);
      seedStart = System.nanoTime();
      seed(aws, pool, SMALL, LARGE);
      System.out.printf(
          "seeded %d more users and %d more keys in %.1f s%n",
          LARGE - SMALL, 2 * (LARGE - SMALL), (System.nanoTime() - seedStart) / 1e9);
      measure(aws, settings, LARGE, Duration.ZERO);
      // The same account audited as if 100 days had passed: every unmanaged key is then old and
      // every credential unused, the most findings this account can give (moto cannot backdate).
      measure(aws, settings, LARGE, Duration.ofDays(100));
    } finally {
      pool.shutdownNow();
      MotoServer.shared().stop();
    }
    System.out.printf(
        "JVM: %s %s, %d cores, max heap %d MiB%n",
        System.getProperty("java.vm.name"),
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        Runtime.getRuntime().maxMemory() / 1048576);
  }

  /** Users {@code from..to-1}, two keys each; the first 300 users get a managed secret. */
  private static void seed(LocalAws aws, ExecutorService pool, int from, int to) throws Exception {
    List<Future<?>> work = new ArrayList<>();
    for (int i = from; i < to; i++) {
      String user = String.format("bench-user-%05d", i);
      boolean managed = i < MANAGED_SECRETS;
      work.add(
          pool.submit(
              () -> {
                aws.iam.createUser(r -> r.userName(user));
                aws.iam.createAccessKey(r -> r.userName(user));
                aws.iam.createAccessKey(r -> r.userName(user));
                if (managed) {
                  aws.secretsManager.createSecret(
                      r ->
                          r.name(user + "-key")
                              .secretString("{\"UserName\":\"" + user + "\"}")
                              .tags(LocalAws.secretTag(SecretVersions.USER_TAG, user)));
                }
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
  }

  private static AuditReport audit(
      LocalAws aws, AuditSettings settings, Duration ahead, FaultInjector... counter) {
    try (AwsClients clients = aws.clients(aws.settings(Map.of()), counter)) {
      return new AccountAudit(
              clients.accountCredentials(settings),
              clients.secretVersions(),
              settings,
              Clock.offset(Clock.systemUTC(), ahead))
          .run();
    }
  }

  private static void measure(LocalAws aws, AuditSettings settings, int users, Duration ahead)
      throws Exception {
    FaultInjector counter = new FaultInjector();
    System.gc();
    List<MemoryPoolMXBean> heap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .toList();
    heap.forEach(MemoryPoolMXBean::resetPeakUsage);
    long before = heap.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
    long start = System.nanoTime();
    AuditReport report = audit(aws, settings, ahead, counter);
    // The three outputs the scheduled function writes are part of the run.
    int outputChars =
        report.summary(20).length()
            + JSON.std.asString(report.json()).length()
            + JSON.std.asString(AuditMetrics.document(report)).length();
    Duration wall = Duration.ofNanos(System.nanoTime() - start);
    long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    Map<String, Integer> calls = new TreeMap<>();
    counter.operations.forEach(op -> calls.merge(op, 1, Integer::sum));
    System.out.printf(
        "%n%,d users (%,d keys, %d managed secrets)%s: audit wall time %d ms (outputs %,d chars), %d AWS calls %s%n",
        users,
        2 * users,
        MANAGED_SECRETS,
        ahead.isZero() ? "" : ", audited " + ahead.toDays() + " days ahead",
        wall.toMillis(),
        outputChars,
        counter.operations.size(),
        calls);
    System.out.printf(
        "  heap used before %.1f MiB, peak during the audit %.1f MiB (sum of heap pool peaks), VmHWM %s%n",
        before / 1048576.0, peak / 1048576.0, vmHwm());
    System.out.printf(
        "  users checked %,d, findings %,d %s, skipped %d, at %s%n",
        report.usersChecked(),
        report.findings().size(),
        report.json().get("counts"),
        report.skipped().size(),
        Instant.now());
    if (report.usersChecked() != users) {
      throw new IllegalStateException(
          "expected " + users + " users in the report, found " + report.usersChecked());
    }
  }

  private static String vmHwm() {
    try {
      return Files.readAllLines(Path.of("/proc/self/status")).stream()
          .filter(l -> l.startsWith("VmHWM:"))
          .map(l -> l.substring(6).trim() + " (whole process, seeding included)")
          .findFirst()
          .orElse("n/a");
    } catch (Exception e) {
      return "n/a";
    }
  }
}
