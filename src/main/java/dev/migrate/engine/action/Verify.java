package dev.migrate.engine.action;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseChanges;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Target;
import dev.migrate.engine.Verdict;
import dev.migrate.plan.CheckSpec;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/** verify: the live records are still what the plan expects, and the new servers answer as they should. */
final class Verify implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = run.readLive();
        List<Target> targets = run.targets(live);
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

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        List<CheckSpec> checks = p.plan().checksFor(p.phase().spec());
        return new PhaseOutcome.WouldRun("would check that live data matches 'from' and run "
                + (checks.isEmpty() ? "no service checks" : "checks " + checks.stream().map(CheckSpec::id).toList()),
                List.of());
    }
}
