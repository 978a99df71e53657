package io.keyrotator.bench;

import io.keyrotator.config.HygieneSettings;
import io.keyrotator.contract.FunctionEnvironment;
import io.keyrotator.hygiene.HygieneReport;
import io.keyrotator.lambda.HygieneHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.testing.FaultInjector;
import io.keyrotator.testing.LocalAws;
import io.keyrotator.testing.MutableClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
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
 * Prints the hygiene pass's numbers against a local moto server: wall time, AWS calls (total, per
 * secret, per operation) and peak heap, over N managed secrets whose previous keys are due for
 * deactivation, then over the same secrets with nothing to do. Run with {@code bench/hygiene [N]}.
 */
public final class HygieneBenchmark {
  private HygieneBenchmark() {}

  public static void main(String[] args) throws Exception {
    int secrets = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    System.out.println(
        "keyrotator hygiene benchmark: " + secrets + " managed secrets (moto server on loopback)");
    try (LocalAws aws = LocalAws.fresh()) {
      long seedStart = System.nanoTime();
      seed(aws, secrets);
      System.out.printf(
          "seeded %d users, %d keys, %d secrets with a previous key in %.1f s%n",
          secrets, 2 * secrets, secrets, (System.nanoTime() - seedStart) / 1e9);
      MutableClock clock = new MutableClock(Instant.now().plus(Duration.ofDays(8)));
      measure("pass 1 (every previous key due: deactivate + record)", aws, clock);
      measure("pass 2 (steady state: nothing due)", aws, clock);
    } finally {
      MotoServer.shared().stop();
    }
  }

  /** Users with two keys and a secret whose AWSCURRENT holds one and AWSPREVIOUS the other. */
  private static void seed(LocalAws aws, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> work = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String user = "bench-" + i;
      work.add(
          pool.submit(
              () -> {
                aws.createManagedUser(user);
                var first = aws.iam.createAccessKey(r -> r.userName(user)).accessKey();
                var second = aws.iam.createAccessKey(r -> r.userName(user)).accessKey();
                aws.secretsManager.createSecret(
                    r ->
                        r.name(user + "-key")
                            .secretString(value(user, first))
                            .tags(LocalAws.secretTag(SecretVersions.USER_TAG, user)));
                aws.secretsManager.putSecretValue(
                    r -> r.secretId(user + "-key").secretString(value(user, second)));
                return null;
              }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    pool.shutdown();
  }

  private static String value(
      String user, software.amazon.awssdk.services.iam.model.AccessKey key) {
    return "{\"UserName\":\""
        + user
        + "\",\"AccessKeyId\":\""
        + key.accessKeyId()
        + "\",\"SecretAccessKey\":\""
        + key.secretAccessKey()
        + "\",\"CreateDate\":\""
        + key.createDate()
        + "\",\"CreatedBy\":\"keyrotator\"}";
  }

  private static void measure(String label, LocalAws aws, MutableClock clock) {
    FaultInjector counter = new FaultInjector();
    HygieneHandler handler =
        new HygieneHandler(
            aws.settings(Map.of()),
            HygieneSettings.from(Map.of()),
            io.keyrotator.config.AuditSettings.from(
                Map.of(FunctionEnvironment.AUDIT_REPORT_POLL_MILLIS, "100")),
            aws.options(counter),
            io.keyrotator.observability.StructuredLog.to(line -> {}, clock),
            clock);
    System.gc();
    ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    counter.operations.clear();
    long start = System.nanoTime();
    HygieneReport report = handler.run(false);
    double seconds = (System.nanoTime() - start) / 1e9;
    long peakHeap =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .mapToLong(p -> p.getPeakUsage().getUsed())
            .sum();
    Map<String, Integer> calls = new TreeMap<>();
    counter.operations.forEach(op -> calls.merge(op, 1, Integer::sum));
    int total = counter.operations.size();
    int checked = report.counts().get("SecretsChecked");
    System.out.printf(
        "%s: %.2f s, %d AWS calls (%.1f per secret), peak heap %.0f MiB, %s%n",
        label,
        seconds,
        total,
        (double) total / Math.max(1, checked),
        peakHeap / 1048576.0,
        report.counts());
    calls.forEach((op, n) -> System.out.printf("  %-45s %d%n", op, n));
  }
}
