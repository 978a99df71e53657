package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Schedules Secrets Manager or EventBridge would refuse at deploy time are refused at synth, one
 * line per field, naming the rule.
 */
class ScheduleRulesTest {

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rate(30 days) |",
        "rate(1 day) | 24h",
        "rate(999 days) |",
        "rate(4 hours) | 4h",
        "rate(23 hours) |",
        "cron(0 4 ? * MON *) | 3h",
        "cron(0 20 * * ? *) | 4h",
        "cron(0 4/12 * * ? *) | 8h",
        "cron(0 4,12 * * ? *) | 8h",
        "cron(0 0 L * ? *) | 24h",
        "cron(0 6 ? * 6#3 *) |",
      })
  void rotationSchedulesSecretsManagerAcceptsPass(String expression, String window) {
    assertThat(ConfigProblems.of(schedule(expression, window))).isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '#',
      value = {
        "cron(0 23 * * ? *) # 3h # schedule.window: \"3h\" from 23:00 (cron(0 23 * * ? *)) runs past"
            + " midnight UTC; Secrets Manager requires the start hour plus the window to be at most"
            + " 24, so at most 1h here",
        "rate(4 hours) # 6h # schedule.window: \"6h\" is longer than the 4 hours between rotations of"
            + " rate(4 hours); Secrets Manager requires the window to close before the next one"
            + " opens (at most 4h)",
        "cron(0 4,12 * * ? *) # 9h # schedule.window: \"9h\" is longer than the 8 hours between the"
            + " windows cron(0 4,12 * * ? *) opens; Secrets Manager requires the window to close"
            + " before the next one opens (at most 8h)",
        "cron(0 4/12 * * ? *) # 12h # schedule.window: \"12h\" from 16:00 (cron(0 4/12 * * ? *))"
            + " runs past midnight UTC; Secrets Manager requires the start hour plus the window to"
            + " be at most 24, so at most 8h here",
        "rate(30 days) # 0h # schedule.window: \"0h\" must be 1h .. 24h, e.g. 3h",
        "rate(30 days) # 25h # schedule.window: \"25h\" must be 1h .. 24h, e.g. 3h",
        "rate(30 days) # 3 hours # schedule.window: \"3 hours\" must be 1h .. 24h, e.g. 3h",
        "rate(2 hours) # # schedule.expression: \"rate(2 hours)\": Secrets Manager rotates between"
            + " every 4 hours and every 999 days (rate(4 hours) .. rate(23 hours), rate(1 day) .."
            + " rate(999 days))",
        "rate(1000 days) # # schedule.expression: \"rate(1000 days)\": Secrets Manager rotates between"
            + " every 4 hours and every 999 days (rate(4 hours) .. rate(23 hours), rate(1 day) .."
            + " rate(999 days))",
        "rate(0 days) # # schedule.expression: \"rate(0 days)\": Secrets Manager rotates between"
            + " every 4 hours and every 999 days (rate(4 hours) .. rate(23 hours), rate(1 day) .."
            + " rate(999 days))",
        "rate(30 minutes) # # schedule.expression: \"rate(30 minutes)\" is neither rate(N days|hours)"
            + " nor a six-field cron(...) expression",
        "cron(30 4 * * ? *) # # schedule.expression: \"cron(30 4 * * ? *)\": minutes \"30\": Secrets"
            + " Manager requires 0 (rotation windows open on the hour)",
        "cron(0 4 * * ? 2027) # # schedule.expression: \"cron(0 4 * * ? 2027)\": year \"2027\":"
            + " Secrets Manager requires * (no schedule more than a year apart)",
        "cron(0 */2 * * ? *) # # schedule.expression: \"cron(0 */2 * * ? *)\": opens a window every 2"
            + " hours (at [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22] UTC); Secrets Manager rotates"
            + " at most every 4 hours",
        "cron(0 1,22 * * ? *) # # schedule.expression: \"cron(0 1,22 * * ? *)\": opens a window every"
            + " 3 hours (at [1, 22] UTC); Secrets Manager rotates at most every 4 hours",
        "cron(0 4 * *) # # schedule.expression: \"cron(0 4 * *)\": has 4 fields; a cron expression"
            + " has six: minutes hours day-of-month month day-of-week year",
        "cron(0 4 * * * *) # # schedule.expression: \"cron(0 4 * * * *)\": day-of-month \"*\" and"
            + " day-of-week \"*\": exactly one of the two must be ? (EventBridge takes a value or *"
            + " in one and ? in the other, e.g. cron(0 6 * * ? *) or cron(0 6 ? * MON *))",
        "cron(0 24 * * ? *) # 1h # schedule.expression: \"cron(0 24 * * ? *)\": hours \"24\":"
            + " EventBridge allows 0-23 with the wildcards , - * /",
      })
  void rotationSchedulesSecretsManagerRefusesAreRefusedNamingTheRule(
      String expression, String window, String problem) {
    assertThat(ConfigProblems.of(schedule(expression, window))).containsExactly(problem);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "rate(1 minute)",
        "rate(5 minutes)",
        "rate(1 hour)",
        "rate(12 hours)",
        "rate(1 day)",
        "rate(7 days)",
        "cron(0 6 * * ? *)",
        "cron(*/15 * * * ? *)",
        "cron(0/30 8-17 ? * MON-FRI *)",
        "cron(0 6 L * ? *)",
        "cron(0 6 15W * ? *)",
        "cron(0 6 ? * 6L *)",
        "cron(0 6 ? * 2#1 *)",
        "cron(0 6 1 JAN,JUL ? 2026-2030)",
      })
  void hygieneSchedulesEventBridgeAcceptsPass(String expression) {
    assertThat(ConfigProblems.of(hygiene(expression))).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cron(0 6 * * * *) | day-of-month \"*\" and day-of-week \"*\": exactly one of the two must be"
            + " ? (EventBridge takes a value or * in one and ? in the other, e.g. cron(0 6 * * ? *)"
            + " or cron(0 6 ? * MON *))",
        "cron(0 6 ? * ? *) | day-of-month \"?\" and day-of-week \"?\": exactly one of the two must be"
            + " ? (EventBridge takes a value or * in one and ? in the other, e.g. cron(0 6 * * ? *)"
            + " or cron(0 6 ? * MON *))",
        "cron(60 6 * * ? *) | minutes \"60\": EventBridge allows 0-59 with the wildcards , - * /",
        "cron(0 6 32 * ? *) | day-of-month \"32\": EventBridge allows 1-31 with the wildcards , - * ?"
            + " / L W",
        "cron(0 6 * 13 ? *) | month \"13\": EventBridge allows 1-12 or JAN-DEC with the wildcards , -"
            + " * /",
        "cron(0 6 ? * 8 *) | day-of-week \"8\": EventBridge allows 1-7 or SUN-SAT with the wildcards"
            + " , - * ? L #",
        "cron(0 6 ? * MON/2 *) | day-of-week \"MON/2\": EventBridge allows 1-7 or SUN-SAT with the"
            + " wildcards , - * ? L #",
        "cron(0 6 ? * 3#1,6#3 *) | day-of-week \"3#1,6#3\": EventBridge allows 1-7 or SUN-SAT with"
            + " the wildcards , - * ? L #",
        "cron(0 6 * * ? 1969) | year \"1969\": EventBridge allows 1970-2199 with the wildcards , - *"
            + " /",
        "cron(0 6 * * ?) | has 5 fields; a cron expression has six: minutes hours day-of-month month"
            + " day-of-week year",
      })
  void hygieneCronsEventBridgeRefusesAreRefusedNamingTheRule(String expression, String problem) {
    assertThat(ConfigProblems.of(hygiene(expression)))
        .containsExactly("hygiene.schedule: \"" + expression + "\": " + problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "rate(1 days) | schedule.expression: \"rate(1 days)\": Secrets Manager takes the singular"
            + " unit for 1 and the plural otherwise; write rate(1 day)",
        "rate(2 day) | schedule.expression: \"rate(2 day)\": Secrets Manager takes the singular unit"
            + " for 1 and the plural otherwise; write rate(2 days)",
        "rate(5 hour) | schedule.expression: \"rate(5 hour)\": Secrets Manager takes the singular"
            + " unit for 1 and the plural otherwise; write rate(5 hours)",
        "rate(1 hours) | schedule.expression: \"rate(1 hours)\": Secrets Manager rotates between"
            + " every 4 hours and every 999 days (rate(4 hours) .. rate(23 hours), rate(1 day) .."
            + " rate(999 days))",
        "rate(1 days) | hygiene.schedule: \"rate(1 days)\": EventBridge takes the singular unit for"
            + " 1 and the plural otherwise; write rate(1 day)",
        "rate(5 minute) | hygiene.schedule: \"rate(5 minute)\": EventBridge takes the singular unit"
            + " for 1 and the plural otherwise; write rate(5 minutes)",
        "rate(1 hours) | hygiene.schedule: \"rate(1 hours)\": EventBridge takes the singular unit"
            + " for 1 and the plural otherwise; write rate(1 hour)",
        "rate(0 minutes) | hygiene.schedule: \"rate(0 minutes)\": EventBridge runs a rate of 1 or"
            + " more, e.g. rate(1 day)",
      })
  void ratesWithTheWrongUnitAreRefusedTheSameWayInBothSchedules(String expression, String problem) {
    String field = problem.substring(0, problem.indexOf(':'));
    String config = field.startsWith("hygiene") ? hygiene(expression) : schedule(expression, null);
    assertThat(ConfigProblems.of(config)).containsExactly(problem);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "cron(0 4 30 2 ? *) | schedule | day-of-month \"30\", month \"2\", day-of-week \"?\" and year"
            + " \"*\"",
        "cron(0 4 31 4,6,9,11 ? *) | schedule | day-of-month \"31\", month \"4,6,9,11\","
            + " day-of-week \"?\" and year \"*\"",
        "cron(0 6 30W FEB ? *) | hygiene | day-of-month \"30W\", month \"FEB\", day-of-week \"?\""
            + " and year \"*\"",
        "cron(0 6 * * ? 1999) | hygiene | day-of-month \"*\", month \"*\", day-of-week \"?\" and"
            + " year \"1999\"",
      })
  void schedulesThatNeverRunAreRefused(String expression, String where, String fields) {
    String config = where.equals("hygiene") ? hygiene(expression) : schedule(expression, null);
    String field = where.equals("hygiene") ? "hygiene.schedule" : "schedule.expression";
    assertThat(ConfigProblems.of(config))
        .containsExactly(
            field
                + ": \""
                + expression
                + "\": never runs: no day from today to the end of 2199 has "
                + fields
                + "; choose days that the chosen months have (L is the last day of any month)"
                + " and a year to come");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "cron(0 6 29 2 ? *)",
        "cron(0 6 31 * ? *)",
        "cron(0 6 ? FEB 6#5 *)",
        "cron(0 6 ? * FRI-MON *)",
        "cron(0 6 1 NOV-FEB ? *)",
        "cron(0 6 LW * ? *)",
      })
  void schedulesThatRunOnlySometimesPass(String expression) {
    assertThat(ConfigProblems.of(hygiene(expression))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rate(2 weeks)", "rate(1.5 days)"})
  void hygieneRatesEventBridgeRefusesAreRefusedNamingTheRule(String expression) {
    assertThat(ConfigProblems.of(hygiene(expression)))
        .containsExactly(
            "hygiene.schedule: \""
                + expression
                + "\" is neither rate(N minutes|hours|days) (rate(1 day) for one) nor a six-field"
                + " cron(...) expression such as cron(0 6 * * ? *)");
  }

  @org.junit.jupiter.api.Test
  void bothSchedulesAndTheWindowAreReportedTogether() {
    assertThat(
            ConfigProblems.of(
                "\"schedule\": {\"expression\": \"cron(30 4 * * ? *)\", \"window\": \"30m\"},"
                    + " \"hygiene\": {\"schedule\": \"cron(0 6 * * * *)\"}"))
        .extracting(line -> line.substring(0, line.indexOf(':')))
        .containsExactly("schedule.window", "schedule.expression", "hygiene.schedule");
  }

  private static String schedule(String expression, String window) {
    return "\"schedule\": {\"expression\": \""
        + expression
        + "\""
        + (window == null ? "" : ", \"window\": \"" + window + "\"")
        + "}";
  }

  private static String hygiene(String expression) {
    return "\"hygiene\": {\"schedule\": \"" + expression + "\"}";
  }
}
