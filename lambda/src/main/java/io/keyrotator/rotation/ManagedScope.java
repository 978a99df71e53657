package io.keyrotator.rotation;

import io.keyrotator.config.Settings.ManagedTag;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which IAM users this function may rotate: those under a path prefix, or carrying an opt-in tag.
 * Checked before any change, as defence in depth behind the IAM policy that the CDK app scopes
 * the same way.
 */
public final class ManagedScope {
  private final String pathPrefix;
  private final Optional<ManagedTag> tag;

  /**
   * @param pathPrefix e.g. {@code /keyrotator/}; empty turns the path rule off
   * @param tag e.g. {@code keyrotator:managed=true}; empty turns the tag rule off
   */
  public ManagedScope(String pathPrefix, Optional<ManagedTag> tag) {
    this.pathPrefix = pathPrefix;
    this.tag = tag;
  }

  /** Whether the user matches the path rule or the tag rule. */
  public boolean covers(IamUser user) {
    boolean byPath = !pathPrefix.isEmpty() && user.path().startsWith(pathPrefix);
    boolean byTag = tag.filter(t -> t.value().equals(user.tags().get(t.key()))).isPresent();
    return byPath || byTag;
  }

  /**
   * Looks the user up and checks that it is managed.
   *
   * @param secretName the secret that names the user, for the message
   * @throws RotationFailure when the user does not exist or is outside the scope
   */
  public IamUser requireManaged(IamKeys iam, String userName, String secretName) {
    IamUser user =
        iam.findUser(userName)
            .orElseThrow(
                () ->
                    new RotationFailure(
                        "IAM user "
                            + userName
                            + " named in secret "
                            + secretName
                            + " does not exist. Create the user, or put the right UserName in the"
                            + " secret with `aws secretsmanager put-secret-value`. Nothing was"
                            + " changed."));
    if (!covers(user)) {
      throw new RotationFailure(
          "IAM user "
              + userName
              + " (path "
              + user.path()
              + ") named in secret "
              + secretName
              + " is outside the users keyrotator manages ("
              + describe()
              + "). Nothing was changed. If keyrotator should rotate this user's keys, "
              + remedy()
              + "; otherwise remove rotation from the secret.");
    }
    return user;
  }

  /** The rules in words, e.g. "path under /keyrotator/ or tag keyrotator:managed=true". */
  public String describe() {
    List<String> rules = new ArrayList<>();
    if (!pathPrefix.isEmpty()) {
      rules.add("path under " + pathPrefix);
    }
    tag.ifPresent(t -> rules.add("tag " + t));
    return String.join(" or ", rules);
  }

  private String remedy() {
    return tag.map(t -> "tag it " + t + " (aws iam tag-user)")
        .orElse("create it under the path " + pathPrefix);
  }
}
