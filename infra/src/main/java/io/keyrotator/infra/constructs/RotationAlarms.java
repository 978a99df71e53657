package io.keyrotator.infra.constructs;

import io.keyrotator.contract.MetricNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.constructs.Construct;

/**
 * The rotation function's alarm: any failed step ({@link RotationFunction#metricStepFailed} summed
 * over every step of {@link MetricNames#ROTATION_STEPS}) notifies the topic.
 */
public final class RotationAlarms extends Construct {
  private final Alarm stepFailedAlarm;

  /**
   * Props: the {@link RotationFunction} to watch and the topic (both required), and the period of
   * every alarm, 1 minute to 1 day; default 5 minutes.
   */
  public static ImmutableFunctionAlarmsProps.Builder<RotationFunction> props() {
    return ImmutableFunctionAlarmsProps.<RotationFunction>builder().period(Duration.minutes(5));
  }

  public RotationAlarms(Construct scope, String id, FunctionAlarmsProps<RotationFunction> props) {
    super(scope, id);
    List<String> steps = MetricNames.ROTATION_STEPS;
    Map<String, IMetric> usingMetrics = new LinkedHashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      usingMetrics.put("m" + i, props.function().metricStepFailed(steps.get(i), props.period()));
    }
    stepFailedAlarm =
        Alarm.Builder.create(this, "StepFailedAlarm")
            .alarmDescription(
                "keyrotator: a rotation step failed (metric "
                    + MetricNames.NAMESPACE
                    + "/"
                    + MetricNames.STEP_FAILED
                    + ", any "
                    + MetricNames.STEP_DIMENSION
                    + "). Read the log group "
                    + props.function().getLogGroupName()
                    + ". See docs/deploy.md, section Alarms.")
            .metric(
                MathExpression.Builder.create()
                    .expression(String.join(" + ", usingMetrics.keySet()))
                    .usingMetrics(usingMetrics)
                    .label(MetricNames.STEP_FAILED + ", all steps")
                    .period(props.period())
                    .build())
            .threshold(1)
            .evaluationPeriods(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    stepFailedAlarm.addAlarmAction(new SnsAction(props.topic()));
  }

  /** The alarm on failed steps. */
  public Alarm getStepFailedAlarm() {
    return stepFailedAlarm;
  }
}
