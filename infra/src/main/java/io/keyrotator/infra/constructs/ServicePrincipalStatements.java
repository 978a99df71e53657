package io.keyrotator.infra.constructs;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;

/**
 * Resource-policy statements that let an AWS service (CloudTrail, CloudWatch) use one of
 * keyrotator's resources, always fenced by a condition on the calling account or resource (the
 * confused-deputy guard of the IAM User Guide, "Cross-service confused deputy prevention").
 */
final class ServicePrincipalStatements {
  private ServicePrincipalStatements() {}

  /**
   * An Allow statement for {@code service}.
   *
   * @param sid the statement ID
   * @param service the service principal, e.g. {@code cloudtrail.amazonaws.com}
   * @param action the one action allowed
   * @param resource the resource ARN, or {@code "*"} in a key policy (the key itself)
   * @param conditions the IAM condition block, by operator; required, never empty
   */
  static PolicyStatement allow(
      String sid, String service, String action, String resource, Map<String, ?> conditions) {
    return PolicyStatement.Builder.create()
        .sid(sid)
        .effect(Effect.ALLOW)
        .principals(List.of(new ServicePrincipal(service)))
        .actions(List.of(action))
        .resources(List.of(resource))
        .conditions(conditions)
        .build();
  }
}
