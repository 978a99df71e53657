package io.keyrotator.ports;

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

  /**
   * A user name read from a secret value, for a message about a user that does not exist: a name as
   * long as a secret access key (40 characters) is shortened, in case a secret was pasted into the
   * {@code UserName} field.
   */
  public static String userNameForMessage(String userName) {
    if (userName == null || userName.length() < 32) {
      return userName;
    }
    return shorten(userName) + " (a " + userName.length() + "-character name, shortened: is a secret in the"
        + " UserName field?)";
  }
}
