package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.plan.Action;
import java.time.Instant;
import java.util.List;

/**
 * What one phase did (or would do, in a dry run) in one run.
 *
 * @param action null for rollback, which is not a phase of the timeline
 */
public record PhaseResult(String phase, Action action, PhaseOutcome outcome) {

    public String message() {
        return outcome.message();
    }

    public List<RRsetChange> changes() {
        return outcome.changes();
    }

    /** For a phase held only until its earliest safe instant: that instant ({@code --wait} sleeps until it). */
    public Instant retryAt() {
        return outcome instanceof PhaseOutcome.HeldUntil h ? h.until() : null;
    }

    public boolean done() {
        return outcome instanceof PhaseOutcome.Done;
    }
}
