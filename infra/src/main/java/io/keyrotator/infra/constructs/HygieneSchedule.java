package io.keyrotator.infra.constructs;

import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.LambdaFunctionProps;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The EventBridge schedule rule that runs the hygiene function. It invokes the function
 * asynchronously with the scheduled event, whose content the function ignores; the function's
 * result then travels through its on-success destination (see {@link HygieneFunction}).
 */
public final class HygieneSchedule extends Construct {
  private final Rule rule;

  /**
   * Options.
   *
   * @param function the hygiene function (required)
   * @param expression when the job runs, an EventBridge {@code rate(...)} or {@code cron(...)}
   *     expression in UTC; default {@code cron(0 6 * * ? *)}, daily at 06:00 UTC
   * @param enabled default true; false keeps the rule but leaves it disabled
   */
  public record Props(IFunction function, String expression, boolean enabled) {
    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented defaults. */
    public static final class Builder {
      private IFunction function;
      private String expression = "cron(0 6 * * ? *)";
      private boolean enabled = true;

      public Builder function(IFunction value) {
        function = value;
        return this;
      }

      public Builder expression(String value) {
        expression = value;
        return this;
      }

      public Builder enabled(boolean value) {
        enabled = value;
        return this;
      }

      public Props build() {
        if (function == null) {
          throw new IllegalArgumentException("HygieneSchedule: function is required");
        }
        return new Props(function, expression, enabled);
      }
    }
  }

  public HygieneSchedule(Construct scope, String id, Props props) {
    super(scope, id);
    rule =
        Rule.Builder.create(this, "Rule")
            .description("keyrotator: runs the hygiene function (key retirement and audit)")
            .schedule(Schedule.expression(props.expression()))
            .enabled(props.enabled())
            .build();
    // Should Lambda refuse the invocation for over an hour, the next scheduled run does the work.
    rule.addTarget(
        new LambdaFunction(
            props.function(),
            LambdaFunctionProps.builder().retryAttempts(2).maxEventAge(Duration.hours(1)).build()));
  }

  /** The rule. */
  public Rule getRule() {
    return rule;
  }
}
