package io.keyrotator.observability;

/** Shortens access key ids for logs and messages. */
public final class KeyIds {
  private KeyIds() {}

  /** {@code AKIAIOSFODNN7EXAMPLE} becomes {@code AKIA...MPLE}: enough to tell keys apart. */
  public static String shorten(String accessKeyId) {
    if (accessKeyId == null) {
      return "none";
    }
    if (accessKeyId.length() <= 8) {
      return accessKeyId;
    }
    return accessKeyId.substring(0, 4) + "..." + accessKeyId.substring(accessKeyId.length() - 4);
  }
}
