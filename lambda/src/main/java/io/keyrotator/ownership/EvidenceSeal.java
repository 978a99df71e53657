package io.keyrotator.ownership;

import io.keyrotator.ports.RotationFailedException;
import io.keyrotator.ports.SecretDescription;
import io.keyrotator.ports.SecretVersions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals keyrotator's evidence so that nobody else can forge it: an HMAC-SHA256 over the facts a
 * value records (user, user id, key id, creation time, secret, version), keyed with a random key
 * kept in a secret of its own that only keyrotator's roles may read (the CDK app creates it; its id
 * is {@code KEYROTATOR_SEAL_SECRET}). A value written by anyone else, copied into another secret or
 * version, or stored in a secret whose settings someone changed afterwards, does not verify.
 *
 * <p>The key is read from Secrets Manager once, on first use, and kept for the life of this object.
 * Without a configured seal secret nothing can be sealed or verified: keyrotator then rotates keys
 * but never retires one.
 */
public final class EvidenceSeal {
  private static final String ALGORITHM = "HmacSHA256";
  private static final String VERSION = "keyrotator-seal-1";

  private final Supplier<Optional<byte[]>> key;
  private Optional<byte[]> loaded;

  private EvidenceSeal(Supplier<Optional<byte[]>> key) {
    this.key = key;
  }

  /**
   * The seal whose key is the AWSCURRENT value of {@code secretId}; none when the id is empty.
   *
   * @throws io.keyrotator.ports.RotationFailedException on first use, when the secret cannot be
   *     read
   */
  public static EvidenceSeal fromSecret(SecretVersions secrets, Optional<String> secretId) {
    return new EvidenceSeal(
        () ->
            secretId.map(
                id ->
                    secrets
                        .value(id, Optional.empty(), SecretDescription.CURRENT)
                        .filter(v -> v.length() >= 32)
                        .orElseThrow(
                            () ->
                                new RotationFailedException(
                                    "the seal secret "
                                        + id
                                        + " has no AWSCURRENT value of"
                                        + " at least 32 characters: keyrotator cannot seal or check its evidence. Deploy it with the"
                                        + " CDK app, or put a random value of 64 characters in it."))
                        .getBytes(StandardCharsets.UTF_8)));
  }

  /** A seal with a fixed key (tests). */
  public static EvidenceSeal withKey(String key) {
    return new EvidenceSeal(() -> Optional.of(key.getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether a key is configured, so that values can be sealed and checked. */
  public synchronized boolean available() {
    return key().isPresent();
  }

  private synchronized Optional<byte[]> key() {
    if (loaded == null) {
      loaded = key.get();
    }
    return loaded;
  }

  /** The proof for the facts, or empty when no key is configured. */
  public Optional<String> seal(String... facts) {
    return key().map(k -> mac(k, facts));
  }

  /** Whether {@code proof} seals exactly these facts. */
  public boolean verifies(String proof, String... facts) {
    return key()
        .map(
            k ->
                MessageDigest.isEqual(
                    mac(k, facts).getBytes(StandardCharsets.US_ASCII),
                    proof.getBytes(StandardCharsets.US_ASCII)))
        .orElse(false);
  }

  private static String mac(byte[] key, String... facts) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key, ALGORITHM));
      mac.update(VERSION.getBytes(StandardCharsets.UTF_8));
      for (String fact : facts) {
        // Length-prefixed, so that no two different lists of facts give the same input.
        byte[] bytes = fact.getBytes(StandardCharsets.UTF_8);
        mac.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
        mac.update(bytes);
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }
}
