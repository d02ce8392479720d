package dev.migrate.engine;

import java.time.Instant;
import java.util.List;

/**
 * The state of a migration, derived from the journal and the clock alone.
 *
 * @param earliestSafeSwap known once lower-ttl is confirmed; null before
 */
public record Status(String plan, Instant now, List<PhaseStatus> phases, String nextPhase, Instant nextAt,
        Instant earliestSafeSwap, Instant rolledBackAt, int pendingIntents, List<String> notes) {}
