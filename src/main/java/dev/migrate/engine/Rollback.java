package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Takes swaps back, newest first, through the journaled path, keeping the lowered TTLs: the runbooks revert
 * fast because the TTLs are still low, and a retry should not need a new 72-hour lowering. The reverted data
 * is then confirmed on every authoritative address, and the TTLs' return is scheduled (restore-ttl, run by
 * apply when due). A record someone else changed since the tool wrote it is left alone and named; every
 * other RRset is put back.
 */
final class Rollback {
    private Rollback() {}

    /** Confirms that the reverted data is served everywhere (the same rules as confirm). */
    interface RevertCheck {
        PropagationCheck.Outcome await(List<Expectation> reverted) throws EngineException;
    }

    /**
     * What a rollback did.
     *
     * @param live      the reverted data seen on every authoritative address; null when nothing was written
     * @param restoreAt when the lowered TTLs go back up; null when no lowering is in force
     */
    record Result(List<RRsetChange> undone, PropagationCheck.Outcome live, Instant restoreAt) {
        /** The TTL the reverted records are served at, in words that never claim one that is not served. */
        String servedAt(long lowered) {
            // The last write to each RRset is what it is served as now.
            java.util.Map<String, RRset> last = new java.util.HashMap<>();
            for (RRsetChange c : undone) last.put(c.zone() + " " + c.key(), c.after());
            Set<Long> ttls = new TreeSet<>();
            for (RRset s : last.values()) if (s != null) ttls.add(s.ttl());
            if (ttls.isEmpty()) return "";
            if (ttls.size() == 1 && ttls.contains(lowered)) return " at the lowered TTL (" + lowered + " s)";
            return " at TTL " + String.join(", ", ttls.stream().map(t -> t + " s").toList());
        }
    }

    /**
     * The forward batches a rollback of {@code phases} (swap steps, a provider move's copy) takes back: their
     * batches and every committed batch after the first of them (a restore-ttl that came after them too),
     * newest first. {@code keep} (lower-ttl) is never taken back: the lowering stays in force.
     */
    static List<Batch> scope(JournalState st, Set<String> phases, Set<String> keep) {
        List<Batch> undoable = st.undoable();
        long from = Long.MAX_VALUE;
        for (Batch b : undoable) if (phases.contains(b.phase())) from = Math.min(from, b.intent().seq());
        List<Batch> out = new ArrayList<>();
        for (Batch b : undoable) {
            if (!keep.contains(b.phase()) && (phases.contains(b.phase()) || b.intent().seq() >= from)) out.add(b);
        }
        Collections.reverse(out);
        return out;
    }

    /** The scope of a rollback of {@code phases} in this timeline (its lower-ttl phases kept). */
    static List<Batch> scope(JournalState st, Set<String> phases, Timeline timeline) {
        Set<String> keep = new java.util.HashSet<>();
        timeline.all(dev.migrate.plan.Action.LOWER_TTL).forEach(p -> keep.add(p.id()));
        return scope(st, phases, keep);
    }

    /** What a rollback of this scope would put back, newest first; writes nothing. */
    static List<RRsetChange> preview(List<Batch> scope) {
        List<RRsetChange> would = new ArrayList<>();
        for (Batch b : scope) for (RRsetChange c : b.changes()) would.add(c.inverse());
        return would;
    }

    /**
     * Where a batch is read back and undone: the provider it was written to, and its journaled writer.
     *
     * @param confirmed the revert is then confirmed on the plan's authoritative servers (the plan's provider);
     *                  a provider move's new provider, not yet delegated to, is only read back
     */
    record Route(LiveZones live, JournaledWriter writer, boolean confirmed) {
        Route(LiveZones live, JournaledWriter writer) {
            this(live, writer, true);
        }
    }

    /**
     * Undoes {@code scope} (newest first), confirms the reverted data, and schedules the TTLs' return
     * {@code restoreAfter} from now while a lowering is in force. Returns an empty result when there was
     * nothing to do.
     */
    static Result run(Timeline timeline, Ledger ledger, LiveZones live, JournaledWriter writer, EngineListener listener,
            boolean force, List<Batch> scope, RevertCheck check, java.time.Duration restoreAfter, Instant now)
            throws IOException, EngineException {
        Route only = new Route(live, writer);
        return run(timeline, ledger, b -> only, listener, force, scope, check, restoreAfter, now);
    }

