package io.keyrotator.infra.constructs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.immutables.value.Value;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.CreateAlarmOptions;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.logs.FilterPattern;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.logs.MetricFilter;
import software.amazon.awscdk.services.sns.ITopic;
import software.constructs.Construct;

/**
 * Metric filters on a CloudTrail log group with one alarm each, notifying the topic when the
 * pattern matches at least once in five minutes. By default: CIS CloudWatch.1 to .14 and the
 * Organizations-changes filter ({@link CisPatterns}); callers add their own with {@code extra}.
 */
@Value.Enclosing
public final class CloudTrailAlarms extends Construct {
  private final Map<String, Alarm> alarms = new LinkedHashMap<>();

  /** Options. */
  @Value.Immutable
  public interface Props {
    /** A builder with the defaults stated on each attribute. */
    class Builder extends ImmutableCloudTrailAlarms.Props.Builder {}

    /** The log group a multi-Region trail delivers to; required. */
    ILogGroup logGroup();

    /** Where alarms notify; required. */
    ITopic topic();

    /** The CIS set; default true. */
    @Value.Default
    default boolean includeCis() {
      return true;
    }

    /** Further filters, e.g. keyrotator's own; default none. */
    List<AlarmDefinition> extra();

    /** Default {@code keyrotator/CloudTrail}. */
    @Value.Default
    default String metricNamespace() {
      return "keyrotator/CloudTrail";
    }
  }

  public CloudTrailAlarms(Construct scope, String id, Props props) {
    super(scope, id);
    List<AlarmDefinition> definitions = new ArrayList<>();
    if (props.includeCis()) {
      definitions.addAll(CisPatterns.all());
    }
    definitions.addAll(props.extra());
    SnsAction notify = new SnsAction(props.topic());
    for (AlarmDefinition definition : definitions) {
      if (definition.filterPattern().length() > 1024) {
        throw new IllegalArgumentException(
            "CloudTrailAlarms: the filter pattern of "
                + definition.metricName()
                + " is "
                + definition.filterPattern().length()
                + " characters; CloudWatch Logs allows 1024");
      }
      MetricFilter filter =
          MetricFilter.Builder.create(this, definition.metricName() + "Filter")
              .logGroup(props.logGroup())
              .filterPattern(FilterPattern.literal(definition.filterPattern()))
              .metricNamespace(props.metricNamespace())
              .metricName(definition.metricName())
              .metricValue("1")
              .build();
      Alarm alarm =
          filter
              .metric(MetricOptions.builder().statistic("Sum").period(Duration.minutes(5)).build())
              .createAlarm(
                  this,
                  definition.metricName() + "Alarm",
                  CreateAlarmOptions.builder()
                      .alarmDescription(
                          definition.control()
                              + ": "
                              + definition.description()
                              + ". See docs/deploy.md, section Alarms.")
                      .threshold(1)
                      .evaluationPeriods(1)
                      .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                      .treatMissingData(TreatMissingData.NOT_BREACHING)
                      .build());
      alarm.addAlarmAction(notify);
      alarms.put(definition.control() + " " + definition.metricName(), alarm);
    }
  }

  /** The alarms, keyed by "control metricName". */
  public Map<String, Alarm> getAlarms() {
    return Map.copyOf(alarms);
  }
}
