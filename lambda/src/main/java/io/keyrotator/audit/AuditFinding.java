package io.keyrotator.audit;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One thing the audit found.
 *
 * @param type what kind of finding
 * @param subject the IAM user name, {@code <root_account>}, or {@code account} for the password
 *     policy
 * @param credential which credential: {@code access key 1}, {@code access key 2}, {@code password}
 *     or {@code password policy}
 * @param found what was found, with its numbers, in words
 * @param ageDays the credential's age in whole days, where it has one
 * @param lastUsed when the credential was last used; empty when never used or not applicable
 */
public record AuditFinding(
    FindingType type,
    String subject,
    String credential,
    String found,
    Optional<Long> ageDays,
    Optional<Instant> lastUsed) {

  /** What to do about it. */
  public String fix() {
    return type.text().fix();
  }

  /** A map for JSON output (logs and the CLI). */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("type", type.name());
    json.put("subject", subject);
    json.put("credential", credential);
    json.put("found", found);
    ageDays.ifPresent(d -> json.put("ageDays", d));
    json.put("lastUsed", lastUsed.map(Instant::toString).orElse(null));
    json.put("fix", fix());
    return json;
  }
}
