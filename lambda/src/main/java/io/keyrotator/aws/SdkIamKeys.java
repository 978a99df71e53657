package io.keyrotator.aws;

import io.keyrotator.ports.AccessKey;
import io.keyrotator.ports.IamKeys;
import io.keyrotator.ports.IamUser;
import io.keyrotator.ports.KeyUsage;
import io.keyrotator.ports.NewAccessKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyLastUsed;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

/** {@link IamKeys} on the AWS SDK's IAM client. */
public final class SdkIamKeys implements IamKeys {
  private final IamClient iam;

  SdkIamKeys(IamClient iam) {
    this.iam = iam;
  }

  @Override
  public Optional<IamUser> findUser(String userName) {
    try {
      User user = iam.getUser(r -> r.userName(userName)).user();
      Map<String, String> tags =
          user.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> b));
      return Optional.of(
          new IamUser(user.userName(), user.userId(), user.path(), user.arn(), tags));
    } catch (NoSuchEntityException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<AccessKey> listKeys(String userName) {
    return iam.listAccessKeysPaginator(r -> r.userName(userName)).accessKeyMetadata().stream()
        .map(k -> new AccessKey(k.accessKeyId(), k.status() == StatusType.ACTIVE, k.createDate()))
        .toList();
  }

  @Override
  public NewAccessKey createKey(String userName) {
    var key = iam.createAccessKey(r -> r.userName(userName)).accessKey();
    return new NewAccessKey(key.accessKeyId(), key.secretAccessKey(), key.createDate());
  }

  @Override
  public void deactivateKey(String userName, String accessKeyId) {
    iam.updateAccessKey(
        r -> r.userName(userName).accessKeyId(accessKeyId).status(StatusType.INACTIVE));
  }

  @Override
  public void deleteKey(String userName, String accessKeyId) {
    try {
      iam.deleteAccessKey(r -> r.userName(userName).accessKeyId(accessKeyId));
    } catch (NoSuchEntityException alreadyGone) {
      // The goal is reached: a retry after a crash must not fail here.
    }
  }

  @Override
  public KeyUsage lastUsed(String accessKeyId) {
    AccessKeyLastUsed used =
        iam.getAccessKeyLastUsed(r -> r.accessKeyId(accessKeyId)).accessKeyLastUsed();
    if (used == null || used.lastUsedDate() == null) {
      return KeyUsage.never();
    }
    return new KeyUsage(Optional.of(used.lastUsedDate()), used.serviceName(), used.region());
  }

  @Override
  public void tagUser(String userName, String key, String value) {
    iam.tagUser(r -> r.userName(userName).tags(Tag.builder().key(key).value(value).build()));
  }

  @Override
  public void untagUser(String userName, String key) {
    iam.untagUser(r -> r.userName(userName).tagKeys(key));
  }
}
