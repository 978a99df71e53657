package io.keyrotator.infra.constructs;

import io.keyrotator.contract.MetricNames;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.constructs.Construct;

/**
 * The hygiene function's alarms, each notifying the topic: one on its {@code Errors} (a failed,
 * timed-out or crashed run; see {@link HygieneFunction} for why this and not an on-failure
 * destination) and one on each finding count that should stay zero ({@link
 * HygieneFunction#ALARMED_METRICS}).
 */
public final class HygieneAlarms extends Construct {
  private final Alarm errorsAlarm;
  private final Map<String, Alarm> findingAlarms = new LinkedHashMap<>();

  /**
   * Props: the {@link HygieneFunction} to watch and the topic (both required), and the period of
   * every alarm, 1 minute to 1 day; default one day (the job runs daily).
   */
  public static ImmutableFunctionAlarmsProps.Builder<HygieneFunction> props() {
    return ImmutableFunctionAlarmsProps.<HygieneFunction>builder().period(Duration.days(1));
  }

  public HygieneAlarms(Construct scope, String id, FunctionAlarmsProps<HygieneFunction> props) {
    super(scope, id);
    HygieneFunction hygiene = props.function();
    errorsAlarm =
        alarm(
            "ErrorsAlarm",
            hygiene.metricErrors(props.period()),
            "keyrotator: the hygiene function failed (error, timeout or crash), so previous keys"
                + " were not retired and no audit report was sent. Read its log group "
                + hygiene.getLogGroupName()
                + ". See docs/deploy.md, section Alarms.");
    for (String name : HygieneFunction.ALARMED_METRICS) {
      findingAlarms.put(
          name,
          alarm(
              name + "Alarm",
              hygiene.metricFinding(name, props.period()),
              "keyrotator hygiene: "
                  + name
                  + " above zero (metric "
                  + MetricNames.NAMESPACE
                  + "/"
                  + name
                  + ", "
                  + MetricNames.JOB_DIMENSION
                  + "="
                  + MetricNames.HYGIENE_JOB
                  + "). The hygiene report names each case. See docs/deploy.md, section"
                  + " Alarms."));
    }
    SnsAction notify = new SnsAction(props.topic());
    errorsAlarm.addAlarmAction(notify);
    findingAlarms.values().forEach(alarm -> alarm.addAlarmAction(notify));
  }

  /** An alarm on any count above zero in one period; no data is no failure. */
  private Alarm alarm(String id, Metric metric, String description) {
    return Alarm.Builder.create(this, id)
        .alarmDescription(description)
        .metric(metric)
        .threshold(0)
        .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
        .evaluationPeriods(1)
        .treatMissingData(TreatMissingData.NOT_BREACHING)
        .build();
  }

  /** The alarm on the function's Errors metric. */
  public Alarm getErrorsAlarm() {
    return errorsAlarm;
  }

  /** The alarm of each finding metric, by metric name. */
  public Map<String, Alarm> getFindingAlarms() {
    return Map.copyOf(findingAlarms);
  }
}
