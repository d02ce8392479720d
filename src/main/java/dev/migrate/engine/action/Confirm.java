package dev.migrate.engine.action;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineEvent;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Verdict;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ResolverObservation;
import java.time.Instant;
import dev.migrate.state.Entry;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * confirm: wait until every authoritative address serves the swapped data; if it is not live by the
 * deadline, roll back (or, with {@code onFailure: halt}, stop and leave it to the operator).
 */
final class Confirm implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Optional<ScheduledPhase> swap = run.timeline().swapConfirmedBy(run.phase());
        List<RRsetChange> swapped = swap.map(s -> run.journal().inPlace(s.id())).orElse(List.of());
        run.started(false);
        String id = run.phase().id();
        if (swapped.isEmpty()) {
            return run.finished("nothing was swapped; nothing to confirm", List.of(), Entry.PhaseFinished.plain(id));
        }
        List<Expectation> expect = swapped.stream().map(c -> new Expectation(c.zone(), c.key(), c.after())).toList();
        Map<String, ZoneSnapshot> live = run.readLive();
        Instant deadline = run.now().plus(run.phase().spec().timeoutOrDefault());
        PropagationCheck.Outcome out = run.awaitLive(live, expect);
        String why;
        if (out.live()) {
            // The resolvers the plan watches: when their clients see the new answer (a report), or, with
            // resolvers: { gate: true }, a condition of the confirm too.
            Optional<ResolverObservation.Gate> resolvers = run.resolvers(expect, deadline);
            String seen = resolvers.map(g -> "; resolvers: " + g.summary()).orElse("");
            if (resolvers.isEmpty() || resolvers.get().allSeeNew() || !ResolverObservation.gated(run.plan())) {
                return run.finished("the swap is live: " + out.summary() + seen, List.of(),
                        new Entry.PhaseFinished(id, out.confirmedAt() != null ? out.confirmedAt() : run.now(), null, false));
            }
            why = "live on every authoritative address (" + out.summary() + "), but not every gated resolver's clients"
                    + " see it by the deadline" + seen;
        } else {
            why = "not live by the deadline: " + out.summary() + PhaseRun.problems(out);
        }
        run.failed(why, Verdict.CHECK_FAILED);
        if (run.phase().spec().onFailure() == OnFailure.HALT) {
            return new PhaseOutcome.Failed(why + ". onFailure is halt: nothing was rolled back; decide, then 'migrate"
                    + " rollback' or 'migrate apply --phase " + id + "'", Verdict.CHECK_FAILED);
        }
        run.emit(new EngineEvent.RollingBack(id, why));
        try {
            PhaseRun.Reverted r = run.rollback(Set.of(swap.get().id()));
            // Only the swap this phase confirms is taken back; earlier steps and waves stay as they are.
            return new PhaseOutcome.RolledBack(why + ". Rolled back " + swap.get().id() + " only: " + r.undone().size()
                    + " RRset change(s) undone; the old records are served again" + r.servedAt()
                    + (r.live() ? " on every authoritative address" : ", not yet on every address: " + r.seen())
                    + (r.restoreAt() == null ? "" : "; the TTLs stay lowered until restore-ttl at " + r.restoreAt()
                            + ", so a retry ('migrate apply --restart') needs no new lowering"), r.undone());
        } catch (EngineException e) {
            return new PhaseOutcome.Failed(why + ". The rollback that followed stopped: " + e.getMessage(),
                    Verdict.CHECK_FAILED);
        }
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        return new PhaseOutcome.WouldRun("would wait up to " + Durations.human(p.phase().spec().timeoutOrDefault())
                + " for every server to serve the swapped data", List.of());
    }
}
