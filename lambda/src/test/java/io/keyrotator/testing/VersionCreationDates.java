package io.keyrotator.testing;

import java.time.Instant;
import java.util.Map;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsResponse;

/**
 * Gives ListSecretVersionIds the creation dates AWS would. moto 5.2 lists every version with the
 * time of the listing as its {@code CreatedDate} (see the emulator reference's list of gaps); AWS
 * lists when the version was created. For the versions whose registration the harness saw (the
 * rotations {@link LocalAws#startRotation} started) the earlier of the two is the true one; others
 * are left as moto says. Only ever moves a date back, so a test's own interceptor that sets older
 * dates still wins, whichever runs first.
 *
 * @param registered when each version (by id) was registered, to the second
 */
record VersionCreationDates(Map<String, Instant> registered) implements ExecutionInterceptor {
  @Override
  public SdkResponse modifyResponse(
      Context.ModifyResponse context, ExecutionAttributes executionAttributes) {
    if (!(context.response() instanceof ListSecretVersionIdsResponse listing)) {
      return context.response();
    }
    return listing.toBuilder()
        .versions(
            listing.versions().stream()
                .map(
                    v -> {
                      Instant known = registered.get(v.versionId());
                      return known == null
                              || (v.createdDate() != null && v.createdDate().isBefore(known))
                          ? v
                          : v.toBuilder().createdDate(known).build();
                    })
                .toList())
        .build();
  }
}
