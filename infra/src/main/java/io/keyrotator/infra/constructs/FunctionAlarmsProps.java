package io.keyrotator.infra.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.sns.ITopic;

/**
 * The props of a function's alarms ({@link RotationAlarms}, {@link HygieneAlarms}): which function
 * they watch, where they notify, and their period, whose default each alarms construct states.
 *
 * @param function the function whose metrics the alarms watch (required)
 * @param topic where the alarms notify (required)
 * @param period the period of every alarm, 1 minute to 1 day
 * @param <F> the function construct
 */
public record FunctionAlarmsProps<F>(F function, ITopic topic, Duration period) {

  /**
   * A builder for the alarms construct {@code construct}, whose period defaults to {@code
   * defaultPeriod}.
   */
  static <F> Builder<F> builder(String construct, Duration defaultPeriod) {
    return new Builder<>(construct, defaultPeriod);
  }

  /** Builder with the alarms construct's default period. */
  public static final class Builder<F> {
    private final String construct;
    private F function;
    private ITopic topic;
    private Duration period;

    private Builder(String construct, Duration defaultPeriod) {
      this.construct = construct;
      this.period = defaultPeriod;
    }

    public Builder<F> function(F value) {
      function = value;
      return this;
    }

    public Builder<F> topic(ITopic value) {
      topic = value;
      return this;
    }

    public Builder<F> period(Duration value) {
      period = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException "&lt;Construct&gt;: field ..." for a missing function or
     *     topic or a period outside 1 minute to 1 day
     */
    public FunctionAlarmsProps<F> build() {
      PropsCheck.required(construct, "period", period);
      PropsCheck.inRange(construct, "period (s)", period.toSeconds().longValue(), 60, 86_400);
      return new FunctionAlarmsProps<>(
          PropsCheck.required(construct, "function", function),
          PropsCheck.required(construct, "topic", topic),
          period);
    }
  }
}