    /** The same, each batch read back and undone at the provider it was written to (a provider move has two). */
    static Result run(Timeline timeline, Ledger ledger, java.util.function.Function<Batch, Route> route,
            EngineListener listener, boolean force, List<Batch> scope, RevertCheck check, java.time.Duration restoreAfter,
            Instant now) throws IOException, EngineException {
        JournalState st = ledger.state();
        boolean unfinished = st.rollbackStarted() && st.rolledBackAt().isEmpty();
        boolean firstOfLowering = !st.rollbackStarted() && JournalFacts.lowering(timeline, st) != null;
        if (scope.isEmpty() && !unfinished && !firstOfLowering) return new Result(List.of(), null, null);
        ledger.append(new Entry.RollbackStarted(force));
        listener.event(new EngineEvent.RollbackStarted(force));
        List<RRsetChange> done = new ArrayList<>();
        List<RRsetChange> onServers = new ArrayList<>();
        List<String> keptBack = new ArrayList<>();
        for (Batch b : scope) {
            ZoneSnapshot served;
            Route to = route.apply(b);
            try {
                served = to.live().read(b.zone(), b.changes().stream().map(RRsetChange::key).toList());
            } catch (ProviderException e) {
                ledger.append(new Entry.RollbackFailed(e.getMessage()));
                throw new EngineException(Verdict.FAILURE, e.getMessage() + "; rollback stopped, run it again");
            }
            List<RRsetChange> inverse = new ArrayList<>();
            List<RRsetKey> kept = new ArrayList<>();
            List<String> forced = new ArrayList<>();
            for (RRsetChange c : b.changes()) {
                RRset current = served.get(c.key());
                if (Objects.equals(current, c.before())) continue; // already back
                if (!Objects.equals(current, c.after())) {
                    String who = c.key() + " is " + JournaledWriter.image(current) + " but the tool wrote "
                            + JournaledWriter.image(c.after());
                    if (!force) {
                        kept.add(c.key());
                        keptBack.add(who);
                        continue;
                    }
                    forced.add(who);
                }
                inverse.add(new RRsetChange(c.zone(), c.key(), current, c.before()));
            }
            if (!forced.isEmpty()) ledger.append(new Entry.Forced(Event.ROLLBACK_PHASE, String.join("; ", forced)));
            // An empty inverse writes nothing but records this batch undone, so a later rollback skips it.
            to.writer().undo(b, inverse, kept);
            done.addAll(inverse);
            if (to.confirmed()) onServers.addAll(inverse);
        }
        if (!keptBack.isEmpty()) {
            String why = "changed by someone else since the tool wrote it: " + String.join("; ", keptBack);
            ledger.append(new Entry.RollbackFailed(why));
            throw new EngineException(Verdict.BLOCKED, "rollback stopped: " + why + ". Nothing of it was overwritten"
                    + (done.isEmpty() ? "" : "; every other RRset (" + done.size() + ") was put back")
                    + ". Check these records, then run 'migrate rollback' again ('migrate rollback --force' puts the"
                    + " old data back over them)");
        }
        PropagationCheck.Outcome seen = null;
        // An RRset undone twice (restore-ttl's TTL, then the swap's data) is expected as it was before the oldest.
        java.util.Map<String, Expectation> last = new java.util.LinkedHashMap<>();
        for (RRsetChange c : onServers) last.put(c.zone() + " " + c.key(), new Expectation(c.zone(), c.key(), c.after()));
        List<Expectation> reverted = new ArrayList<>(last.values());
        if (!reverted.isEmpty()) seen = check.await(reverted);
        ledger.append(new Entry.RollbackFinished(done.size(), seen == null ? null : seen.live()));
        Instant restoreAt = null;
        if (JournalFacts.loweringInForce(timeline, ledger.state())) {
            restoreAt = now.plus(restoreAfter);
            ledger.append(new Entry.RestoreScheduled(restoreAt));
        }
        listener.event(new EngineEvent.RollbackFinished(done.size()));
        return new Result(done, seen, restoreAt);
    }
}
