package io.keyrotator.lambda;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.EvidenceSeal;
import java.util.Map;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * SnapStart priming for the rotation function (CRaC runtime hooks, see "Lambda SnapStart runtime
 * hooks for Java" in the Lambda Developer Guide). Before Lambda takes the snapshot of an
 * initialised function, it runs every AWS operation a rotation step uses against a local HTTP
 * client ({@link AwsClients#prime}) and seals a throwaway value, so that the SDK's marshalling,
 * signing, endpoint-rule and unmarshalling classes and the JCA's HMAC are loaded and initialised in
 * the snapshot instead of on the first invocation after each restore.
 *
 * <p>Safe to snapshot: priming uses made-up credentials and never opens a connection, so the
 * snapshot holds no credentials (the real clients resolve the execution role's credentials per
 * request, after the restore), no connection, and no secret: the evidence seal's key is read from
 * Secrets Manager on the first invocation, never before the snapshot. Nothing is re-created after a
 * restore because nothing restore-sensitive was made before it.
 *
 * <p>Without a CRaC-capable runtime (tests, the CLI, functions without SnapStart) registering does
 * nothing and the hook is never called.
 */
final class SnapStartPriming implements Resource {
  private final Settings settings;
  private final StructuredLog log;

  private SnapStartPriming(Settings settings, StructuredLog log) {
    this.settings = settings;
    this.log = log;
  }

  /**
   * Registers the hook with the global CRaC context. The context holds resources weakly: the caller
   * must keep the returned object for as long as the function lives.
   */
  static SnapStartPriming register(Settings settings, StructuredLog log) {
    SnapStartPriming priming = new SnapStartPriming(settings, log);
    Core.getGlobalContext().register(priming);
    return priming;
  }

  @Override
  public void beforeCheckpoint(Context<? extends Resource> context) {
    int operations = prime(settings);
    log.info("primed before the SnapStart snapshot", Map.of("awsOperations", operations));
  }

  @Override
  public void afterRestore(Context<? extends Resource> context) {
    // Nothing to re-create: see the class comment.
  }

  /**
   * Runs the priming work.
   *
   * @return the number of AWS operations primed (answered locally, none sent)
   */
  static int prime(Settings settings) {
    int operations = AwsClients.prime(settings);
    EvidenceSeal.withKey("keyrotator-priming-only").seal("priming", "user", "key");
    return operations;
  }
}
