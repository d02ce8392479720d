package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * One locked run's view of the journal: the events found when the lock was taken, and appends. A session
 * never re-reads what it wrote: callers fold each returned {@link Event} into their own state.
 */
public interface JournalSession extends AutoCloseable {

    /** The events in the journal when the lock was taken, oldest first. */
    List<Event> eventsAtOpen();

    /**
     * Appends one event; durable before it returns. Refused with {@link LockLostException} when this run
     * no longer holds the lock (the state directory was replaced, another host took the lock over): the
     * caller must stop before it touches DNS again.
     */
    Event append(String type, String phase, String batch, String zone, List<RRsetChange> changes,
            Map<String, String> info) throws IOException;

    default Event append(String type, String phase, Map<String, String> info) throws IOException {
        return append(type, phase, null, null, null, info);
    }

    /**
     * Throws {@link LockLostException} when this run no longer holds the lock (its state directory was
     * replaced under it). Called before every provider write as well as on every append, so a run that lost
     * its lock never touches DNS again.
     */
    default void stillHeld() throws LockLostException {}

    /**
     * Starts a fresh journal (after a rollback, for {@code apply --restart}), keeping the old one where an
     * operator can read it. Returns where it was kept, safe to print.
     */
    String archive() throws IOException;

    /** Where the journal is, for messages (a file path, or the database and migration name). */
    String location();

    /** Lets go of the lock. */
    @Override
    void close() throws IOException;
}
