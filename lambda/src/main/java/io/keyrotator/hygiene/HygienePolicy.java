package io.keyrotator.hygiene;

import io.keyrotator.config.HygieneSettings;
import io.keyrotator.rotation.ManagedScope;
import java.time.Clock;

/**
 * What a hygiene pass goes by, the same for every secret it checks: which users and secrets it
 * manages, its timers and switches, whether it may deactivate and delete a previous key it cannot
 * prove keyrotator created (KEYROTATOR_DELETE_UNPROVEN_KEYS, when the key's records are trusted),
 * and the clock every timer is measured against.
 *
 * @param scope the managed path prefix, users and evidence seal secret
 * @param settings the hygiene timers (grace, switch window, hard limit, delete after, stuck after)
 *     and the repair and dry-run switches
 * @param deleteUnprovenKeys whether a previous key imported by hand may be retired too
 * @param clock the time source for every timer (a fixed or advancing clock in tests)
 */
public record HygienePolicy(
    ManagedScope scope, HygieneSettings settings, boolean deleteUnprovenKeys, Clock clock) {}
