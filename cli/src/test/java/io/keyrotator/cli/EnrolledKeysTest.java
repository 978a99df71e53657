package io.keyrotator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

class EnrolledKeysTest {
  private static final AwsBasicCredentials KEY =
      AwsBasicCredentials.create(
          "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

  @Test
  void theCacheDirectoryIsTheLaunchersXdgThenHomeOnLinuxAndLibraryCachesOnMacOs() {
    assertThat(
            EnrolledKeys.in(Map.of("XDG_CACHE_HOME", "/x", "HOME", "/h"), "Linux")
                .orElseThrow()
                .file("eu-west-1", "app-ci-key"))
        .isEqualTo(Path.of("/x/keyrotator/credentials/eu-west-1/app-ci-key.json"));
    assertThat(
            EnrolledKeys.in(Map.of("XDG_CACHE_HOME", "relative", "HOME", "/h"), "Linux")
                .orElseThrow()
                .file("eu-west-1", "app-ci-key"))
        .as("a relative XDG_CACHE_HOME is ignored, as the XDG spec says")
        .isEqualTo(Path.of("/h/.cache/keyrotator/credentials/eu-west-1/app-ci-key.json"));
    assertThat(
            EnrolledKeys.in(Map.of("XDG_CACHE_HOME", "/x", "HOME", "/Users/a"), "Mac OS X")
                .orElseThrow()
                .file("eu-west-1", "app-ci-key"))
        .isEqualTo(
            Path.of("/Users/a/Library/Caches/keyrotator/credentials/eu-west-1/app-ci-key.json"));
    assertThat(EnrolledKeys.in(Map.of(), "Linux")).as("a service user without a home").isEmpty();
  }

  @Test
  void secretNamesAndArnsBecomeOneFileNameEach() {
    EnrolledKeys keys = EnrolledKeys.in(Map.of("HOME", "/h"), "Linux").orElseThrow();
    assertThat(keys.file("us-east-1", "team/app-ci").getFileName().toString())
        .isEqualTo("team%2Fapp-ci.json");
    assertThat(
            keys.file("us-east-1", "arn:aws:secretsmanager:us-east-1:1:secret:../x")
                .getParent()
                .getFileName()
                .toString())
        .isEqualTo("us-east-1");
  }

  @Test
  void aKeyIsStoredForItsOwnerAloneAndReplacedWhole(@TempDir Path cache) throws Exception {
    EnrolledKeys keys =
        EnrolledKeys.in(Map.of("XDG_CACHE_HOME", cache.toString()), "Linux").orElseThrow();
    assertThat(keys.read("us-east-1", "app-ci-key")).isEmpty();

    Path file = keys.write("us-east-1", "app-ci-key", KEY);
    AwsBasicCredentials next =
        AwsBasicCredentials.create(
            "AKIAI44QH8DHBEXAMPLE", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY");
    keys.write("us-east-1", "app-ci-key", next);

    assertThat(keys.read("us-east-1", "app-ci-key")).contains(next);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cache.resolve("keyrotator/credentials"))))
        .isEqualTo("rwx------");
    try (var left = Files.list(file.getParent())) {
      assertThat(left).as("no temporary file left").containsExactly(file);
    }
  }

  @Test
  void aDamagedFileIsReportedWithoutItsContent(@TempDir Path cache) throws Exception {
    EnrolledKeys keys =
        EnrolledKeys.in(Map.of("XDG_CACHE_HOME", cache.toString()), "Linux").orElseThrow();
    Path file = keys.write("us-east-1", "app-ci-key", KEY);
    Files.writeString(
        file, "{\"AccessKeyId\": \"AKIAIOSFODNN7EXAMPLE\", \"SecretAccessKey\": \"wJalr");

    assertThatThrownBy(() -> keys.read("us-east-1", "app-ci-key"))
        .hasMessageContaining("cannot be read: delete the file and enroll again")
        .hasMessageNotContaining("wJalr");
  }
}
