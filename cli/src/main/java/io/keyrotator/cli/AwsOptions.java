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
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

/**
 * The standard AWS options every command takes. Without them the SDK's usual chain applies: {@code
 * AWS_PROFILE}, {@code AWS_REGION}, {@code AWS_ENDPOINT_URL}, ~/.aws/config.
 */
final class AwsOptions {
  @Option(
      names = "--region",
      description = "AWS Region (default: AWS_REGION or the profile's region).")
  String region;

  @Option(
      names = "--profile",
      description = "Named profile from ~/.aws/config (default: AWS_PROFILE or default).")
  String profile;

  @Option(
      names = "--endpoint",
      description =
          "Endpoint of a local AWS emulator, e.g. http://127.0.0.1:5000 (default: AWS_ENDPOINT_URL).")
  URI endpoint;

  /** Whether the commands talk to an emulator rather than AWS (then rotations run in-process). */
  boolean emulator() {
    return endpoint != null || System.getenv("AWS_ENDPOINT_URL") != null;
  }

  String resolvedRegion() {
    if (region != null) {
      return region;
    }
    software.amazon.awssdk.regions.Region found = null;
    try {
      found =
          profile != null
              ? new AwsProfileRegionProvider(null, profile).getRegion()
              : DefaultAwsRegionProviderChain.builder().build().getRegion();
    } catch (SdkClientException e) {
      found = null;
    }
    if (found == null) {
      throw new CliFailure(
          ExitCodes.AWS_ERROR,
          "no AWS Region configured: pass --region, set AWS_REGION, or set a region in your profile.");
    }
    return found.id();
  }

  /** Rotation settings: the function's environment variables, with this command's Region. */
  Settings settings() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(Settings.REGION, resolvedRegion());
    return Settings.from(env);
  }

  AwsClients.Options clientOptions() {
    AwsCredentialsProvider credentials =
        profile != null
            ? ProfileCredentialsProvider.create(profile)
            : DefaultCredentialsProvider.builder().build();
    return new AwsClients.Options(credentials, Optional.ofNullable(endpoint), List.of());
  }

  AwsClients clients(Settings settings) {
    return AwsClients.create(settings, clientOptions());
  }
}
