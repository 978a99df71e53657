package io.keyrotator.rotation;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The four steps of the Secrets Manager rotation protocol, in the order they run. */
public enum RotationStep {
  CREATE_SECRET("createSecret"),
  SET_SECRET("setSecret"),
  TEST_SECRET("testSecret"),
  FINISH_SECRET("finishSecret");

  private final String wireName;

  RotationStep(String wireName) {
    this.wireName = wireName;
  }

  /** The name Secrets Manager sends, e.g. {@code createSecret}. */
  public String wireName() {
    return wireName;
  }

  /**
   * Accepts the names Secrets Manager sends ({@code createSecret}) and the spelling some AWS pages
   * use ({@code create_secret}, the constant's name in lower case).
   *
   * @throws InvalidRequestException for anything else
   */
  public static RotationStep parse(String name) {
    for (RotationStep step : values()) {
      if (step.wireName.equals(name) || step.name().toLowerCase(Locale.ROOT).equals(name)) {
        return step;
      }
    }
    throw new InvalidRequestException(
        "unknown rotation step \""
            + name
            + "\"; expected one of "
            + Arrays.stream(values()).map(RotationStep::wireName).collect(Collectors.joining(", "))
            + ". This function only serves Secrets Manager rotation events.");
  }

  @Override
  public String toString() {
    return wireName;
  }
}
