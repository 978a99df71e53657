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
    return shorten(userName)
        + " (a "
        + userName.length()
        + "-character name, shortened: is a secret in the"
        + " UserName field?)";
  }

  private static final java.util.regex.Pattern SECRET_ARN =
      java.util.regex.Pattern.compile(
          "arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:[\\w/+=.@-]{1,512}");

  /**
   * A tag value that should name a secret (the user's claim), for a message: shown as it is when it
   * is a secret ARN, otherwise shortened like {@link #userNameForMessage} (it was written by hand).
   */
  public static String secretArnForMessage(String value) {
    return value != null && SECRET_ARN.matcher(value).matches() ? value : userNameForMessage(value);
  }
}
