package io.keyrotator.ports;

/** Calls AWS with a given access key to learn whether it works and whose it is. */
public interface KeyProbe {
  /**
   * Who a key authenticates as, as STS GetCallerIdentity answers: for an IAM user's access key the
   * user's ARN ({@code arn:aws:iam::<account>:user<path><name>}) and IAM's unique id of the user
   * ({@code AIDA...}), see the STS API reference for GetCallerIdentity.
   *
   * @param arn the ARN the key belongs to
   * @param userId the unique id of that principal
   */
  record CallerIdentity(String arn, String userId) {}

  /**
   * Signs STS GetCallerIdentity with the key.
   *
   * @return the identity the key belongs to
   * @throws KeyRejectedException when AWS does not (yet) accept the key
   */
  CallerIdentity callerIdentity(String accessKeyId, String secretAccessKey);

  /** The ARN the key belongs to: {@link #callerIdentity}'s ARN. */
  default String callerArn(String accessKeyId, String secretAccessKey) {
    return callerIdentity(accessKeyId, secretAccessKey).arn();
  }

  /** AWS refused the key, e.g. {@code InvalidClientTokenId} while a new key propagates. */
  final class KeyRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyRejectedException(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
