package dev.migrate.engine.action;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineEvent;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.JournalFacts;
import dev.migrate.engine.PhaseChanges;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Planner;
import dev.migrate.engine.Safety;
import dev.migrate.engine.Target;
import dev.migrate.engine.Verdict;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * lower-ttl: the affected RRsets' TTL down to the plan's lowered TTL, then wait until every authoritative
 * address serves it. When that is seen fixes the earliest safe swap (RFC 1034 §3.6): it is journaled.
 */
final class LowerTtl implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = run.readLive();
        List<Target> targets = run.targets(live);
        long maxOrig = maxOriginalTtl(run, targets, live);
        run.started(false);
        List<RRsetChange> changes = PhaseChanges.lowerTtl(targets, live, run.plan().ttl());
        run.write(changes);
        Map<String, ZoneSnapshot> after = Planner.applyTo(live, changes);
        List<Expectation> expect = new ArrayList<>();
        for (Target t : targets) {
            RRset s = after.get(t.zone()).get(t.key());
            if (s != null) expect.add(new Expectation(t.zone(), t.key(), s));
        }
        PropagationCheck.Outcome out = run.awaitLive(after, expect);
        if (!out.live()) {
            throw new EngineException(Verdict.CHECK_FAILED, "the lowered TTL is not yet served everywhere: "
                    + out.summary() + PhaseRun.problems(out) + "; the next apply checks again (the swap waits for it)");
        }
        Instant confirmedAt = out.confirmedAt() != null ? out.confirmedAt() : run.now();
        Duration margin = run.plan().ttl().marginFor(maxOrig);
        Instant earliest = Safety.earliestSafeSwap(confirmedAt, maxOrig, margin);
        run.emit(new EngineEvent.LoweringConfirmed(run.phase().id(), confirmedAt, earliest));
        return run.finished(changes.size() + " RRset(s) lowered to TTL " + run.plan().ttl().lowered() + "; confirmed at "
                        + confirmedAt + " (" + out.summary() + "); earliest safe swap " + earliest, changes,
                new Entry.PhaseFinished(run.phase().id(), confirmedAt,
                        new Entry.SafeSwap(confirmedAt, maxOrig, margin, earliest), false));
    }

    /**
     * The largest TTL resolvers may hold for a target: what the journal says it was before an earlier
     * lowering, else what it is now. Records resolvers never cache do not count (see {@link RRsetNote}).
     */
    private static long maxOriginalTtl(PhaseRun run, List<Target> targets, Map<String, ZoneSnapshot> live) {
        Map<ZonedKey, Long> originals = JournalFacts.originalTtls(run.timeline(), run.journal());
        long max = 0;
        for (Target t : targets) {
            RRsetNote note = live.get(t.zone()).note(t.key());
            if (note != null && note.instantSwap()) continue;
            RRset now = live.get(t.zone()).get(t.key());
            Long orig = originals.get(new ZonedKey(t.zone(), t.key()));
            if (orig != null) max = Math.max(max, orig);
            else if (now != null) max = Math.max(max, now.ttl());
        }
        return max;
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        List<RRsetChange> changes = PhaseChanges.lowerTtl(p.targets(), p.simulated(), p.plan().ttl());
        p.simulateLoweringConfirmed();
        return new PhaseOutcome.WouldRun("would lower " + changes.size() + " RRset(s) to TTL " + p.plan().ttl().lowered()
                + " and wait until every server serves it", changes);
    }
}
