package io.keyrotator.contract;

/**
 * A whole-number setting of the functions: the environment variable that carries it, its default
 * and the range both the function (at start) and the CDK app (at synth) accept.
 *
 * @param variable the environment variable, one of {@link FunctionEnvironment}'s names
 * @param defaultValue the value used when the variable is not set
 * @param min the smallest allowed value, inclusive
 * @param max the largest allowed value, inclusive
 */
public record WholeNumberSetting(String variable, int defaultValue, int min, int max) {

  /**
   * @throws IllegalArgumentException if the default lies outside the range
   */
  public WholeNumberSetting {
    if (min > max || defaultValue < min || defaultValue > max) {
      throw new IllegalArgumentException(
          variable + ": default " + defaultValue + " outside " + min + ".." + max);
    }
  }

  /** Whether {@code value} is within the range, bounds included. */
  public boolean allows(long value) {
    return value >= min && value <= max;
  }

  /** The expectation both sides print for a value out of range. */
  public String expectation() {
    return "expected a whole number from " + min + " to " + max;
  }
}
