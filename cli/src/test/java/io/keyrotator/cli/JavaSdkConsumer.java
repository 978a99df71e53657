package io.keyrotator.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A Java SDK application that gets its credentials from {@code credential_process}: a {@link
 * ProfileCredentialsProvider} reading one profile of an AWS config file, and an STS client making a
 * series of GetCallerIdentity calls, spread evenly over a span of simulated time. The Java
 * counterpart of {@code consumers/boto3_consumer.py}, for {@link CredentialLifetimeIT} and {@code
 * bench/credentials} (through {@link #main}).
 *
 * <p>Simulated time: the SDK's {@code ProcessCredentialsProvider} keeps the credentials in a {@code
 * CachedSupplier} that runs the command again when its clock reaches the {@code Expiration} less
 * the provider's {@code credentialRefreshThreshold} (15 seconds by default). The SDK offers no way
 * to give a profile's provider another clock, so {@link #simulateTime} replaces that clock by
 * reflection, and writes how far it runs ahead to the clock file, where {@code
 * counting-credential-process} moves the printed {@code Expiration} by as much.
 */
final class JavaSdkConsumer {
  /** What a series of calls did: how many, as which identities (ARNs), in how long (wall time). */
  record Calls(int calls, Set<String> arns, Duration wallTime) {}

  /** A {@link Clock} a settable distance ahead of the system clock. */
  private static final class AheadClock extends Clock {
    private volatile Duration ahead = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(ahead);
    }
  }

  private JavaSdkConsumer() {}

  /**
   * Makes {@code calls} GetCallerIdentity calls with the credentials of {@code profile}, the i-th
   * (from 0) at {@code i * simulated / calls} of simulated time.
   *
   * @param config the AWS config file (the profile's {@code credential_process} line)
   * @param simulated the span of simulated time; {@link Duration#ZERO} for real time only
   * @param clockFile where the distance from real to simulated time is written, in whole seconds
   */
  static Calls call(
      Path config, String profile, URI endpoint, int calls, Duration simulated, Path clockFile) {
    long start = System.nanoTime();
    AheadClock clock = new AheadClock();
    Set<String> arns = new TreeSet<>();
    try (ProfileCredentialsProvider credentials =
            ProfileCredentialsProvider.builder()
                .profileFile(
                    ProfileFile.builder()
                        .content(config)
                        .type(ProfileFile.Type.CONFIGURATION)
                        .build())
                .profileName(profile)
                .build();
        StsClient sts =
            StsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .credentialsProvider(credentials)
                .build()) {
      if (!simulated.isZero()) {
        simulateTime(credentials, clock);
      }
      for (int i = 0; i < calls; i++) {
        Duration ahead = Duration.ofSeconds(simulated.multipliedBy(i).dividedBy(calls).toSeconds());
        clock.ahead = ahead;
        Files.writeString(clockFile, ahead.toSeconds() + "\n");
        arns.add(sts.getCallerIdentity().arn());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Calls(calls, arns, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * Gives the profile's {@code ProcessCredentialsProvider} the clock: resolves the credentials once
   * (the first helper run, which creates that provider), then sets the {@code clock} of its {@code
   * processCredentialCache}. Fails, naming the field, if an SDK upgrade renamed one.
   */
  private static void simulateTime(ProfileCredentialsProvider credentials, Clock clock) {
    credentials.resolveCredentials();
    Object process = field(credentials, "credentialsProvider");
    Object cache = field(process, "processCredentialCache");
    try {
      Field field = cache.getClass().getDeclaredField("clock");
      field.setAccessible(true);
      field.set(cache, clock);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot simulate time: " + cache.getClass().getName() + " has no field clock", e);
    }
  }

  private static Object field(Object owner, String name) {
    try {
      Field field = owner.getClass().getDeclaredField(name);
      field.setAccessible(true);
      return field.get(owner);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(
          "cannot simulate time: " + owner.getClass().getName() + " has no field " + name, e);
    }
  }

  /**
   * For {@code bench/credentials}: {@code CONFIG PROFILE ENDPOINT CALLS SIMULATED_MINUTES
   * CLOCK_FILE}; prints one line of JSON like {@code boto3_consumer.py}.
   */
  public static void main(String[] args) {
    Calls calls =
        call(
            Path.of(args[0]),
            args[1],
            URI.create(args[2]),
            Integer.parseInt(args[3]),
            Duration.ofMinutes(Long.parseLong(args[4])),
            Path.of(args[5]));
    System.out.printf(
        Locale.ROOT,
        "{\"calls\": %d, \"arns\": %s, \"seconds\": %.3f}%n",
        calls.calls(),
        calls.arns().stream().map(a -> "\"" + a + "\"").toList(),
        calls.wallTime().toMillis() / 1000.0);
  }
}
