package io.keyrotator.rotation;

import io.keyrotator.config.Settings;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.RotationFailedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What keyrotator manages: the IAM users it may rotate (under a path prefix, or named in its
 * configuration) and the secret whose value seals its evidence. All of it comes from the
 * deployment, never from a tag someone can write. Checked before any change, as defence in depth
 * behind the IAM policy that the CDK app scopes to the same users by exact ARN.
 */
public final class ManagedScope {
  private final String pathPrefix;
  private final Set<String> userNames;
  private final Optional<String> sealSecret;

  /**
   * @param pathPrefix e.g. {@code /keyrotator/}; empty turns the path rule off
   * @param userNames exact user names, lower case; empty turns the rule off
   * @param sealSecret the secret holding the evidence seal's key; empty: nothing can be proven
   */
  public ManagedScope(String pathPrefix, Set<String> userNames, Optional<String> sealSecret) {
    this.pathPrefix = pathPrefix;
    this.userNames = Set.copyOf(userNames);
    this.sealSecret = sealSecret;
  }

  /** The scope the settings describe. */
  public static ManagedScope of(Settings settings) {
    return new ManagedScope(
        settings.managedPathPrefix(), settings.managedUsers(), settings.sealSecret());
  }

  /** The secret holding the key keyrotator seals its evidence with. */
  public Optional<String> sealSecret() {
    return sealSecret;
  }

  /** Whether the user matches the path rule or is listed. */
  public boolean covers(IamUser user) {
    boolean byPath = !pathPrefix.isEmpty() && user.path().startsWith(pathPrefix);
    return byPath || userNames.contains(user.name().toLowerCase(Locale.ROOT));
  }

  /**
   * Looks the user up and checks that it is managed.
   *
   * @param secretName the secret that names the user, for the message
   * @throws RotationFailedException when the user does not exist or is outside the scope
   */
  public IamUser requireManaged(IamKeys iam, String userName, String secretName) {
    IamUser user =
        iam.findUser(userName)
            .orElseThrow(
                () ->
                    new RotationFailedException(
                        "IAM user "
                            + KeyIds.userNameForMessage(userName)
                            + " named in secret "
                            + secretName
                            + " does not exist. Create the user, or put the right UserName in the"
                            + " secret with `aws secretsmanager put-secret-value`. Nothing was"
                            + " changed."));
    if (!covers(user)) {
      throw new RotationFailedException(
          "IAM user "
              + userName
              + " (path "
              + user.path()
              + ") named in secret "
              + secretName
              + " is outside the users keyrotator manages ("
              + describe()
              + "). Nothing was changed. If keyrotator should rotate this user's keys, add it to"
              + " the deployment's users (KEYROTATOR_MANAGED_USERS); otherwise remove rotation from"
              + " the secret.");
    }
    return user;
  }

  /** The rules in words, e.g. "path under /keyrotator/ or one of 2 listed users". */
  public String describe() {
    List<String> rules = new ArrayList<>();
    if (!pathPrefix.isEmpty()) {
      rules.add("path under " + pathPrefix);
    }
    if (!userNames.isEmpty()) {
      rules.add("users " + String.join(", ", userNames));
    }
    return String.join(" or ", rules);
  }
}
