package io.keyrotator.infra.constructs;

import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.constructs.Construct;

/**
 * Placeholder for the hygiene job's schedule: a disabled EventBridge schedule rule with no target.
 * The issue that adds the hygiene function fills it in (target and {@code enabled}); until then it
 * does nothing and costs nothing.
 */
public final class HygieneSchedule extends Construct {
  private final Rule rule;

  /**
   * Options.
   *
   * @param expression when the hygiene job will run; default {@code rate(1 day)}
   */
  public record Props(String expression) {
    public static Builder builder() {
      return new Builder();
    }

    /** Builder with the documented default. */
    public static final class Builder {
      private String expression = "rate(1 day)";

      public Builder expression(String value) {
        expression = value;
        return this;
      }

      public Props build() {
        return new Props(expression);
      }
    }
  }

  public HygieneSchedule(Construct scope, String id, Props props) {
    super(scope, id);
    rule =
        Rule.Builder.create(this, "Rule")
            .description("keyrotator hygiene job schedule: placeholder, filled in by the hygiene issue")
            .schedule(Schedule.expression(props.expression()))
            .enabled(false)
            .build();
  }

  /** The rule. */
  public Rule getRule() {
    return rule;
  }
}
