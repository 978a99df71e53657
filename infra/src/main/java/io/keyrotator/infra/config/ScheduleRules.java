package io.keyrotator.infra.config;

import io.keyrotator.infra.config.CronExpression.Field;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rules the two services apply to the schedules in the configuration, checked at synth so a
 * schedule they would refuse at deploy time stops {@code cdk synth} instead:
 *
 * <ul>
 *   <li>{@code schedule}: Secrets Manager's {@code RotationRules} {@code ScheduleExpression} and
 *       {@code Duration} (Secrets Manager User Guide, "Rotation schedules"; API reference,
 *       RotationRulesType): {@code rate(N hours|days)} from every 4 hours to every 999 days, or a
 *       cron expression with minutes 0 and year *; a window of 1h to 24h that neither reaches the
 *       next window nor crosses midnight UTC.
 *   <li>{@code hygiene.schedule}: EventBridge's schedule expressions (Amazon EventBridge User
 *       Guide, "Rate expressions reference" and "Cron expressions reference").
 * </ul>
 *
 * One line per bad field, naming the rule.
 */
final class ScheduleRules {
  // rate(N unit): both services take the singular unit for 1 and the plural otherwise.
  private static final Pattern ROTATION_RATE =
      Pattern.compile("rate\\((\\d{1,18}) ((hour|day)s?)\\)");
  private static final Pattern EVENTS_RATE =
      Pattern.compile("rate\\((\\d{1,18}) ((minute|hour|day)s?)\\)");
  private static final Pattern WINDOW = Pattern.compile("(\\d{1,2})h");
  private static final int MIN_ROTATION_HOURS = 4;
  private static final int MAX_RATE_HOURS = 23;
  private static final int MAX_ROTATION_DAYS = 999;
  private static final int HOURS_PER_DAY = 24;

  private final Problems problems;

  ScheduleRules(Problems problems) {
    this.problems = problems;
  }

  /**
   * Checks the rotation schedule and its window against Secrets Manager's rules.
   *
   * @param expression the {@code ScheduleExpression}; null if already reported
   * @param window the {@code Duration}, e.g. {@code 3h}; null if not set
   */
  void rotation(String expression, String window) {
    Optional<Integer> hours = window == null ? Optional.empty() : windowHours(window);
    if (expression == null) {
      return;
    }
    Matcher rate = ROTATION_RATE.matcher(expression);
    Optional<CronExpression> cron = CronExpression.parse(expression);
    if (rate.matches()) {
      rotationRate(expression, Long.parseLong(rate.group(1)), rate.group(2), hours);
      if (!problems.has("schedule.expression")) {
        unitNumber("schedule.expression", expression, rate, "Secrets Manager");
      }
    } else if (cron.isPresent()) {
      rotationCron(expression, cron.get(), hours);
    } else {
      problems.add(
          "schedule.expression",
          "\""
              + expression
              + "\" is neither rate(N days|hours) nor a six-field cron(...) expression");
    }
  }

  /** Checks the hygiene function's schedule against EventBridge's rules. */
  void hygiene(String expression) {
    if (expression == null) {
      return;
    }
    Matcher rate = EVENTS_RATE.matcher(expression);
    if (rate.matches()) {
      if (Long.parseLong(rate.group(1)) < 1) {
        problems.add(
            "hygiene.schedule",
            "\"" + expression + "\": EventBridge runs a rate of 1 or more, e.g. rate(1 day)");
      } else {
        unitNumber("hygiene.schedule", expression, rate, "EventBridge");
      }
      return;
    }
    Optional<CronExpression> cron = CronExpression.parse(expression);
    if (cron.isEmpty()) {
      problems.add(
          "hygiene.schedule",
          "\""
              + expression
              + "\" is neither rate(N minutes|hours|days) (rate(1 day) for one) nor a six-field"
              + " cron(...) expression such as cron(0 6 * * ? *)");
      return;
    }
    List<String> broken = cron.get().problems();
    if (broken.isEmpty() && !cron.get().firesFrom(today())) {
      broken.add(neverRuns(cron.get()));
    }
    if (!broken.isEmpty()) {
      problems.add("hygiene.schedule", "\"" + expression + "\": " + String.join("; ", broken));
    }
  }

  /**
   * Reports {@code rate(1 days)} or {@code rate(2 day)}: the unit is singular for 1 and plural
   * otherwise, which both services enforce.
   */
  private void unitNumber(String field, String expression, Matcher rate, String service) {
    long n = Long.parseLong(rate.group(1));
    String unit = rate.group(2);
    String right = n == 1 ? rate.group(3) : rate.group(3) + "s";
    if (!unit.equals(right)) {
      problems.add(
          field,
          "\""
              + expression
              + "\": "
              + service
              + " takes the singular unit for 1 and the plural otherwise; write rate("
              + n
              + " "
              + right
              + ")");
    }
  }

