package dev.migrate.engine.action;

import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.engine.SoakRule;
import dev.migrate.plan.Action;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * release-old: the decision that the old provider may go, once no cache can still hold the old delegation
 * ({@link SoakRule}, from await-delegation's journaled facts). Before that it is held (exit 4, saying until
 * when). It deletes nothing: removing the zone at the old provider is the operator's, when they choose.
 */
final class ReleaseOld implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Gate g = SoakRule.release(facts(run.timeline(), run.journal()), run.now(), run.force());
        if (g instanceof Gate.Refused r) return new PhaseOutcome.Blocked(r.why());
        if (g instanceof Gate.HeldUntil h) return new PhaseOutcome.HeldUntil(h.until(), h.why());
        Gate.Open open = (Gate.Open) g;
        if (open.forced()) run.forced(open.forcedReasons());
        run.started(open.forced());
        return run.finished("the old provider may be let go" + (open.forced() ? " (FORCED)" : ": the old delegation has run"
                + " out of every cache") + ". Nothing was deleted there: remove the zone at the old provider when you choose",
                List.of(), new Entry.PhaseFinished(run.phase().id(), null, null, open.forced()));
    }

    /** await-delegation's journaled facts, or null when it has not seen the delegation everywhere. */
    static SoakRule.Facts facts(Timeline timeline, JournalState st) {
        return timeline.first(Action.AWAIT_DELEGATION).map(ScheduledPhase::id).flatMap(st::delegationSeen)
                .map(d -> new SoakRule.Facts(d.seenAt(), d.parentNsTtl(), d.oldChildNsTtl(), d.margin())).orElse(null);
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        SoakRule.Facts f = facts(p.timeline(), p.journal());
        if (f == null) {
            return new PhaseOutcome.WouldRun("would let the old provider go once parent NS TTL + old NS TTL + margin have"
                    + " passed since await-delegation saw the new delegation everywhere", List.of());
        }
        Gate g = SoakRule.release(f, p.now(), p.force());
        if (g instanceof Gate.HeldUntil h) return new PhaseOutcome.HeldUntil(h.until(), h.why());
        Instant at = f.releaseAt();
        return new PhaseOutcome.WouldRun("would let the old provider go (safe since " + at + ")", List.of());
    }
}
