package io.keyrotator.infra.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code cron(...)} schedule expression as EventBridge defines it (Amazon EventBridge User Guide,
 * "Cron expressions reference"): six fields separated by spaces, in UTC. Secrets Manager rotation
 * schedules use the same syntax with a few more rules ({@link ScheduleRules}).
 */
final class CronExpression {
  /** The six fields, in order, with EventBridge's values and wildcards. */
  enum Field {
    MINUTES("minutes", 0, 59, "0-59", ", - * /"),
    HOURS("hours", 0, 23, "0-23", ", - * /"),
    DAY_OF_MONTH("day-of-month", 1, 31, "1-31", ", - * ? / L W"),
    MONTH("month", 1, 12, "1-12 or JAN-DEC", ", - * /"),
    DAY_OF_WEEK("day-of-week", 1, 7, "1-7 or SUN-SAT", ", - * ? L #"),
    YEAR("year", 1970, 2199, "1970-2199", ", - * /");

    final String label;
    final int min;
    final int max;
    final String values;
    final String wildcards;

    Field(String label, int min, int max, String values, String wildcards) {
      this.label = label;
      this.min = min;
      this.max = max;
      this.values = values;
      this.wildcards = wildcards;
    }
  }

  private static final Pattern CRON = Pattern.compile("cron\\((.*)\\)");
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  // value, value-value, *, each optionally /increment
  private static final Pattern STEPPED =
      Pattern.compile("(\\*|([0-9A-Za-z]+)(-([0-9A-Za-z]+))?)(/(\\d+))?");
  private static final Pattern DAY_OF_MONTH_SPECIAL = Pattern.compile("L|LW|(\\d+)W");
  private static final Pattern DAY_OF_WEEK_SPECIAL = Pattern.compile("L|([0-9A-Za-z]+)L");
  private static final Pattern NTH_DAY_OF_WEEK = Pattern.compile("([0-9A-Za-z]+)#([1-5])");

  private final List<String> fields;

  private CronExpression(List<String> fields) {
    this.fields = fields;
  }

  /** The expression's fields if it is written {@code cron(...)}, whatever their count. */
  static Optional<CronExpression> parse(String expression) {
    Matcher cron = CRON.matcher(expression);
    if (!cron.matches()) {
      return Optional.empty();
    }
    String body = cron.group(1).strip();
    return Optional.of(new CronExpression(body.isEmpty() ? List.of() : List.of(body.split(" +"))));
  }

  /** The text of one field; only once {@link #problems()} is empty. */
  String field(Field field) {
    return fields.get(field.ordinal());
  }

  /** Every way the expression breaks EventBridge's rules, one phrase each; empty if none. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (fields.size() != Field.values().length) {
      problems.add(
          "has "
              + fields.size()
              + " fields; a cron expression has six: minutes hours day-of-month month day-of-week"
              + " year");
      return problems;
    }
    for (Field field : Field.values()) {
      if (!valid(field, field(field))) {
        problems.add(
            field.label
                + " \""
                + field(field)
                + "\": EventBridge allows "
                + field.values
                + " with the wildcards "
                + field.wildcards);
      }
    }
    boolean anyDayOfMonth = "?".equals(field(Field.DAY_OF_MONTH));
    boolean anyDayOfWeek = "?".equals(field(Field.DAY_OF_WEEK));
    if (anyDayOfMonth == anyDayOfWeek) {
      problems.add(
          "day-of-month \""
              + field(Field.DAY_OF_MONTH)
              + "\" and day-of-week \""
              + field(Field.DAY_OF_WEEK)
              + "\": exactly one of the two must be ? (EventBridge takes a value or * in one and ?"
              + " in the other, e.g. cron(0 6 * * ? *) or cron(0 6 ? * MON *))");
    }
    return problems;
  }

  /**
   * The hours of the day (0-23) at which the expression fires; only once {@link #problems()} is
   * empty.
   */
  TreeSet<Integer> hours() {
    TreeSet<Integer> hours = new TreeSet<>();
    for (String item : field(Field.HOURS).split(",")) {
      Matcher m = STEPPED.matcher(item);
      if (!m.matches()) {
        continue;
      }
      int from = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
      int to = m.group(4) != null ? Integer.parseInt(m.group(4)) : m.group(2) == null ? 23 : from;
      int step = m.group(6) == null ? 1 : Integer.parseInt(m.group(6));
      if (m.group(6) != null && m.group(4) == null) {
        to = 23; // "4/12": from 4, every 12 hours, to the end of the day
      }
      for (int hour = from; hour <= to; hour += step) {
        hours.add(hour);
      }
    }
    return hours;
  }

