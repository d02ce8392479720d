package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.plan.Action;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What the journal says that the safety rules and the TTL actions need, as typed facts. Pure. */
public final class JournalFacts {
    private JournalFacts() {}

    /** lower-ttl's confirmed facts (when the lowered TTL was everywhere, the largest original TTL), or null. */
    public static Entry.SafeSwap lowering(Timeline timeline, JournalState st) {
        Optional<ScheduledPhase> lower = timeline.first(Action.LOWER_TTL);
        if (lower.isEmpty()) return null;
        return st.phase(lower.get().id()).filter(JournalState.PhaseRecord::done)
                .map(r -> r.finish().safeSwap()).orElse(null);
    }

    /** From the journal: when lower-ttl was confirmed + the largest original TTL + margin; null without it. */
    public static Instant earliestSafeSwap(Timeline timeline, JournalState st) {
        Entry.SafeSwap s = lowering(timeline, st);
        return s == null ? null : s.earliestSafeSwap();
    }

    /**
     * Original TTL per RRset: the before-image of its first journaled write by lower-ttl, else by the swap.
     * restore-ttl's own batches do not count: their before-images hold the lowered TTL, and a restore
     * resumed after a crash would otherwise take that as the original of an RRset the swap created.
     */
    public static Map<ZonedKey, Long> originalTtls(Timeline timeline, JournalState st) {
        Map<ZonedKey, Long> out = new HashMap<>();
        for (Batch b : st.undoable()) {
            Action by = timeline.phase(b.phase()).map(ScheduledPhase::action).orElse(null);
            if (by != Action.LOWER_TTL && by != Action.SWAP) continue;
            for (RRsetChange c : b.changes()) {
                if (c.before() != null) out.putIfAbsent(new ZonedKey(c.zone(), c.key()), c.before().ttl());
            }
        }
        return out;
    }

    /**
     * True while TTLs this migration lowered are still low: lower-ttl is done, and neither a restore-ttl of
     * the timeline (not taken back by a rollback) nor the restore after a rollback has put them back up.
     */
    public static boolean loweringInForce(Timeline timeline, JournalState st) {
        if (lowering(timeline, st) == null) return false;
        if (st.isDone(Scheduler.RESTORE_AFTER_ROLLBACK)) return false;
        for (ScheduledPhase r : timeline.all(Action.RESTORE_TTL)) {
            if (st.isDone(r.id()) && st.undoable().stream().anyMatch(b -> b.phase().equals(r.id()))) return false;
        }
        return true;
    }

    /** The last image the tool wrote to each RRset (null: it deleted it), from the batches still in place. */
    public static Map<ZonedKey, RRset> lastWritten(JournalState st) {
        Map<ZonedKey, RRset> out = new HashMap<>();
        for (Batch b : st.undoable()) for (RRsetChange c : b.changes()) out.put(new ZonedKey(c.zone(), c.key()), c.after());
        return out;
    }

    /** Targets whose live data is not what the journal says the tool last wrote there. */
    public static List<String> changedSinceWritten(JournalState st, List<Target> targets, Map<String, ZoneSnapshot> live) {
        Map<ZonedKey, RRset> written = lastWritten(st);
        List<String> out = new ArrayList<>();
        for (Target t : targets) {
            ZonedKey k = new ZonedKey(t.zone(), t.key());
            if (!written.containsKey(k)) continue;
            RRset now = live.get(t.zone()).get(t.key());
            RRset wrote = written.get(k);
            if (!java.util.Objects.equals(now, wrote)) {
                out.add(t.key() + " is " + JournaledWriter.image(now) + " but the tool last wrote " + JournaledWriter.image(wrote));
            }
        }
        return out;
    }

    /**
     * The earlier swap steps that changed any of {@code targets}, and from when a step after them is safe:
     * their confirmation + the lowered TTL + margin (their finish, when no confirm phase confirms them).
     */
    public static List<SafetyGate.EarlierStep> earlierSteps(Timeline timeline, JournalState st, ScheduledPhase step,
            List<Target> targets, java.time.Duration margin) {
        Set<ZonedKey> keys = new java.util.HashSet<>();
        for (Target t : targets) keys.add(new ZonedKey(t.zone(), t.key()));
        List<SafetyGate.EarlierStep> out = new ArrayList<>();
        for (ScheduledPhase j : timeline.before(step)) {
            if (j.action() != Action.SWAP) continue;
            boolean touches = st.inPlace(j.id()).stream().anyMatch(c -> keys.contains(new ZonedKey(c.zone(), c.key())));
            if (!touches) continue;
            Optional<ScheduledPhase> c = timeline.confirmOf(j);
            Optional<Instant> live = c.isPresent() ? confirmedAt(st, c.get().id()) : st.phase(j.id()).map(JournalState.PhaseRecord::finishedAt);
            out.add(new SafetyGate.EarlierStep(j.id(), c.map(ScheduledPhase::id).orElse(null),
                    live.map(at -> at.plus(timeline.ttl()).plus(margin)).orElse(null)));
        }
        return out;
    }

    private static Optional<Instant> confirmedAt(JournalState st, String confirm) {
        return st.phase(confirm).filter(JournalState.PhaseRecord::done)
                .map(r -> r.finish() != null && r.finish().confirmedAt() != null ? r.finish().confirmedAt() : r.finishedAt());
    }

    /** Every RRset a forward batch changed and no rollback undid. */
    public static Set<ZonedKey> touched(JournalState st) {
        Set<ZonedKey> touched = new LinkedHashSet<>();
        for (Batch b : st.undoable()) for (RRsetChange c : b.changes()) touched.add(new ZonedKey(c.zone(), c.key()));
        return touched;
    }
}
