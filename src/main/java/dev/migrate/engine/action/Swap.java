package dev.migrate.engine.action;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.JournalFacts;
import dev.migrate.engine.PhaseChanges;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Planner;
import dev.migrate.engine.Safety;
import dev.migrate.engine.SafetyGate;
import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.engine.Target;
import dev.migrate.plan.Action;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * swap: the new data, at the lowered TTL, once the safety gate opens; the service checks run once more
 * just before (preflight), so a server that went down since verify stops the swap.
 */
final class Swap implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = run.readLive();
        List<Target> targets = run.stepTargets(run.phase().id(), live);
        var ttl = run.plan().ttl();
        Gate gate = SafetyGate.swap(new SafetyGate.SwapFacts(PhaseChanges.drift(targets, live),
                JournalFacts.changedSinceWritten(run.journal(), targets, live), PhaseChanges.notLowered(targets, live, ttl),
                JournalFacts.lowering(run.timeline(), run.journal()),
                JournalFacts.earlierSteps(run.timeline(), run.journal(), run.phase(), targets, ttl.marginFor(ttl.lowered()))),
                run.now(), run.force());
        if (gate instanceof Gate.Refused r) return new PhaseOutcome.Blocked(r.why());
        if (gate instanceof Gate.HeldUntil h) return new PhaseOutcome.HeldUntil(h.until(), h.why());
        Gate.Open open = (Gate.Open) gate;
        if (open.forced()) run.forced(open.forcedReasons());
        run.started(open.forced());
        if (run.phase().spec().preflight() && !run.plan().checks().isEmpty()) {
            run.runChecks(run.phase().id() + " preflight", run.plan().checksFor(verifyBefore(run).spec()));
        }
        List<RRsetChange> changes = PhaseChanges.swap(targets, live, run.plan().ttl());
        run.write(changes);
        run.recordSerials(Planner.applyTo(live, changes)); // which addresses already serve the swap's serial
        return run.finished(changes.size() + " RRset(s) swapped" + (open.forced() ? " (FORCED)" : ""), changes,
                new Entry.PhaseFinished(run.phase().id(), null, null, open.forced()));
    }

    /** The checks the swap re-runs are those of the verify before it (the first verify, else every check). */
    private static ScheduledPhase verifyBefore(PhaseRun run) {
        ScheduledPhase last = null;
        for (ScheduledPhase p : run.timeline().before(run.phase())) if (p.action() == Action.VERIFY) last = p;
        return last != null ? last : run.timeline().first(Action.VERIFY).orElse(run.phase());
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) throws EngineException {
        Entry.SafeSwap lowering = JournalFacts.lowering(p.timeline(), p.journal());
        if (lowering == null && p.simulatedLoweringAt() != null) {
            // The lowering this dry run pretends ran now: safe once the TTLs live now have run out.
            long maxOrig = Planner.maxOriginalTtl(p.targets(), p.liveAtStart());
            Instant confirmed = p.simulatedLoweringAt();
            var margin = p.plan().ttl().marginFor(maxOrig);
            lowering = new Entry.SafeSwap(confirmed, maxOrig, margin, Safety.earliestSafeSwap(confirmed, maxOrig, margin));
        }
        List<Target> targets = p.stepTargets(p.phase().id());
        Gate gate = SafetyGate.swap(PhaseChanges.drift(targets, p.simulated()),
                PhaseChanges.notLowered(targets, p.simulated(), p.plan().ttl()), lowering, p.now(), p.force());
        if (gate instanceof Gate.Refused r) return new PhaseOutcome.Blocked(r.why());
        if (gate instanceof Gate.HeldUntil h) return new PhaseOutcome.HeldUntil(h.until(), h.why());
        List<RRsetChange> changes = PhaseChanges.swap(targets, p.simulated(), p.plan().ttl());
        return new PhaseOutcome.WouldRun("would swap " + changes.size() + " RRset(s)", changes);
    }
}
