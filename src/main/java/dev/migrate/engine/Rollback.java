package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Undoes every committed batch, newest first, each through the journaled path. Undoing a swap brings back
 * the old data at the lowered TTL it had then; undoing lower-ttl brings back the original TTL. A record
 * someone else changed since the tool wrote it stops the rollback (nothing of it overwritten) unless forced.
 */
final class Rollback {
    private Rollback() {}

    /** What a rollback would put back, newest first; writes nothing. */
    static List<RRsetChange> preview(JournalState st) {
        List<RRsetChange> would = new ArrayList<>();
        List<Batch> undo = new ArrayList<>(st.undoable());
        Collections.reverse(undo);
        for (Batch b : undo) for (RRsetChange c : b.changes()) would.add(c.inverse());
        return would;
    }

    /** Where a batch is read back and undone: the provider it was written to, and its journaled writer. */
    record Route(LiveZones live, JournaledWriter writer) {}

    static List<RRsetChange> run(Ledger ledger, LiveZones live, JournaledWriter writer, EngineListener listener,
            boolean force) throws IOException, EngineException {
        Route only = new Route(live, writer);
        return run(ledger, b -> only, listener, force);
    }

    /** The same, each batch undone through {@code route.apply(batch)} (a provider move writes to two providers). */
    static List<RRsetChange> run(Ledger ledger, java.util.function.Function<Batch, Route> route, EngineListener listener,
            boolean force) throws IOException, EngineException {
        JournalState st = ledger.state();
        List<Batch> undo = new ArrayList<>(st.undoable());
        // Nothing to undo: done, unless a rollback was started and not finished (then record its end).
        if (undo.isEmpty() && (!st.rollbackStarted() || st.rolledBackAt().isPresent())) return List.of();
        Collections.reverse(undo);
        ledger.append(new Entry.RollbackStarted(force));
        List<RRsetChange> done = new ArrayList<>();
        for (Batch b : undo) {
            ZoneSnapshot now;
            Route to = route.apply(b);
            try {
                now = to.live().read(b.zone(), b.changes().stream().map(RRsetChange::key).toList());
            } catch (ProviderException e) {
                ledger.append(new Entry.RollbackFailed(e.getMessage()));
                throw new EngineException(Verdict.FAILURE, e.getMessage() + "; rollback stopped, run it again");
            }
            List<String> changedBySomeoneElse = new ArrayList<>();
            List<RRsetChange> inverse = new ArrayList<>();
            for (RRsetChange c : b.changes()) {
                RRset current = now.get(c.key());
                if (!Objects.equals(current, c.after())) {
                    changedBySomeoneElse.add(c.key() + " is " + JournaledWriter.image(current) + " but the tool wrote "
                            + JournaledWriter.image(c.after()));
                }
                RRset from = force ? current : c.after();
                if (!Objects.equals(from, c.before())) inverse.add(new RRsetChange(c.zone(), c.key(), from, c.before()));
            }
            if (!changedBySomeoneElse.isEmpty() && !force) {
                String why = "changed by someone else since the tool wrote it: " + String.join("; ", changedBySomeoneElse);
                ledger.append(new Entry.RollbackFailed(why));
                throw new EngineException(Verdict.BLOCKED, "rollback stopped: " + why + ". Nothing of it was"
                        + " overwritten; check these records, then 'migrate rollback --force' to put the old data back anyway");
            }
            if (!changedBySomeoneElse.isEmpty()) {
                ledger.append(new Entry.Forced(Event.ROLLBACK_PHASE, String.join("; ", changedBySomeoneElse)));
            }
            // An empty inverse writes nothing but records that this batch is undone, so a later rollback skips it.
            to.writer().undo(b, inverse);
            done.addAll(inverse);
        }
        ledger.append(new Entry.RollbackFinished(done.size()));
        listener.event(new EngineEvent.RollbackFinished(done.size()));
        return done;
    }
}
