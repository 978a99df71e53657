package io.keyrotator.testing;

import io.keyrotator.ports.KeyProbe;
import java.util.ArrayList;
import java.util.List;

/** Answers like STS: the user's ARN for a key IAM knows with its right secret, else a rejection. */
public final class FakeProbe implements KeyProbe {
  private final FakeIam iam;

  /** How many upcoming calls are refused as if the key had not propagated yet. */
  public int rejectNext;

  /** Answer every call with this ARN instead (a key that belongs to someone else). */
  public String forcedArn;

  public final List<String> probedKeys = new ArrayList<>();

  public FakeProbe(FakeIam iam) {
    this.iam = iam;
  }

  @Override
  public CallerIdentity callerIdentity(String accessKeyId, String secretAccessKey) {
    probedKeys.add(accessKeyId);
    if (rejectNext > 0) {
      rejectNext--;
      throw new KeyRejectedException("InvalidClientTokenId (HTTP 403)", null);
    }
    if (forcedArn != null) {
      return new CallerIdentity(forcedArn, "AIDAFORCED");
    }
    if (!secretAccessKey.equals(iam.secrets.get(accessKeyId))) {
      throw new KeyRejectedException("SignatureDoesNotMatch (HTTP 403)", null);
    }
    return iam.findUserOwning(accessKeyId)
        .map(user -> new CallerIdentity(user.arn(), user.id()))
        .orElseThrow(() -> new KeyRejectedException("InvalidClientTokenId (HTTP 403)", null));
  }
}
