package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

class HandedOverKeyTest {
  private static final String ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final AwsBasicCredentials KEY = AwsBasicCredentials.create(ID, SECRET);

  @Test
  void readsTheFormsAwsHandsKeysOutIn() {
    assertThat(
            HandedOverKey.parse(
                "{\"AccessKey\": {\"UserName\": \"app-ci\", \"AccessKeyId\": \""
                    + ID
                    + "\", \"Status\": \"Active\", \"SecretAccessKey\": \""
                    + SECRET
                    + "\", \"CreateDate\": \"2026-11-23T10:00:00+00:00\"}}\n",
                "stdin"))
        .as("aws iam create-access-key")
        .isEqualTo(KEY);
    assertThat(
            HandedOverKey.parse(
                "{\"UserName\": \"app-ci\", \"AccessKeyId\": \""
                    + ID
                    + "\", \"SecretAccessKey\": \""
                    + SECRET
                    + "\"}",
                "stdin"))
        .as("the secret's value")
        .isEqualTo(KEY);
    assertThat(
            HandedOverKey.parse(
                "\uFEFFAccess key ID,Secret access key\r\n" + ID + "," + SECRET + "\r\n", "stdin"))
        .as("the IAM console's .csv, with its byte-order mark and CRLF")
        .isEqualTo(KEY);
  }

  @Test
  void anythingElseIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> HandedOverKey.parse(ID + " " + SECRET, "stdin"))
        .hasMessageContaining("cannot read an access key from stdin")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> HandedOverKey.parse("{\"AccessKeyId\": \"" + ID + "\", \"Secret", "f"))
        .hasMessageContaining("cannot read an access key from f")
        .hasMessageNotContaining("Secret\"");
    assertThatThrownBy(
            () ->
                HandedOverKey.parse(
                    "{\"AccessKeyId\": \"" + ID + "\", \"SecretAccessKey\": \"short\"}", "f"))
        .hasMessageContaining("no valid SecretAccessKey");
    assertThatThrownBy(() -> HandedOverKey.parse("{\"SecretAccessKey\": \"" + SECRET + "\"}", "f"))
        .hasMessageContaining("no valid AccessKeyId")
        .hasMessageNotContaining(SECRET);
  }
}
