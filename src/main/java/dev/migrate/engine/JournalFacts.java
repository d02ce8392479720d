package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.plan.Action;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import java.time.Instant;
import java.util.HashMap;
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

    /** Every RRset a forward batch changed and no rollback undid. */
    public static Set<ZonedKey> touched(JournalState st) {
        Set<ZonedKey> touched = new LinkedHashSet<>();
        for (Batch b : st.undoable()) for (RRsetChange c : b.changes()) touched.add(new ZonedKey(c.zone(), c.key()));
        return touched;
    }
}
