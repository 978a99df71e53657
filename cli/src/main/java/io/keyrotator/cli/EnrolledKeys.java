package io.keyrotator.cli;

import com.fasterxml.jackson.jr.ob.JSON;
import io.keyrotator.ports.KeyIds;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The keys consumers with no other AWS identity sign in with: one file per Region and secret, in
 * the user's cache directory, {@code <cache>/keyrotator/credentials/<region>/<secret id>.json},
 * holding the managed user's current key. {@code keyrotator enroll} seeds it with the key an
 * operator hands over; {@code keyrotator credentials --self} reads the secret with it and writes
 * the secret's newer key back after each rotation.
 *
 * <p>The cache directory is the launcher's (docs/install.md): {@code $XDG_CACHE_HOME} when it is an
 * absolute path, else {@code ~/.cache}; {@code ~/Library/Caches} on macOS. The folders are created
 * {@code 0700} and each file {@code 0600}, written under a temporary name and renamed, so a reader
 * never sees half a key and another user never sees it at all. Nothing is ever written beside the
 * jar.
 */
final class EnrolledKeys {
  private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");

  private final Path folder;

  private EnrolledKeys(Path folder) {
    this.folder = folder;
  }

  /**
   * The enrolled keys of the user running this process, as its environment and operating system
   * place the cache directory.
   *
   * @throws CliException (usage) when neither XDG_CACHE_HOME nor HOME gives a cache directory
   */
  static EnrolledKeys forThisUser() {
    return in(AwsOptions.environment, System.getProperty("os.name", ""))
        .orElseThrow(
            () ->
                new CliException(
                    ExitCodes.USAGE,
                    "no cache directory to keep the enrolled key in: neither HOME nor"
                        + " XDG_CACHE_HOME is set. Set one of them for the user that runs"
                        + " keyrotator."));
  }

  /**
   * The enrolled keys for a given environment and {@code os.name}; empty when neither HOME nor
   * XDG_CACHE_HOME gives a cache directory (a service user without a home).
   */
  static Optional<EnrolledKeys> in(Map<String, String> environment, String osName) {
    Optional<String> home = Optional.ofNullable(environment.get("HOME")).filter(h -> !h.isBlank());
    Optional<Path> cache;
    if (osName.toLowerCase(Locale.ROOT).startsWith("mac")) {
      cache = home.map(h -> Path.of(h, "Library", "Caches"));
    } else {
      // The XDG Base Directory spec ignores a relative XDG_CACHE_HOME.
      cache =
          Optional.ofNullable(environment.get("XDG_CACHE_HOME"))
              .filter(x -> x.startsWith("/"))
              .map(Path::of)
              .or(() -> home.map(h -> Path.of(h, ".cache")));
    }
    return cache.map(c -> new EnrolledKeys(c.resolve("keyrotator").resolve("credentials")));
  }

  /**
   * The file of one secret's key. The secret id is percent-encoded (a name may hold {@code /}, an
   * ARN {@code :}), so name and ARN of the same secret are two enrollments: use the same {@code
   * --secret-id} in {@code enroll} and in the {@code credential_process} line.
   */
  Path file(String region, String secretId) {
    return folder
        .resolve(URLEncoder.encode(region, StandardCharsets.UTF_8))
        .resolve(URLEncoder.encode(secretId, StandardCharsets.UTF_8) + ".json");
  }

  /**
   * The key enrolled for the secret, if any.
   *
   * @throws CliException (problems) when the file exists but is not one this class wrote
   */
  Optional<AwsBasicCredentials> read(String region, String secretId) {
    Path file = file(region, secretId);
    Map<String, Object> fields;
    try {
      // Whoever loosened them, the key and its folder are made the owner's alone again before the
      // key is used (and warned about: someone else may have read it).
      if (Files.exists(file) && ownerOnlyAgain(file)) {
        System.err.println(
            "keyrotator: "
                + file
                + " or its folder could be read by others: made owner-only again (0600/0700). If"
                + " someone else may have read it, rotate the secret now.");
      }
      fields = JSON.std.mapFrom(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException notEnrolled) {
      return Optional.empty();
    } catch (IOException | RuntimeException broken) {
      // The message of a JSON error may quote the file, which holds a secret: never repeat it.
      throw damaged(file);
    }
    if (fields != null
        && fields.get("AccessKeyId") instanceof String id
        && fields.get("SecretAccessKey") instanceof String secret
        && !id.isBlank()
        && !secret.isBlank()) {
      return Optional.of(AwsBasicCredentials.create(id, secret));
    }
    throw damaged(file);
  }

  private static CliException damaged(Path file) {
    return new CliException(
        ExitCodes.PROBLEMS,
        "the enrolled key in "
            + file
            + " cannot be read: delete the file and enroll again (`keyrotator enroll`).");
  }

  /**
   * Stores the secret's key: the folders {@code 0700}, the file {@code 0600}, replaced in one
   * rename so that a {@code credentials} run at the same moment reads the old key or the new one.
   *
   * @return the file written
   */
  Path write(String region, String secretId, AwsBasicCredentials key) {
    Path file = file(region, secretId);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("SecretId", secretId);
    fields.put("Region", region);
    fields.put("AccessKeyId", key.accessKeyId());
    fields.put("SecretAccessKey", key.secretAccessKey());
    fields.put("Updated", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    Path temporary = null;
    try {
      ownerOnlyFolder(folder);
      ownerOnlyFolder(file.getParent());
      temporary =
          Files.createTempFile(
              file.getParent(),
              ".enroll-",
              ".tmp",
              PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
      Files.writeString(temporary, JSON.std.asString(fields) + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(
            temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
      }
      return file;
    } catch (IOException e) {
      deleteQuietly(temporary);
      throw new CliException(
          ExitCodes.PROBLEMS,
          "cannot store the key "
              + KeyIds.shorten(key.accessKeyId())
              + " in "
              + file
              + " ("
              + e.getClass().getSimpleName()
              + "): the cache directory must be writable by this user; set XDG_CACHE_HOME to"
              + " another folder if it is not.");
    }
  }

  /** Makes the file and its folder owner-only; whether either was not. */
  private static boolean ownerOnlyAgain(Path file) throws IOException {
    boolean loosened = false;
    if (!Files.getPosixFilePermissions(file).equals(OWNER_ONLY_FILE)) {
      Files.setPosixFilePermissions(file, OWNER_ONLY_FILE);
      loosened = true;
    }
    Path folder = file.getParent();
    if (!Files.getPosixFilePermissions(folder).equals(OWNER_ONLY_FOLDER)) {
      Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
      loosened = true;
    }
    return loosened;
  }

  /** Creates the folder if needed and makes it the owner's alone, whoever created it. */
  private static void ownerOnlyFolder(Path path) throws IOException {
    Files.createDirectories(path, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FOLDER));
    Files.setPosixFilePermissions(path, OWNER_ONLY_FOLDER);
  }

  private static void deleteQuietly(Path path) {
    if (path == null) {
      return;
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException ignored) {
      // the original failure is the one to report
    }
  }
}
