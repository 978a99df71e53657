package io.keyrotator.aws;

import io.keyrotator.config.AuditSettings;
import io.keyrotator.config.Settings;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds every AWS client once per container (or CLI run), sharing one small HTTP client.
 *
 * <p>Endpoints come from the SDK's standard configuration ({@code AWS_ENDPOINT_URL} and friends),
 * so the unchanged jar runs against a local emulator; tests may pass an endpoint explicitly.
 */
public final class AwsClients implements AutoCloseable {
  private final Settings settings;
  private final Options options;
  private final SdkHttpClient http;
  private IamClient iam;
  private SecretsManagerClient secretsManager;
  private SdkKeyProbe keyProbe;

  private AwsClients(Settings settings, Options options, SdkHttpClient http) {
    this.settings = settings;
    this.options = options;
    this.http = http;
  }

  /** The IAM client, built on first use (the CLI's credentials command never needs it). */
  public synchronized IamClient iam() {
    if (iam == null) {
      iam = configured(IamClient.builder(), iamRegion(Region.of(settings.region()))).build();
    }
    return iam;
  }

  /** A client builder with everything the clients share: HTTP, credentials, retries, endpoint. */
  private <B extends AwsSyncClientBuilder<B, ?> & AwsClientBuilder<B, ?>> B configured(
      B builder, Region region) {
    builder
        .region(region)
        .credentialsProvider(options.credentials())
        .overrideConfiguration(overrides(settings, options.interceptors()))
        .httpClient(http);
    options.endpoint().ifPresent(builder::endpointOverride);
    return builder;
  }

  /** The Secrets Manager client, built on first use. */
  public synchronized SecretsManagerClient secretsManager() {
    if (secretsManager == null) {
      secretsManager =
          configured(SecretsManagerClient.builder(), Region.of(settings.region())).build();
    }
    return secretsManager;
  }

  /**
   * How to reach AWS beyond the settings.
   *
   * @param credentials who calls AWS
   * @param endpoint an explicit endpoint for every service (tests); empty uses the SDK's
   *     configuration chain
   * @param interceptors extra SDK interceptors, e.g. to count or fail calls in tests
   */
  public record Options(
      AwsCredentialsProvider credentials,
      Optional<URI> endpoint,
      List<ExecutionInterceptor> interceptors) {

    /**
     * In Lambda: the execution role's credentials, from the environment variables, or, when the
     * function runs with SnapStart (where those variables are absent), from the container
     * credentials endpoint the Java runtime provides. Elsewhere: the SDK's default chain.
     */
    public static Options standard() {
      AwsCredentialsProvider credentials =
          System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null
              ? AwsCredentialsProviderChain.builder()
                  .credentialsProviders(
                      EnvironmentVariableCredentialsProvider.create(),
                      ContainerCredentialsProvider.builder().build())
                  .build()
              : DefaultCredentialsProvider.builder().build();
      return new Options(credentials, Optional.empty(), List.of());
    }
  }

  public static AwsClients create(Settings settings, Options options) {
    return new AwsClients(settings, options, UrlConnectionHttpClient.builder().build());
  }

  /**
   * Loads and initialises the classes a rotation step uses, before a SnapStart snapshot is taken,
   * without reaching AWS: clients built like the real ones (same Region, retry mode, timeouts) but
   * on an HTTP client that answers every request itself ({@link PrimingHttpClient}) and with
   * made-up credentials, run every operation the steps call once, through the same adapters.
   * Nothing of it is kept: the clients are closed, and no connection, credential or secret value is
   * left in the snapshot. Failures are ignored: priming only saves time, it must never stop a
   * start.
   *
   * @return how many AWS requests were answered locally (one per operation primed)
   * @see <a href="https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-java.html">
   *     Lambda SnapStart runtime hooks for Java</a>
   */
  public static int prime(Settings settings) {
    PrimingHttpClient http = new PrimingHttpClient();
    Options options =
        new Options(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIAKEYROTATORPRIMING", "priming-not-a-secret")),
            Optional.empty(),
            List.of());
    try (AwsClients priming = new AwsClients(settings, options, http)) {
      SdkSecretVersions secrets = priming.secretVersions();
      SdkIamKeys iam = priming.iamKeys();
      String secret = "keyrotator-priming";
      List<Runnable> operations =
          List.of(
              () -> secrets.describe(secret),
              () -> secrets.value(secret, Optional.of("priming"), "AWSPENDING"),
              () -> secrets.taggedSecrets(),
              () -> secrets.putPending(secret, "priming", "{}"),
              () -> secrets.moveCurrent(secret, "priming", "earlier"),
              () -> secrets.tagSecret(secret, "keyrotator:priming", "priming"),
              () -> secrets.untagSecret(secret, "keyrotator:priming"),
              () -> iam.findUser("priming"),
              () -> iam.listKeys("priming"),
              () -> iam.tagUser("priming", "keyrotator:priming", "priming"),
              () -> priming.keyProbe().callerArn("AKIAKEYROTATORPRIMING", "priming-not-a-secret"));
      for (Runnable operation : operations) {
        try {
          operation.run();
        } catch (RuntimeException ignored) {
          // A canned answer the adapter does not accept still loaded the classes on its way.
        }
      }
    }
    return http.requests();
  }

  public SdkIamKeys iamKeys() {
    return new SdkIamKeys(iam());
  }

  public SdkSecretVersions secretVersions() {
    return new SdkSecretVersions(secretsManager());
  }

  /** The account-wide IAM data for the compliance audit. */
  public SdkAccountCredentials accountCredentials(AuditSettings audit) {
    return new SdkAccountCredentials(iam(), audit.reportWait(), audit.reportPollInterval());
  }

  public synchronized SdkKeyProbe keyProbe() {
    if (keyProbe == null) {
      keyProbe =
          new SdkKeyProbe(
              http, Region.of(settings.region()), options.endpoint(), options.interceptors());
    }
    return keyProbe;
  }

  private static ClientOverrideConfiguration overrides(
      Settings settings, List<ExecutionInterceptor> interceptors) {
    return ClientOverrideConfiguration.builder()
        .retryStrategy(
            settings.retryMode() == io.keyrotator.contract.RetryMode.ADAPTIVE
                ? RetryMode.ADAPTIVE_V2
                : RetryMode.STANDARD)
        .apiCallTimeout(settings.apiCallTimeout())
        .executionInterceptors(interceptors)
        .build();
  }

  /** IAM is global: its endpoint lives in the partition's global region. */
  static Region iamRegion(Region region) {
    String id = region.id();
    if (id.startsWith("cn-")) {
      return Region.AWS_CN_GLOBAL;
    }
    if (id.startsWith("us-gov-")) {
      return Region.AWS_US_GOV_GLOBAL;
    }
    if (id.startsWith("us-iso-")) {
      return Region.AWS_ISO_GLOBAL;
    }
    if (id.startsWith("us-isob-")) {
      return Region.AWS_ISO_B_GLOBAL;
    }
    return Region.AWS_GLOBAL;
  }

  @Override
  public synchronized void close() {
    if (iam != null) {
      iam.close();
    }
    if (secretsManager != null) {
      secretsManager.close();
    }
    http.close();
  }
}
