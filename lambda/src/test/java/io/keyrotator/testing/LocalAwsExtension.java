package io.keyrotator.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Each test on a freshly reset moto account: before each test, fills the test's instance fields of
 * type {@link LocalAws} (from {@link LocalAws#fresh()}), {@link MutableClock} (standing at now) and
 * {@link LocalJobs} (on that account and clock); after it, closes the account's clients. The
 * class's own {@code @BeforeEach} methods run after the fields are filled, its {@code @AfterEach}
 * methods before the clients close.
 *
 * <pre>{@code
 * @ExtendWith(LocalAwsExtension.class)
 * class RotationIT {
 *   private LocalAws aws;
 *   ...
 * }
 * }</pre>
 *
 * <p>Tests built by a {@code @TestFactory} share one instance, so they call {@link
 * LocalAws#fresh()} per dynamic test themselves.
 */
public final class LocalAwsExtension implements BeforeEachCallback, AfterEachCallback {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(LocalAwsExtension.class);

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    LocalAws aws = LocalAws.fresh();
    context.getStore(NAMESPACE).put(LocalAws.class, aws);
    MutableClock clock = new MutableClock(Instant.now());
    Map<Class<?>, Object> fixtures =
        Map.of(
            LocalAws.class,
            aws,
            MutableClock.class,
            clock,
            LocalJobs.class,
            new LocalJobs(aws, clock));
    Object test = context.getRequiredTestInstance();
    for (Field field : test.getClass().getDeclaredFields()) {
      Object fixture = fixtures.get(field.getType());
      if (fixture != null && !Modifier.isStatic(field.getModifiers())) {
        field.setAccessible(true);
        field.set(test, fixture);
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    context.getStore(NAMESPACE).remove(LocalAws.class, LocalAws.class).close();
  }
}
