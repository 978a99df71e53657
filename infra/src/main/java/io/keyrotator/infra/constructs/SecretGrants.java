package io.keyrotator.infra.constructs;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.kms.IKey;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * How a function's role reaches the managed secrets: the listed actions on each secret by exact
 * ARN, tag changes on it only for the attempt record ({@link FunctionContract#ATTEMPT_TAG_KEY}),
 * and each secrets key once, only through Secrets Manager.
 *
 * @param secretActions allowed on each granted secret
 * @param tagActions allowed on each granted secret for the attempt record only
 * @param keyActions allowed on each secret's key through Secrets Manager
 * @param keySid the key statements' Sid, numbered per key
 */
record SecretGrants(
    Construct scope,
    Role role,
    List<String> secretActions,
    List<String> tagActions,
    List<String> keyActions,
    String keySid,
    Set<String> keysGranted) {

  /** What both functions do with a managed secret: describe it, read it and its versions. */
  static final List<String> READ_SECRET =
      List.of(
          "secretsmanager:DescribeSecret",
          "secretsmanager:GetSecretValue",
          "secretsmanager:ListSecretVersionIds");

  /**
   * Grants that read each secret ({@link #READ_SECRET}) and make {@code secretWrites} on it.
   *
   * @param secretWrites allowed on each granted secret besides reading it
   */
  SecretGrants(
      Construct scope,
      Role role,
      List<String> secretWrites,
      List<String> tagActions,
      List<String> keyActions,
      String keySid) {
    this(
        scope,
        role,
        Stream.concat(READ_SECRET.stream(), secretWrites.stream()).toList(),
        tagActions,
        keyActions,
        keySid,
        new HashSet<>());
  }

  /** Adds the statements for one secret, and for its key unless another secret shares it. */
  void grant(ISecret secret, IKey key) {
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(secretActions)
            .resources(List.of(secret.getSecretArn()))
            .build());
    role.addToPrincipalPolicy(
        PolicyStatement.Builder.create()
            .actions(tagActions)
            .resources(List.of(secret.getSecretArn()))
            .conditions(FunctionExecution.onlyTagKeys(FunctionContract.ATTEMPT_TAG_KEY))
            .build());
    if (keysGranted.add(key.getNode().getPath())) {
      role.addToPrincipalPolicy(
          FunctionExecution.keyViaSecretsManager(
              scope, keySid + keysGranted.size(), keyActions, key));
    }
  }
}
