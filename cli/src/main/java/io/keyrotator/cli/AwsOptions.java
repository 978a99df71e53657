package io.keyrotator.cli;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileSystemSetting;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * The standard AWS options every command takes, resolved the way the AWS CLI resolves them: the
 * option, else its environment variable ({@code AWS_PROFILE}, {@code AWS_REGION} then {@code
 * AWS_DEFAULT_REGION}, {@code AWS_ENDPOINT_URL}), else the profile in ~/.aws/config.
 */
final class AwsOptions {
  /** The AWS CLI's Region variable; the SDK for Java reads only {@code AWS_REGION}. */
  static final String DEFAULT_REGION_VARIABLE = "AWS_DEFAULT_REGION";

  static final String ENDPOINT_VARIABLE = "AWS_ENDPOINT_URL";

  /** The environment the options fall back on; tests replace it. */
  static Map<String, String> environment = System.getenv();

  @Option(
      names = "--region",
      paramLabel = "REGION",
      description = "AWS Region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's).")
  String region;

  @Option(
      names = "--profile",
      paramLabel = "NAME",
      description = "Named profile from ~/.aws/config (default: AWS_PROFILE or default).")
  String profile;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      converter = Endpoints.class,
      description =
          "Endpoint of a local AWS emulator, e.g. http://127.0.0.1:5000"
              + " (default: AWS_ENDPOINT_URL).")
  URI endpoint;

  /** The endpoint every client uses: --endpoint, else AWS_ENDPOINT_URL; empty means AWS. */
  Optional<URI> endpoint() {
    if (endpoint != null) {
      return Optional.of(endpoint);
    }
    return Optional.ofNullable(environment.get(ENDPOINT_VARIABLE))
        .filter(value -> !value.isBlank())
        .map(value -> Endpoints.parse(value, ENDPOINT_VARIABLE + "=" + value));
  }

  /** Whether the commands talk to an emulator rather than AWS (then rotations run in-process). */
  boolean emulator() {
    return endpoint().isPresent();
  }

  /** The profile named by --profile or AWS_PROFILE; empty means the default chain. */
  Optional<String> profileName() {
    return Optional.ofNullable(profile)
        .or(() -> Optional.ofNullable(environment.get("AWS_PROFILE")))
        .filter(name -> !name.isBlank());
  }

  /**
   * The Region: --region, AWS_REGION (or the aws.region system property), AWS_DEFAULT_REGION, the
   * profile's {@code region}, then the SDK's remaining providers (EC2 instance metadata).
   *
   * @throws CliException naming every place it looked when none has a Region
   */
  String resolvedRegion() {
    if (region != null) {
      return region;
    }
    // An empty variable counts as unset, as for the AWS CLI: the next place is asked.
    Optional<String> fromEnvironment =
        Optional.ofNullable(System.getProperty("aws.region"))
            .filter(value -> !value.isBlank())
            .or(() -> Optional.ofNullable(environment.get("AWS_REGION")).filter(v -> !v.isBlank()))
            .or(
                () ->
                    Optional.ofNullable(environment.get(DEFAULT_REGION_VARIABLE))
                        .filter(v -> !v.isBlank()));
    if (fromEnvironment.isPresent()) {
      return fromEnvironment.get();
    }
    profileFile();
    requireProfile();
    try {
      DefaultAwsRegionProviderChain.Builder chain = DefaultAwsRegionProviderChain.builder();
      profileName().ifPresent(chain::profileName);
      Region found = chain.build().getRegion();
      if (found != null) {
        return found.id();
      }
    } catch (SdkClientException notFound) {
      // reported below with every place that was tried
    }
    throw new CliException(
        ExitCodes.AWS_ERROR,
        "no AWS Region configured"
            + profileName().map(p -> " (profile " + p + " has none)").orElse("")
            + ": pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set region in the"
            + " profile (`aws configure`).");
  }

  /**
   * Fails when the profile named by --profile or AWS_PROFILE is in neither ~/.aws/config nor
   * ~/.aws/credentials (or the files AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name).
   */
  void requireProfile() {
    Optional<String> name = profileName();
    if (name.isEmpty()) {
      return;
    }
    if (profileFile().profile(name.get()).isEmpty()) {
      throw new CliException(
          ExitCodes.AWS_ERROR,
          "profile "
              + name.get()
              + " does not exist in "
              + ProfileFileSystemSetting.AWS_CONFIG_FILE.getStringValue().orElse("~/.aws/config")
              + " or "
              + ProfileFileSystemSetting.AWS_SHARED_CREDENTIALS_FILE
                  .getStringValue()
                  .orElse("~/.aws/credentials")
              + ": create it with `aws configure --profile "
              + name.get()
              + "` or name another (`aws configure list-profiles`).");
    }
  }

  /**
   * The AWS config and credentials files, read now so that a broken file is reported as such, not
   * as a missing Region or an unexpected error during the first call.
   *
   * @throws CliException naming the files and what is wrong with them
   */
  static ProfileFile profileFile() {
    try {
      return ProfileFile.defaultProfileFile();
    } catch (IllegalArgumentException | java.io.UncheckedIOException broken) {
      throw new CliException(
          ExitCodes.AWS_ERROR,
          "cannot read the AWS config files ("
              + ProfileFileSystemSetting.AWS_CONFIG_FILE.getStringValue().orElse("~/.aws/config")
              + ", "
              + ProfileFileSystemSetting.AWS_SHARED_CREDENTIALS_FILE
                  .getStringValue()
                  .orElse("~/.aws/credentials")
              + "): "
              + broken.getMessage()
              + ". Fix the file, or point AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE elsewhere.");
    }
  }

  /** Rotation settings: the function's environment variables, with this command's Region. */
  Settings settings() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(Settings.REGION, resolvedRegion());
    return Settings.from(env);
  }

  AwsClients.Options clientOptions() {
    profileFile();
    requireProfile();
    AwsCredentialsProvider credentials =
        profileName()
            .<AwsCredentialsProvider>map(ProfileCredentialsProvider::create)
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    return new AwsClients.Options(credentials, endpoint(), List.of());
  }

  AwsClients clients(Settings settings) {
    return AwsClients.create(settings, clientOptions());
  }

  /**
   * A CloudWatch Logs client with the same Region, credentials and endpoint; the caller closes it.
   */
  CloudWatchLogsClient logs(Settings settings) {
    AwsClients.Options options = clientOptions();
    return CloudWatchLogsClient.builder()
        .region(Region.of(settings.region()))
        .credentialsProvider(options.credentials())
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .applyMutation(b -> options.endpoint().ifPresent(b::endpointOverride))
        .build();
  }

  /** Where the commands connect and as whom, for error messages: "http://… (profile ci)". */
  String target() {
    String where = endpoint().map(URI::toString).orElse("AWS");
    return where + profileName().map(p -> " (profile " + p + ")").orElse("");
  }
}
