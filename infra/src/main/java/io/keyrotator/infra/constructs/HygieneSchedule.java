package io.keyrotator.infra.constructs;

import org.immutables.value.Value;
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
@Value.Enclosing
public final class HygieneSchedule extends Construct {
  private final Rule rule;

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableHygieneSchedule.Props.Builder {}

    /** The hygiene function; required. */
    IFunction function();

    /**
     * When the job runs, an EventBridge {@code rate(...)} or {@code cron(...)} expression in UTC;
     * default {@code cron(0 6 * * ? *)}, daily at 06:00 UTC.
     */
    @Value.Default
    default String expression() {
      return "cron(0 6 * * ? *)";
    }

    /** Default true; false keeps the rule but leaves it disabled. */
    @Value.Default
    default boolean enabled() {
      return true;
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
