package io.keyrotator.infra.constructs;

import org.immutables.value.Value;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * The props of a function's alarms ({@link RotationAlarms}, {@link HygieneAlarms}): which function
 * they watch, where they notify, and their period. Each alarms construct's {@code props()} gives a
 * builder with its own default period set.
 *
 * @param <F> the function construct
 */
@Value.Immutable
public interface FunctionAlarmsProps<F> {
  /** The function whose metrics the alarms watch; required. */
  F function();

  /** Where the alarms notify; required. */
  ITopic topic();

  /**
   * The period of every alarm, 1 minute to 1 day; default the alarms construct's, set by its {@code
   * props()}.
   */
  Duration period();

  /**
   * @throws IllegalArgumentException "FunctionAlarmsProps: period (s) ..." outside 1 minute to 1
   *     day
   */
  @Value.Check
  default void check() {
    PropsCheck.inRange(
        "FunctionAlarmsProps", "period (s)", period().toSeconds().longValue(), 60, 86_400);
  }
}