  private static String neverRuns(CronExpression cron) {
    return "never runs: no day from today to the end of 2199 has day-of-month \""
        + cron.field(Field.DAY_OF_MONTH)
        + "\", month \""
        + cron.field(Field.MONTH)
        + "\", day-of-week \""
        + cron.field(Field.DAY_OF_WEEK)
        + "\" and year \""
        + cron.field(Field.YEAR)
        + "\"; choose days that the chosen months have (L is the last day of any month) and a"
        + " year to come";
  }

  private static LocalDate today() {
    return LocalDate.now(ZoneOffset.UTC);
  }

  /** The window's length in hours, if it is 1h to 24h; else a problem. */
  private Optional<Integer> windowHours(String window) {
    Matcher m = WINDOW.matcher(window);
    int hours = m.matches() ? Integer.parseInt(m.group(1)) : 0;
    if (hours < 1 || hours > HOURS_PER_DAY) {
      problems.add("schedule.window", "\"" + window + "\" must be 1h .. 24h, e.g. 3h");
      return Optional.empty();
    }
    return Optional.of(hours);
  }

  private void rotationRate(String expression, long n, String unit, Optional<Integer> window) {
    boolean inHours = unit.startsWith("hour");
    if (inHours ? n < MIN_ROTATION_HOURS || n > MAX_RATE_HOURS : n < 1 || n > MAX_ROTATION_DAYS) {
      problems.add(
          "schedule.expression",
          "\""
              + expression
              + "\": Secrets Manager rotates between every 4 hours and every 999 days"
              + " (rate(4 hours) .. rate(23 hours), rate(1 day) .. rate(999 days))");
      return;
    }
    // A rate's windows open at midnight UTC; in hours, each must close before the next opens.
    if (inHours && window.isPresent() && window.get() > n) {
      problems.add(
          "schedule.window",
          "\""
              + window.get()
              + "h\" is longer than the "
              + n
              + " hours between rotations of "
              + expression
              + "; Secrets Manager requires the window to close before the next one opens (at most "
              + n
              + "h)");
    }
  }

  private void rotationCron(String expression, CronExpression cron, Optional<Integer> window) {
    List<String> broken = new ArrayList<>(cron.problems());
    if (broken.isEmpty() && !cron.firesFrom(today())) {
      broken.add(neverRuns(cron));
    }
    if (broken.isEmpty()) {
      if (!"0".equals(cron.field(Field.MINUTES))) {
        broken.add(
            "minutes \""
                + cron.field(Field.MINUTES)
                + "\": Secrets Manager requires 0 (rotation windows open on the hour)");
      }
      if (!"*".equals(cron.field(Field.YEAR))) {
        broken.add(
            "year \""
                + cron.field(Field.YEAR)
                + "\": Secrets Manager requires * (no schedule more than a year apart)");
      }
    }
    TreeSet<Integer> starts = broken.isEmpty() ? cron.hours() : new TreeSet<>();
    int gap = shortestGap(starts, cron);
    if (gap < MIN_ROTATION_HOURS) {
      broken.add(
          "opens a window every "
              + gap
              + " hours (at "
              + starts
              + " UTC); Secrets Manager rotates at most every 4 hours");
    }
    if (!broken.isEmpty()) {
      problems.add("schedule.expression", "\"" + expression + "\": " + String.join("; ", broken));
      return;
    }
    if (window.isEmpty()) {
      return;
    }
    int hours = window.get();
    int last = starts.last();
    if (last + hours > HOURS_PER_DAY) {
      problems.add(
          "schedule.window",
          "\""
              + hours
              + "h\" from "
              + last
              + ":00 ("
              + expression
              + ") runs past midnight UTC; Secrets Manager requires the start hour plus the window"
              + " to be at most 24, so at most "
              + (HOURS_PER_DAY - last)
              + "h here");
    } else if (starts.size() > 1 && hours > gap) {
      problems.add(
          "schedule.window",
          "\""
              + hours
              + "h\" is longer than the "
              + gap
              + " hours between the windows "
              + expression
              + " opens; Secrets Manager requires the window to close before the next one opens"
              + " (at most "
              + gap
              + "h)");
    }
  }

  /**
   * The fewest hours between two windows the expression opens; a day's last and the next day's
   * first count when it runs every day. {@link Integer#MAX_VALUE} for one window a day.
   */
  private static int shortestGap(TreeSet<Integer> starts, CronExpression cron) {
    if (starts.size() < 2) {
      return Integer.MAX_VALUE;
    }
    int gap = Integer.MAX_VALUE;
    Integer previous = null;
    for (int hour : starts) {
      if (previous != null) {
        gap = Math.min(gap, hour - previous);
      }
      previous = hour;
    }
    boolean everyDay =
        List.of("*", "?").contains(cron.field(Field.DAY_OF_MONTH))
            && List.of("*", "?").contains(cron.field(Field.DAY_OF_WEEK));
    return everyDay ? Math.min(gap, HOURS_PER_DAY - starts.last() + starts.first()) : gap;
  }
}
