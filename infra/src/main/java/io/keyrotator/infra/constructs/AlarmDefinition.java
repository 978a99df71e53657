package io.keyrotator.infra.constructs;

/**
 * One CloudTrail metric filter with its alarm.
 *
 * @param control the control it implements, e.g. {@code CloudWatch.1}, or {@code keyrotator}
 * @param metricName the metric's name, also the construct id
 * @param description what the alarm means, shown in the alarm and the notification
 * @param filterPattern the CloudWatch Logs filter pattern, used as is
 */
public record AlarmDefinition(
    String control, String metricName, String description, String filterPattern) {}
