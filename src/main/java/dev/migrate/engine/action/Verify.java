package dev.migrate.engine.action;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseChanges;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Target;
import dev.migrate.engine.Verdict;
import dev.migrate.plan.Action;
import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** verify: the live records are still what the plan expects, and the new servers answer as they should. */
final class Verify implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = run.readLive();
        Optional<ScheduledPhase> swap = nextSwap(run.timeline(), run.phase());
        List<Target> targets = swap.isPresent() ? run.stepTargets(swap.get().id(), live) : List.of();
        List<String> drift = PhaseChanges.drift(targets, live);
        run.started(false);
        run.recordSerials(live); // the serials before the move, as the runbooks say to note them
        if (!drift.isEmpty()) {
            throw new EngineException(Verdict.BLOCKED, "drift: " + String.join("; ", drift)
                    + ". Fix the live records or the plan's 'from', then run apply again");
        }
        String checked = run.runChecks(run.phase().id(), run.plan().checksFor(run.phase().spec()));
        return run.finished("from-data matches live; " + checked, List.of(), Entry.PhaseFinished.plain(run.phase().id()));
    }

    /** The swap step a verify checks the from-data of: the first swap after it. */
    static Optional<ScheduledPhase> nextSwap(Timeline timeline, ScheduledPhase verify) {
        boolean after = false;
        for (ScheduledPhase p : timeline.phases()) {
            if (after && p.action() == Action.SWAP) return Optional.of(p);
            if (p.id().equals(verify.id())) after = true;
        }
        return Optional.empty();
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        List<CheckSpec> checks = p.plan().checksFor(p.phase().spec());
        return new PhaseOutcome.WouldRun("would check that live data matches 'from' and run "
                + (checks.isEmpty() ? "no service checks" : "checks " + checks.stream().map(CheckSpec::id).toList()),
                List.of());
    }
}
