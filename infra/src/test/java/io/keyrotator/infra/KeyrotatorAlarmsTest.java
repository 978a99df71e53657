package io.keyrotator.infra;

import static org.assertj.core.api.Assertions.assertThat;

import io.keyrotator.infra.constructs.AlarmDefinition;
import io.keyrotator.infra.stacks.KeyrotatorStack;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class KeyrotatorAlarmsTest {

  @Test
  void keyChangeFilterNamesTheManagedUsersWhileTheyFit() {
    AlarmDefinition keyChanges =
        KeyrotatorStack.keyrotatorAlarms(
                List.of("a", "b"), List.of("keyrotator-rotation-eu-west-1"))
            .get(0);

    assertThat(keyChanges.filterPattern())
        .contains("($.requestParameters.userName=\"a\") || ($.requestParameters.userName=\"b\")")
        .contains("sessionIssuer.userName!=\"keyrotator-rotation-eu-west-1\"");
  }

  @Test
  void keyChangesByAnyOfKeyrotatorsRolesAreExpected() {
    AlarmDefinition keyChanges =
        KeyrotatorStack.keyrotatorAlarms(
                List.of("a"),
                List.of("keyrotator-rotation-eu-west-1", "keyrotator-hygiene-eu-west-1"))
            .get(0);

    assertThat(keyChanges.filterPattern())
        .endsWith(
            "(($.userIdentity.type!=\"AssumedRole\") ||"
                + " (($.userIdentity.sessionContext.sessionIssuer.userName!=\"keyrotator-rotation-eu-west-1\")"
                + " && ($.userIdentity.sessionContext.sessionIssuer.userName!=\"keyrotator-hygiene-eu-west-1\")))}");
  }

  @Test
  void tooManyUsersForOneFilterFallBackToEveryUserButStillExemptTheRotationRole() {
    List<String> users = IntStream.range(0, 60).mapToObj(i -> "service-account-" + i).toList();

    AlarmDefinition keyChanges =
        KeyrotatorStack.keyrotatorAlarms(
                users, List.of("keyrotator-rotation-eu-west-1", "keyrotator-hygiene-eu-west-1"))
            .get(0);

    assertThat(keyChanges.filterPattern().length())
        .isLessThanOrEqualTo(KeyrotatorStack.MAX_FILTER_PATTERN_LENGTH);
    assertThat(keyChanges.filterPattern())
        .doesNotContain("requestParameters.userName")
        .contains("sessionIssuer.userName!=\"keyrotator-rotation-eu-west-1\"")
        .contains("sessionIssuer.userName!=\"keyrotator-hygiene-eu-west-1\"");
    assertThat(keyChanges.description()).contains("any IAM user");
  }
}
