package io.keyrotator.ports;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.testing.FakeAccount;
import io.keyrotator.testing.FakeSecrets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReadOnceTest {
  @Test
  void readsOnceUntilAWriteThenReadsAgain() {
    FakeAccount account = new FakeAccount();
    account.rotate();
    ReadOnceIamKeys iam = new ReadOnceIamKeys(account.iam);
    ReadOnceSecretVersions secrets = new ReadOnceSecretVersions(account.secrets);
    account.iam.calls.clear();
    account.secrets.calls.clear();

    iam.findUser(FakeAccount.USER);
    iam.findUser(FakeAccount.USER);
    String key = iam.listKeys(FakeAccount.USER).get(0).id();
    iam.listKeys(FakeAccount.USER);
    assertThat(account.iam.calls).containsExactly("GetUser", "ListAccessKeys");

    iam.deactivateKey(FakeAccount.USER, key);
    assertThat(iam.listKeys(FakeAccount.USER).get(0).active()).isFalse();
    assertThat(account.iam.calls)
        .containsExactly("GetUser", "ListAccessKeys", "UpdateAccessKey", "ListAccessKeys");

    secrets.value(FakeSecrets.ARN, Optional.empty(), SecretDescription.CURRENT);
    secrets.value(FakeSecrets.ARN, Optional.empty(), SecretDescription.CURRENT);
    secrets.value(FakeSecrets.ARN, Optional.empty(), SecretDescription.PREVIOUS);
    String current =
        secrets.describe(FakeSecrets.ARN).versionWith(SecretDescription.CURRENT).orElseThrow();
    secrets.describe(FakeSecrets.ARN);
    assertThat(account.secrets.calls)
        .containsExactly("GetSecretValue", "GetSecretValue", "DescribeSecret");

    secrets.removeStage(FakeSecrets.ARN, SecretDescription.CURRENT, current);
    secrets.describe(FakeSecrets.ARN);
    assertThat(account.secrets.calls).endsWith("UpdateSecretVersionStage", "DescribeSecret");
  }
}
