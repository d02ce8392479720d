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
    private static long maxOriginalTtl(PhaseRun run, List<Target> targets, Map<String, ZoneSnapshot> live)
            throws EngineException {
        Map<ZonedKey, Long> originals = JournalFacts.originalTtls(run.timeline(), run.journal());
        long lowered = run.plan().ttl().lowered();
        long max = 0;
        int fromLive = 0;
        int atLowered = 0;
        for (Target t : targets) {
            RRsetNote note = live.get(t.zone()).note(t.key());
            if (note != null && note.instantSwap()) continue;
            RRset now = live.get(t.zone()).get(t.key());
            Long orig = originals.get(new ZonedKey(t.zone(), t.key()));
            if (orig != null) {
                max = Math.max(max, orig);
            } else if (now != null) {
                max = Math.max(max, now.ttl());
                fromLive++;
                if (now.ttl() == lowered) atLowered++;
            }
        }
        if (run.originalTtl() != null) return Math.max(max, run.originalTtl());
        // Every target already at exactly the lowered TTL while the rest of its zone is longer, and no journal
        // line says the tool lowered it: that is what a lost or second journal looks like. Taking 300 s as the
        // original would let the swap run minutes after a real 3600 s TTL was lowered, while caches still hold
        // it. (A zone served at 300 s throughout is simply already low.)
        if (fromLive > 0 && atLowered == fromLive && originals.isEmpty() && restOfZoneLonger(targets, live, lowered)) {
            throw new EngineException(Verdict.BLOCKED, "every RRset this plan moves already has the lowered TTL " + lowered
                    + " s, and the journal (" + run.journalLocation() + ") records no lowering: an earlier lower-ttl whose"
                    + " journal is lost, or another copy of this plan with its own state, may have lowered them, and"
                    + " their original TTL is unknown. Restore the journal from a copy; or, if " + lowered + " s really"
                    + " is their original TTL (or you know the original), run 'migrate apply --phase "
                    + run.phase().id() + " --original-ttl SECONDS' once");
        }
        return max;
    }

    /** Some other RRset of a target's zone (not its SOA or apex NS, which providers set their own way) is above {@code ttl}. */
    private static boolean restOfZoneLonger(List<Target> targets, Map<String, ZoneSnapshot> live, long ttl) {
        java.util.Set<dev.migrate.dns.RRsetKey> moved = new java.util.HashSet<>();
        for (Target t : targets) moved.add(t.key());
        for (String zone : targets.stream().map(Target::zone).distinct().toList()) {
            for (RRset s : live.get(zone).rrsets()) {
                boolean apexNs = s.type().equals("NS") && s.name().equals(zone);
                if (!moved.contains(s.key()) && !s.type().equals("SOA") && !apexNs && s.ttl() > ttl) return true;
            }
        }
        return false;
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        List<RRsetChange> changes = PhaseChanges.lowerTtl(p.targets(), p.simulated(), p.plan().ttl());
        p.simulateLoweringConfirmed();
        return new PhaseOutcome.WouldRun("would lower " + changes.size() + " RRset(s) to TTL " + p.plan().ttl().lowered()
                + " and wait until every server serves it", changes);
    }
}
