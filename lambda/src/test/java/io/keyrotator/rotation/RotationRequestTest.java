package io.keyrotator.rotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RotationRequestTest {
  @ParameterizedTest
  @CsvSource({
    "createSecret,CREATE_SECRET", "create_secret,CREATE_SECRET",
    "setSecret,SET_SECRET", "set_secret,SET_SECRET",
    "testSecret,TEST_SECRET", "test_secret,TEST_SECRET",
    "finishSecret,FINISH_SECRET", "finish_secret,FINISH_SECRET"
  })
  void acceptsBothSpellingsOfEveryStep(String wire, RotationStep step) {
    assertThat(RotationStep.parse(wire)).isEqualTo(step);
  }

  @Test
  void rejectsAnyOtherStepNamingTheValidOnes() {
    assertThatThrownBy(() -> RotationStep.parse("CreateSecret"))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining(
            "unknown rotation step \"CreateSecret\"; expected one of createSecret, setSecret, testSecret, finishSecret");
  }

  @Test
  void readsTheRawEventIncludingTheRotationToken() {
    RotationRequest request =
        RotationRequest.fromEvent(
            Map.of(
                "Step",
                "testSecret",
                "SecretId",
                "arn:s",
                "ClientRequestToken",
                "t-1",
                "RotationToken",
                "rt"));
    assertThat(request)
        .isEqualTo(
            new RotationRequest(
                RotationStep.TEST_SECRET, "arn:s", "t-1", java.util.Optional.of("rt")));
    assertThat(
            RotationRequest.fromEvent(
                    Map.of("Step", "testSecret", "SecretId", "s", "ClientRequestToken", "t"))
                .rotationToken())
        .isEmpty();
  }

  @Test
  void namesTheMissingField() {
    assertThatThrownBy(
            () ->
                RotationRequest.fromEvent(
                    Map.of("Step", "createSecret", "ClientRequestToken", "t")))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("the rotation event has no SecretId");
    assertThatThrownBy(
            () ->
                RotationRequest.fromEvent(
                    Map.of("Step", "createSecret", "SecretId", "s", "ClientRequestToken", " ")))
        .hasMessageContaining("has no ClientRequestToken");
  }
}
