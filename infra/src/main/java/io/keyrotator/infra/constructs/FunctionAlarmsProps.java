package io.keyrotator.infra.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * What a function's alarms ({@link RotationAlarms}, {@link HygieneAlarms}) are given alike: which
 * function they watch, where they notify, and their period. Each alarms construct's props extend
 * this interface and state their own default period.
 *
 * @param <F> the function construct
 */
public interface FunctionAlarmsProps<F> {
  /** The function whose metrics the alarms watch; required. */
  F function();

  /** Where the alarms notify; required. */
  ITopic topic();

  /** The period of every alarm, 1 minute to 1 day; default per alarms construct. */
  Duration period();

  /**
   * The check of the shared attributes, for each alarms construct's {@code @Value.Check}.
   *
   * @param construct the alarms construct, for the message
   * @throws IllegalArgumentException "&lt;Construct&gt;: period (s) ..." for a period outside 1
   *     minute to 1 day
   */
  default void checkPeriod(String construct) {
    PropsCheck.inRange(construct, "period (s)", period().toSeconds().longValue(), 60, 86_400);
  }
}
