package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.util.List;

/** One journaled write: its intent and what became of it. */
public record Batch(String id, String phase, String zone, List<RRsetChange> changes, Status status,
        String undoes, Event intent) {

    public enum Status { PENDING, COMMITTED, ABORTED }

    public boolean isRollback() {
        return Event.ROLLBACK_PHASE.equals(phase);
    }
}
