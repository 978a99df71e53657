package io.keyrotator.ports;

/** Calls AWS with a given access key to learn whether it works and whose it is. */
public interface KeyProbe {
  /**
   * Signs STS GetCallerIdentity with the key.
   *
   * @return the ARN the key belongs to
   * @throws KeyRejectedException when AWS does not (yet) accept the key
   */
  String callerArn(String accessKeyId, String secretAccessKey);

  /** AWS refused the key, e.g. {@code InvalidClientTokenId} while a new key propagates. */
  final class KeyRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeyRejectedException(String reason, Throwable cause) {
      super(reason, cause);
    }
  }
}
