package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.plan.Action;
import java.util.List;

/**
 * What one phase did (or would do, in a dry run) in one run.
 *
 * @param retryAt for a swap blocked only because its earliest safe instant has not come: that instant
 *                (so {@code apply --wait} sleeps until then); null otherwise
 */
public record PhaseResult(String phase, Action action, Outcome outcome, String message, List<RRsetChange> changes,
        java.time.Instant retryAt) {

    public enum Outcome {
        DONE("done"), FAILED("failed"), BLOCKED("blocked"), WOULD_RUN("would run"), ROLLED_BACK("rolled back");

        private final String word;

        Outcome(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public PhaseResult {
        changes = List.copyOf(changes);
    }

    public PhaseResult(String phase, Action action, Outcome outcome, String message, List<RRsetChange> changes) {
        this(phase, action, outcome, message, changes, null);
    }
}