  /**
   * Whether the expression fires on some day from {@code from} to the end of the last year
   * EventBridge allows (2199); only once {@link #problems()} is empty. "30 February" or a year
   * already past never fire, though EventBridge accepts them.
   */
  boolean firesFrom(LocalDate from) {
    for (int year = from.getYear(); year <= Field.YEAR.max; year++) {
      if (!matches(Field.YEAR, year)) {
        continue;
      }
      LocalDate day = year == from.getYear() ? from : LocalDate.of(year, 1, 1);
      for (; day.getYear() == year; day = day.plusDays(1)) {
        if (matches(Field.MONTH, day.getMonthValue()) && dayMatches(day)) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean dayMatches(LocalDate day) {
    if ("?".equals(field(Field.DAY_OF_MONTH))) {
      for (String item : field(Field.DAY_OF_WEEK).split(",")) {
        if (dayOfWeekMatches(item, day)) {
          return true;
        }
      }
      return false;
    }
    for (String item : field(Field.DAY_OF_MONTH).split(",")) {
      if (dayOfMonthMatches(item, day)) {
        return true;
      }
    }
    return false;
  }

  private static boolean dayOfMonthMatches(String item, LocalDate day) {
    int last = day.lengthOfMonth();
    Matcher special = DAY_OF_MONTH_SPECIAL.matcher(item);
    if (!special.matches()) {
      return itemMatches(Field.DAY_OF_MONTH, item, day.getDayOfMonth());
    }
    if ("L".equals(item)) {
      return day.getDayOfMonth() == last;
    }
    int target = "LW".equals(item) ? last : Integer.parseInt(special.group(1));
    if (target > last) {
      return false; // "31W" in a 30-day month: no such day to be near
    }
    // The weekday nearest the target day, without leaving the month.
    LocalDate near = day.withDayOfMonth(target);
    if (near.getDayOfWeek() == DayOfWeek.SATURDAY) {
      near = target == 1 ? near.plusDays(2) : near.minusDays(1);
    } else if (near.getDayOfWeek() == DayOfWeek.SUNDAY) {
      near = target == last ? near.minusDays(2) : near.plusDays(1);
    }
    return near.equals(day);
  }

  private static boolean dayOfWeekMatches(String item, LocalDate day) {
    int weekday = day.getDayOfWeek().getValue() % 7 + 1; // SUN=1 .. SAT=7
    if ("L".equals(item)) {
      return weekday == 7;
    }
    Matcher lastOfMonth = DAY_OF_WEEK_SPECIAL.matcher(item);
    if (lastOfMonth.matches()) {
      return weekday == number(Field.DAY_OF_WEEK, lastOfMonth.group(1))
          && day.plusDays(7).getMonth() != day.getMonth();
    }
    Matcher nth = NTH_DAY_OF_WEEK.matcher(item);
    if (nth.matches()) {
      return weekday == number(Field.DAY_OF_WEEK, nth.group(1))
          && (day.getDayOfMonth() - 1) / 7 + 1 == Integer.parseInt(nth.group(2));
    }
    return itemMatches(Field.DAY_OF_WEEK, item, weekday);
  }

  private boolean matches(Field field, int value) {
    for (String item : field(field).split(",")) {
      if (itemMatches(field, item, value)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code value} is in a plain item: {@code *}, a value or a range, with a step. */
  private static boolean itemMatches(Field field, String item, int value) {
    Matcher m = STEPPED.matcher(item);
    if (!m.matches()) {
      return false;
    }
    int from = m.group(2) == null ? field.min : number(field, m.group(2));
    int to =
        m.group(4) != null
            ? number(field, m.group(4))
            : m.group(2) == null || m.group(6) != null ? field.max : from;
    int step = m.group(6) == null ? 1 : Integer.parseInt(m.group(6));
    // A range may wrap, e.g. FRI-MON or NOV-FEB.
    int span = field.max - field.min + 1;
    int offset = Math.floorMod(value - from, span);
    int length = Math.floorMod(to - from, span);
    return value >= field.min && value <= field.max && offset <= length && offset % step == 0;
  }

  private static int number(Field field, String value) {
    String upper = value.toUpperCase(Locale.ROOT);
    if (field == Field.MONTH && MONTHS.contains(upper)) {
      return MONTHS.indexOf(upper) + 1;
    }
    if (field == Field.DAY_OF_WEEK && DAYS.contains(upper)) {
      return DAYS.indexOf(upper) + 1;
    }
    return Integer.parseInt(value);
  }

  /** Whether every comma-separated item of the field is one EventBridge accepts there. */
  private static boolean valid(Field field, String text) {
    if ("?".equals(text)) {
      return field == Field.DAY_OF_MONTH || field == Field.DAY_OF_WEEK;
    }
    String[] items = text.split(",", -1);
    for (String item : items) {
      if (!validItem(field, item, items.length)) {
        return false;
      }
    }
    return true;
  }

  private static boolean validItem(Field field, String item, int itemCount) {
    if (field == Field.DAY_OF_MONTH) {
      Matcher special = DAY_OF_MONTH_SPECIAL.matcher(item);
      if (special.matches()) {
        return special.group(1) == null || inRange(field, special.group(1));
      }
    }
    if (field == Field.DAY_OF_WEEK) {
      Matcher special = DAY_OF_WEEK_SPECIAL.matcher(item);
      if (special.matches()) {
        return special.group(1) == null || inRange(field, special.group(1));
      }
      Matcher nth = NTH_DAY_OF_WEEK.matcher(item);
      if (nth.matches()) {
        // "3#1,6#3" is two expressions, which EventBridge refuses: # stands alone.
        return itemCount == 1 && inRange(field, nth.group(1));
      }
    }
    Matcher m = STEPPED.matcher(item);
    if (!m.matches()) {
      return false;
    }
    if (m.group(6) != null && (field == Field.DAY_OF_WEEK || Integer.parseInt(m.group(6)) < 1)) {
      return false;
    }
    return (m.group(2) == null || inRange(field, m.group(2)))
        && (m.group(4) == null || inRange(field, m.group(4)));
  }

  private static boolean inRange(Field field, String value) {
    String upper = value.toUpperCase(Locale.ROOT);
    if (field == Field.MONTH && MONTHS.contains(upper)) {
      return true;
    }
    if (field == Field.DAY_OF_WEEK && DAYS.contains(upper)) {
      return true;
    }
    if (!value.matches("\\d{1,4}")) {
      return false;
    }
    int number = Integer.parseInt(value);
    return number >= field.min && number <= field.max;
  }
}
