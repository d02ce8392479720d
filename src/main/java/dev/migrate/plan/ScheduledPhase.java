package dev.migrate.plan;

import java.time.Instant;

/** A phase with its absolute instant. */
public record ScheduledPhase(PhaseSpec spec, Instant at) {
    public String id() {
        return spec.id();
    }

    public Action action() {
        return spec.action();
    }
}
