package dev.migrate.engine;

import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalSession;
import dev.migrate.state.JournalState;
import dev.migrate.state.LockHeldException;
import dev.migrate.state.StateStore;
import java.io.IOException;

/**
 * One locked run's journal: appends typed entries through the store and folds each into the run's
 * {@link JournalState} as it goes, so nothing is read back from disk while the run lasts.
 */
public final class Ledger implements AutoCloseable {
    private final JournalSession session;
    private final JournalState state;

    private Ledger(JournalSession session) {
        this.session = session;
        this.state = JournalState.of(session.eventsAtOpen());
    }

    /** Takes the lock for {@code command}; a lock held elsewhere is exit 5, naming the holder. */
    public static Ledger open(StateStore store, String command) throws EngineException {
        try {
            return new Ledger(store.open(command));
        } catch (LockHeldException e) {
            throw new EngineException(Verdict.LOCKED, e.getMessage());
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "state " + store.describe() + ": " + e.getMessage(), e);
        }
    }

    /** What the journal says now, this run's lines included. */
    public JournalState state() {
        return state;
    }

    public Event append(Entry entry) throws IOException {
        Entry.Wire w = entry.wire();
        Event e = session.append(w.type(), w.phase(), w.batch(), w.zone(), w.changes(), w.info());
        state.record(e);
        return e;
    }

    /** Stops the run (exit 1) when it no longer holds the lock: called before every provider write. */
    public void stillHeld() throws EngineException {
        try {
            session.stillHeld();
        } catch (dev.migrate.state.LockLostException e) {
            throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
        }
    }

    /** The id of the next batch: {@code <phase>#<n>}, n counting every batch of this journal. */
    public String nextBatchId(String phase) {
        return phase + "#" + (state.batchCount() + 1);
    }

    public String archive() throws IOException {
        return session.archive();
    }

    public String location() {
        return session.location();
    }

    @Override
    public void close() throws EngineException {
        try {
            session.close();
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "letting go of the lock: " + e.getMessage(), e);
        }
    }
}
