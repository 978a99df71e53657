package io.keyrotator.ownership;

import io.keyrotator.contract.ResourceTags;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyIds;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.ports.SecretVersions.TaggedSecret;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A secret serves exactly one IAM user, and a user is served by exactly one secret. The binding is
 * recorded on both sides: the user's unique id ({@code UserId}) in the values keyrotator writes to
 * the secret, and a claim on the user, the user tag {@value #CLAIM_TAG} with the secret's ARN.
 *
 * <p>Every record checked here that someone else can write (the claim, the secret's {@value
 * SecretVersions#USER_TAG} tag, a value put by hand) can only make keyrotator refuse: each method
 * returns the refusal in words, or empty when the binding holds. Nothing here ever justifies a
 * change to a key.
 */
public final class SecretBinding {
  /** The user tag that claims a user for one secret; its value is the secret's ARN. */
  public static final String CLAIM_TAG = ResourceTags.USER_CLAIM;

  private SecretBinding() {}

  /**
   * Whether the value, the user and the secret belong together, from what one step has read.
   *
   * @param secret the secret, with its tags
   * @param value the value the step acts on (AWSCURRENT or AWSPENDING)
   * @param user the user the value names, as IAM reports it now
   * @param previous the AWSPREVIOUS value, when it was written by keyrotator
   * @return the refusal, or empty when the binding holds
   */
  public static Optional<String> conflict(
      SecretDescription secret,
      ManagedKeySecret value,
      IamUser user,
      Optional<ManagedKeySecret> previous) {
    String taggedValue = secret.tags().get(SecretVersions.USER_TAG);
    if (taggedValue != null && !taggedValue.equalsIgnoreCase(value.userName())) {
      // Tag values are written by hand: shortened when they might be a pasted secret.
      String tagged = KeyIds.userNameForMessage(taggedValue);
      String named = KeyIds.userNameForMessage(value.userName());
      return Optional.of(
          "secret "
              + secret.name()
              + " is tagged "
              + SecretVersions.USER_TAG
              + "="
              + tagged
              + " but its value names IAM user "
              + named
              + ". A secret serves the one user it was"
              + " created for: serving another would hand that user's keys to this secret's readers. Put "
              + tagged
              + "'s value back (`aws secretsmanager put-secret-value`), or give "
              + named
              + " a secret of its own. Nothing was changed.");
    }
    if (value.userId().isPresent() && !value.userId().get().equals(user.id())) {
      return Optional.of(
          "IAM user "
              + user.name()
              + " is not the user secret "
              + secret.name()
              + " was bound to: the secret recorded UserId "
              + value.userId().get()
              + ", IAM now reports "
              + user.id()
              + " for that name (the user was deleted and created again). Its keys went with"
              + " the old user. To serve the new user, put {\"UserName\": \""
              + user.name()
              + "\"} in the"
              + " secret and rotate. Nothing was changed.");
    }
    // By name: a user deleted and created again under its name is the same user to the secret's
    // readers; its new unique id is handled by the UserId check above.
    Optional<ManagedKeySecret> servedBefore =
        previous
            .filter(ManagedKeySecret::writtenByRotation)
            .filter(p -> !p.userName().equalsIgnoreCase(value.userName()));
    if (servedBefore.isPresent()) {
      return Optional.of(
          "secret "
              + secret.name()
              + " served IAM user "
              + servedBefore.get().userName()
              + " (its AWSPREVIOUS value, written by keyrotator), but its current value names "
              + value.userName()
              + ": the value was replaced by hand. A secret serves one user: put "
              + servedBefore.get().userName()
              + "'s value back, or give "
              + value.userName()
              + " a secret of its own. Nothing was changed.");
    }
    String claim = user.tags().get(CLAIM_TAG);
    if (claim != null && !claim.equals(secret.arn())) {
      return Optional.of(
          "IAM user "
              + user.name()
              + " is claimed by secret "
              + KeyIds.secretArnForMessage(claim)
              + " (user tag "
              + CLAIM_TAG
              + "), not by "
              + secret.name()
              + ". A user is served by exactly one secret. If"
              + " that secret serves the user, stop rotating this one (`aws secretsmanager"
              + " cancel-rotate-secret --secret-id "
              + secret.name()
              + "`) and point its readers at the"
              + " other; if the other is gone or obsolete, release the claim with `aws iam untag-user"
              + " --user-name "
              + user.name()
              + " --tag-keys "
              + CLAIM_TAG
              + "` and rotate again."
              + " Nothing was changed.");
    }
    return Optional.empty();
  }

  /**
   * Whether any other secret is tagged as serving the same user (IAM user names are unique
   * regardless of case, so are these tags). Anyone may tag a secret: this can only make keyrotator
   * refuse.
   *
   * @return the refusal naming the other secrets, or empty
   */
  public static Optional<String> sharedWith(
      SecretDescription secret, IamUser user, List<TaggedSecret> tagged) {
    List<TaggedSecret> others =
        tagged.stream()
            .filter(
                s ->
                    s.names(user.name())
                        && !s.arn().equals(secret.arn())
                        && !s.scheduledForDeletion())
            .toList();
    if (others.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        "IAM user "
            + user.name()
            + " is named by secret "
            + others.stream().map(TaggedSecret::name).collect(Collectors.joining(", "))
            + " as well as by "
            + secret.name()
            + " (tag "
            + SecretVersions.USER_TAG
            + "). A user is served by exactly one secret,"
            + " or one secret's rotation would disable the key the other hands out. Keep one: point the"
            + " other's readers at it, then delete the other secret (or remove its tag and rotation)."
            + " Nothing was changed.");
  }

  /** Whether the user carries no claim yet, so that this secret should claim it. */
  public static boolean unclaimed(IamUser user) {
    return !user.tags().containsKey(CLAIM_TAG);
  }
}
