package io.keyrotator.testing;

import io.keyrotator.aws.AwsClients;
import io.keyrotator.config.Settings;
import io.keyrotator.lambda.RotationHandler;
import io.keyrotator.localaws.MotoServer;
import io.keyrotator.observability.StructuredLog;
import io.keyrotator.ownership.ManagedKeySecret;
import io.keyrotator.ports.SecretVersions;
import io.keyrotator.rotation.RotationRequest;
import io.keyrotator.rotation.RotationStep;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A freshly reset moto server with plain SDK clients for arranging and inspecting state, and the
 * real rotation handler wired to it. Rotations are started the way Secrets Manager starts them:
 * RotateSecret registers the AWSPENDING version, then the handler runs each step with its token.
 */
public final class LocalAws implements AutoCloseable {
  /** When each rotation {@link #startRotation} started had its version registered. */
  private final Map<String, Instant> rotationsStarted = new ConcurrentHashMap<>();

  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "123456789012";

  /** The secret holding keyrotator's evidence seal key here; the test settings name it. */
  public static final String SEAL_SECRET = "keyrotator-seal";

  /** Its value, as the CDK app would generate it. */
  public static final String SEAL_KEY =
      "local-seal-key-0123456789abcdef0123456789abcdef0123456789abcdef";

  public static final String ROTATION_FUNCTION =
      "arn:aws:lambda:" + REGION + ":" + ACCOUNT + ":function:keyrotator-rotation";

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));

  public final MotoServer moto;
  public final IamClient iam;
  public final SecretsManagerClient secretsManager;

  /** Every line the handlers built here logged. */
  public final List<String> logLines = Collections.synchronizedList(new ArrayList<>());

  private LocalAws(MotoServer moto) {
    this.moto = moto;
    this.iam =
        IamClient.builder()
            .region(Region.AWS_GLOBAL)
            .endpointOverride(moto.endpoint())
            .credentialsProvider(CREDENTIALS)
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build();
    this.secretsManager =
        SecretsManagerClient.builder()
            .region(Region.of(REGION))
            .endpointOverride(moto.endpoint())
            .credentialsProvider(CREDENTIALS)
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build();
  }

  /** The shared moto server, reset to an empty account with the rotation function registered. */
  public static LocalAws fresh() {
    MotoServer moto = MotoServer.shared();
    moto.reset();
    LocalAws aws = new LocalAws(moto);
    aws.registerRotationFunction();
    aws.secretsManager.createSecret(r -> r.name(SEAL_SECRET).secretString(SEAL_KEY));
    return aws;
  }

  /** Settings for tests: defaults, with short propagation pauses (moto needs none). */
  public static Map<String, String> testEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put(Settings.REGION, REGION);
    env.put(Settings.PROPAGATION_INTERVAL_MILLIS, "20");
    env.put(Settings.PROPAGATION_TIMEOUT_SECONDS, "5");
    env.put(Settings.SEAL_SECRET, SEAL_SECRET);
    return env;
  }

  public Settings settings(Map<String, String> overrides) {
    Map<String, String> env = testEnvironment();
    env.putAll(overrides);
    return Settings.from(env);
  }

  /** How code under test reaches moto, with extra SDK interceptors if given. */
  public AwsClients.Options options(ExecutionInterceptor... interceptors) {
    List<ExecutionInterceptor> all = new ArrayList<>();
    all.add(new VersionCreationDates(rotationsStarted));
    all.addAll(List.of(interceptors));
    return new AwsClients.Options(CREDENTIALS, Optional.of(moto.endpoint()), List.copyOf(all));
  }

  /** A log that collects its lines in {@link #logLines}. */
  public StructuredLog log() {
    return StructuredLog.to(logLines::add, Clock.systemUTC());
  }

  /** The real handler, talking to moto over HTTP, with extra SDK interceptors if given. */
  public RotationHandler handler(Settings settings, ExecutionInterceptor... interceptors) {
    return new RotationHandler(settings, options(interceptors), log());
  }

  /** The real handler whose steps judge their records by {@code clock}. */
  public RotationHandler handler(
      Settings settings, Clock clock, ExecutionInterceptor... interceptors) {
    return new RotationHandler(settings, options(interceptors), log(), clock);
  }

  /** The production client factory pointed at moto, with extra SDK interceptors if given. */
  public AwsClients clients(Settings settings, ExecutionInterceptor... interceptors) {
    return AwsClients.create(settings, options(interceptors));
  }

  public RotationHandler handler() {
    return handler(settings(Map.of()));
  }

  /**
   * An account password policy that passes every password-policy check the audit makes, so that
   * only what a test arranges shows up as a finding.
   */
  public void requireStrongPasswords() {
    iam.updateAccountPasswordPolicy(
        p ->
            p.minimumPasswordLength(14)
                .requireUppercaseCharacters(true)
                .requireLowercaseCharacters(true)
                .requireNumbers(true)
                .requireSymbols(true)
                .passwordReusePrevention(24)
                .maxPasswordAge(90));
  }

  /** Creates a user under /keyrotator/ (managed by default settings). */
  public void createManagedUser(String name) {
    iam.createUser(r -> r.userName(name).path("/keyrotator/"));
  }

  public void createUser(String name, String path, Tag... tags) {
    iam.createUser(r -> r.userName(name).path(path).tags(tags));
  }

  /**
   * Creates a secret holding the given JSON as keyrotator's deployment would: tagged
   * keyrotator:user with the value's user (no rotation configured yet).
   */
  public String createSecret(String name, String json) {
    String user = ManagedKeySecret.parse(json, "test value").userName();
    return createSecret(name, json, user);
  }

  /** As {@link #createSecret(String, String)}, tagged for {@code taggedUser}. */
  public String createSecret(String name, String json, String taggedUser) {
    return secretsManager
        .createSecret(
            r ->
                r.name(name)
                    .secretString(json)
                    .tags(secretTag(SecretVersions.USER_TAG, taggedUser)))
        .arn();
  }

  /** A secret someone made by hand: untagged, encrypted with the AWS managed key. */
  public String createForeignSecret(String name, String json) {
    return secretsManager.createSecret(r -> r.name(name).secretString(json)).arn();
  }

  /** A bootstrap secret {"UserName": user} for the user. */
  public String createBootstrapSecret(String name, String user) {
    return createSecret(name, "{\"UserName\":\"" + user + "\"}");
  }

  /**
   * What Secrets Manager does when a rotation starts: turns rotation on and registers a new version
   * with the AWSPENDING label and no value. Returns its id, the token of every step.
   */
  /** A Secrets Manager tag, as a request object (no generic varargs lambdas). */
  public static software.amazon.awssdk.services.secretsmanager.model.Tag secretTag(
      String key, String value) {
    return software.amazon.awssdk.services.secretsmanager.model.Tag.builder()
        .key(key)
        .value(value)
        .build();
  }

  /** An IAM user tag, as a request object (no generic varargs lambdas). */
  public static software.amazon.awssdk.services.iam.model.Tag userTag(String key, String value) {
    return software.amazon.awssdk.services.iam.model.Tag.builder().key(key).value(value).build();
  }

  /**
   * Waits until the wall clock has entered the next second. IAM dates keys to the second, and a
   * never-used key that nothing names and that is dated in or after the second a rotation began is
   * taken for that rotation's possibly lost key (see KeyOwnership): a test that makes a key by hand
   * "before" a rotation calls this in between, as any real operator's key is older by far.
   */
  public static void waitForTheNextSecond() {
    sleep(Duration.ofMillis(1000 - System.currentTimeMillis() % 1000 + 5));
  }

  /**
   * Sleeps on the wall clock: for what moto dates by it (key use, key and version creation), which
   * a test's {@code MutableClock} does not move.
   */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** RotateSecret, as Secrets Manager's schedule starts a rotation; returns the rotation token. */
  public String startRotation(String secretId) {
    Instant registered = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    String token =
        secretsManager
            .rotateSecret(
                r ->
                    r.secretId(secretId)
                        .rotationLambdaARN(ROTATION_FUNCTION)
                        .rotationRules(rules -> rules.automaticallyAfterDays(30L)))
            .versionId();
    rotationsStarted.put(token, registered);
    return token;
  }

  /**
   * A managed user and a bootstrap secret for it (as {@link #createBootstrapSecret}), rotated once
   * with the handler; returns the secret's ARN.
   */
  public String rotatedOnce(String user, String secretName, RotationHandler handler) {
    createManagedUser(user);
    String secret = createBootstrapSecret(secretName, user);
    rotate(handler, secret);
    return secret;
  }

  /** Starts a rotation and runs the four steps with the handler, as Secrets Manager would. */
  public String rotate(RotationHandler handler, String secretId) {
    return rotateUpTo(handler, secretId, RotationStep.FINISH_SECRET);
  }

  /**
   * Starts a rotation and runs its steps with the handler up to and including {@code last}, as a
   * run that stopped there; returns the token.
   */
  public String rotateUpTo(RotationHandler handler, String secretId, RotationStep last) {
    String token = startRotation(secretId);
    for (RotationStep step : RotationStep.values()) {
      if (step.compareTo(last) <= 0) {
        runStep(handler, step, secretId, token);
      }
    }
    return token;
  }

  public static void runSteps(RotationHandler handler, String secretId, String token) {
    for (RotationStep step : RotationStep.values()) {
      runStep(handler, step, secretId, token);
    }
  }

  public static void runStep(
      RotationHandler handler, RotationStep step, String secretId, String token) {
    handler.handle(
        new RotationRequest(step, secretId, token, Optional.empty()), Duration.ofMinutes(1));
  }

  /** Signs STS GetCallerIdentity with the key, as a consumer would use it; returns the ARN. */
  public String callerArn(String accessKeyId, String secretAccessKey) {
    try (software.amazon.awssdk.services.sts.StsClient sts =
        software.amazon.awssdk.services.sts.StsClient.builder()
            .region(Region.of(REGION))
            .endpointOverride(moto.endpoint())
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(accessKeyId, secretAccessKey)))
            .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
            .build()) {
      return sts.getCallerIdentity().arn();
    }
  }

  /** The access key id in the secret's value under the stage. */
  public String keyIn(String secretId, String stage) {
    return ManagedKeySecret.parse(value(secretId, stage), stage).accessKeyId().orElseThrow();
  }

  /** The key's status on the user, or null when the user has no such key. */
  public software.amazon.awssdk.services.iam.model.StatusType keyStatus(String user, String keyId) {
    return keys(user).stream()
        .filter(k -> k.accessKeyId().equals(keyId))
        .findFirst()
        .map(AccessKeyMetadata::status)
        .orElse(null);
  }

  public List<AccessKeyMetadata> keys(String user) {
    return iam.listAccessKeys(r -> r.userName(user)).accessKeyMetadata();
  }

  public String value(String secretId, String stage) {
    return secretsManager
        .getSecretValue(r -> r.secretId(secretId).versionStage(stage))
        .secretString();
  }

  public Map<String, List<String>> stages(String secretId) {
    return secretsManager.describeSecret(r -> r.secretId(secretId)).versionIdsToStages();
  }

  /** Registers a placeholder for the rotation function so that RotateSecret accepts its ARN. */
  private void registerRotationFunction() {
    String role =
        iam.createRole(
                r ->
                    r.roleName("keyrotator-rotation")
                        .assumeRolePolicyDocument("{\"Version\":\"2012-10-17\",\"Statement\":[]}"))
            .role()
            .arn();
    moto.registerPlaceholderFunction("keyrotator-rotation", REGION, role);
  }

  @Override
  public void close() {
    iam.close();
    secretsManager.close();
  }
}
