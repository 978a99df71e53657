package io.keyrotator.hygiene;

import io.keyrotator.config.HygieneSettings;
import io.keyrotator.inspection.Finding;
import io.keyrotator.inspection.Repairs;
import io.keyrotator.inspection.SecretInspector;
import io.keyrotator.inspection.SecretStatus;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.ReadOnceIamKeys;
import io.keyrotator.ports.ReadOnceSecretVersions;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.ManagedScope;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One pass of the hygiene job over every managed secret: retire previous keys, then inspect for
 * stuck rotations, orphan and unowned keys and broken secrets, and repair what is safe when
 * configured (the same inspection and repairs as {@code keyrotator doctor}). A failing secret is
 * recorded as skipped and the pass goes on with the others.
 */
public final class HygieneRun {
  static final int PARALLELISM = 4;

  private final SecretVersions secrets;
  private final IamKeys iam;
  private final HygienePolicy policy;
  private final HygieneSettings settings;

  /**
   * @param deleteUnprovenKeys whether a previous key imported by hand may be retired too (see
   *     {@link HygienePolicy})
   */
  public HygieneRun(
      SecretVersions secrets,
      IamKeys iam,
      ManagedScope scope,
      HygieneSettings settings,
      boolean deleteUnprovenKeys,
      Clock clock) {
    this.secrets = secrets;
    this.iam = iam;
    this.policy = new HygienePolicy(scope, settings, deleteUnprovenKeys, clock);
    this.settings = settings;
  }

  /** Runs the pass over every secret tagged {@value SecretVersions#USER_TAG}. */
  public HygieneReport run() {
    return run(secrets.listManagedSecrets());
  }

  /**
   * Runs the pass over the given secrets, {@value #PARALLELISM} at a time: each secret costs about
   * 15 sequential AWS calls, and a Lambda run has 15 minutes. The SDK's adaptive retries slow the
   * workers down if IAM throttles.
   */
  public HygieneReport run(List<String> secretIds) {
    HygieneReport report = new HygieneReport(settings.dryRun());
    ExecutorService workers = Executors.newFixedThreadPool(PARALLELISM);
    try {
      List<Future<?>> pending = new ArrayList<>();
      for (String secretId : secretIds) {
        pending.add(workers.submit(() -> process(secretId, report)));
      }
      for (Future<?> each : pending) {
        each.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("hygiene run interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("hygiene worker failed", e.getCause());
    } finally {
      workers.shutdownNow();
    }
    return report;
  }

  /** Retirement, then inspection, sharing what they read (a write makes the next read fresh). */
  private void process(String secretId, HygieneReport report) {
    SecretVersions secretReads = new ReadOnceSecretVersions(secrets);
    IamKeys iamReads = new ReadOnceIamKeys(iam);
    try {
      new PreviousKeyRetirement(secretReads, iamReads, policy).retire(secretId, report);
      SecretInspector inspector =
          new SecretInspector(
              secretReads, iamReads, policy.scope(), policy.clock(), settings.stuckAfter());
      inspect(inspector, new Repairs(secretReads, iamReads, inspector), secretId, report);
      report.checked();
    } catch (RuntimeException e) {
      report.skipped(
          new HygieneReport.Skipped(
              secretId, e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
  }

  private void inspect(
      SecretInspector inspector, Repairs repairs, String secretId, HygieneReport report) {
    SecretStatus status = inspector.inspect(secretId);
    for (Finding finding : status.findings()) {
      Optional<NoticeKind> kind = NoticeKind.reporting(finding.type());
      if (kind.isEmpty()) {
        continue; // for doctor and status
      }
      // Releasing a claim is left to an operator's doctor --fix: the hygiene role may not untag
      // users' claims.
      if (finding.repair().isPresent()
          && settings.repair()
          && !(finding.repair().get()
              instanceof io.keyrotator.inspection.Repair.ReleaseStaleClaim)) {
        if (!settings.dryRun() && !repairs.apply(finding.repair().get())) {
          continue; // the state changed since the inspection: the next run looks again
        }
        report.action(
            new HygieneReport.Action(
                HygieneReport.ActionKind.REPAIR,
                status.secretName(),
                status.user().orElse("-"),
                null,
                finding.repair().get().describe(),
                !settings.dryRun()));
      }
      report.notice(new HygieneReport.Notice(kind.get(), status.secretName(), finding.message()));
    }
  }
}
