package io.keyrotator.ports;

import java.util.Optional;

/**
 * The account password policy, as far as the audit checks it.
 *
 * @param minimumLength the shortest password allowed
 * @param requireUppercase whether a password needs an uppercase letter
 * @param requireLowercase whether a password needs a lowercase letter
 * @param requireNumbers whether a password needs a digit
 * @param requireSymbols whether a password needs a symbol
 * @param reusePrevention how many earlier passwords cannot be reused; empty when reuse is allowed
 * @param maxAgeDays days after which a password expires; empty when passwords never expire
 */
public record PasswordPolicy(
    int minimumLength,
    boolean requireUppercase,
    boolean requireLowercase,
    boolean requireNumbers,
    boolean requireSymbols,
    Optional<Integer> reusePrevention,
    Optional<Integer> maxAgeDays) {}
