package io.keyrotator.aws;

import io.keyrotator.ports.KeyProbe;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * {@link KeyProbe} that signs STS GetCallerIdentity with the key under test. The call needs no
 * permission, so it proves that the key authenticates and nothing else. No SDK retries: the caller
 * decides how to wait.
 */
public final class SdkKeyProbe implements KeyProbe {
  private static final Set<String> REJECTIONS =
      Set.of(
          "InvalidClientTokenId",
          "SignatureDoesNotMatch",
          "UnrecognizedClientException",
          "AuthFailure",
          "InvalidAccessKeyId");

  private final SdkHttpClient http;
  private final Region region;
  private final Optional<URI> endpoint;
  private final List<ExecutionInterceptor> interceptors;

  SdkKeyProbe(
      SdkHttpClient http,
      Region region,
      Optional<URI> endpoint,
      List<ExecutionInterceptor> interceptors) {
    this.http = http;
    this.region = region;
    this.endpoint = endpoint;
    this.interceptors = interceptors;
  }

  @Override
  public CallerIdentity callerIdentity(String accessKeyId, String secretAccessKey) {
    try (StsClient sts =
        StsClient.builder()
            .region(region)
            .httpClient(http)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
            .overrideConfiguration(
                o ->
                    o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .executionInterceptors(interceptors))
            .applyMutation(b -> endpoint.ifPresent(b::endpointOverride))
            .build()) {
      GetCallerIdentityResponse identity = sts.getCallerIdentity();
      return new CallerIdentity(identity.arn(), identity.userId());
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
      if ((code != null && REJECTIONS.contains(code)) || e.statusCode() == 403) {
        throw new KeyRejectedException(
            (code == null ? "rejected" : code) + " (HTTP " + e.statusCode() + ")", null);
      }
      throw e;
    }
  }
}
