package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.util.List;

/**
 * One journaled write: its intent and what became of it.
 *
 * @param writtenTo the provider it went to (a provider move has two)
 */
public record Batch(String id, String phase, String zone, List<RRsetChange> changes, Status status,
        String undoes, Event intent, WrittenTo writtenTo) {

    public enum Status { PENDING, COMMITTED, ABORTED }

    /** The same batch with another status. */
    public Batch with(Status s) {
        return new Batch(id, phase, zone, changes, s, undoes, intent, writtenTo);
    }

    /** The same batch showing only {@code these} of its changes. */
    public Batch withChanges(List<RRsetChange> these) {
        return new Batch(id, phase, zone, these, status, undoes, intent, writtenTo);
    }

    public boolean isRollback() {
        return Event.ROLLBACK_PHASE.equals(phase);
    }
}
