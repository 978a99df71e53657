package io.keyrotator.infra.constructs;

import io.keyrotator.contract.WholeNumberSetting;

/**
 * The checks construct props run when they are built, each failing with {@code "<Construct>:
 * <field> ..."} so that a wrong value is reported where it was given, before any synthesis.
 */
final class PropsCheck {
  private PropsCheck() {}

  /**
   * @return {@code value}
   * @throws IllegalArgumentException if it is null
   */
  static <T> T required(String construct, String field, T value) {
    if (value == null) {
      throw new IllegalArgumentException(construct + ": " + field + " is required");
    }
    return value;
  }

  /**
   * Checks a value against the range the function itself accepts (the contract's setting).
   *
   * @throws IllegalArgumentException naming the field, the value and the range
   */
  static void inRange(String construct, String field, int value, WholeNumberSetting setting) {
    inRange(construct, field, value, setting.min(), setting.max());
  }

  /**
   * @throws IllegalArgumentException naming the field, the value and the range (bounds included)
   */
  static void inRange(String construct, String field, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          construct + ": " + field + " " + value + " is outside " + min + "-" + max);
    }
  }
}
