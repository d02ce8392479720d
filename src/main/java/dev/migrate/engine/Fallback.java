package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.engine.Scheduler.Progress;
import dev.migrate.plan.Action;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.Offset;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The way back: {@code migrate rollback} (all swap steps, or those after {@code --to}), keeping the lowered
 * TTLs so a retry is fast, and {@code apply --restart} after it. What a rollback writes, and how, is
 * {@link Rollback}; this is which swaps, which timeout, and what the operator is told.
 */
final class Fallback {
    private Fallback() {}

    static RunReport rollback(EngineParts parts, Engine.RollbackOptions o) throws EngineException {
        parts.requirePhase(o.toPhase());
        Timeline timeline = parts.timeline();
        if (o.dryRun()) {
            JournalState st = parts.journal();
            List<RRsetChange> would = Rollback.preview(Rollback.scope(st, undone(timeline, st, o.toPhase()), timeline));
            String msg = would.isEmpty() ? "nothing to roll back" : would.size() + " RRset change(s) would be undone, newest first";
            return new RunReport(List.of(new PhaseResult(Event.ROLLBACK_PHASE, null, new PhaseOutcome.WouldRun(msg, would))),
                    Verdict.OK, null, null, List.of());
        }
        try (LockedRun run = LockedRun.open(parts, "rollback")) {
            JournalState st = run.ledger().state();
            Set<String> phases = undone(timeline, st, o.toPhase());
            Rollback.Result r = Rollback.run(timeline, run.ledger(), run.routes(), run.listener(), o.force(),
                    Rollback.scope(st, phases, timeline), run.revertCheck(revertSpec(timeline, phases)), o.restoreAfter(),
                    parts.clock().instant());
            List<PhaseResult> results = new ArrayList<>();
            Verdict verdict = Verdict.OK;
            if (r.undone().isEmpty() && r.restoreAt() == null && r.live() == null) {
                results.add(new PhaseResult(Event.ROLLBACK_PHASE, null, new PhaseOutcome.Done("nothing to roll back", List.of())));
            } else {
                String msg = describe(parts, r);
                PhaseOutcome out = r.live() != null && !r.live().live()
                        ? new PhaseOutcome.Failed(msg, Verdict.CHECK_FAILED) : new PhaseOutcome.Done(msg, r.undone());
                results.add(new PhaseResult(Event.ROLLBACK_PHASE, null, out));
                verdict = out.verdict();
                if (r.restoreAt() != null && !r.restoreAt().isAfter(parts.clock().instant()) && verdict == Verdict.OK) {
                    PhaseResult restored = run.restoreAfterRollback(r.restoreAt());
                    results.add(restored);
                    verdict = restored.outcome().verdict();
                }
            }
            Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, run.ledger().state()));
            return new RunReport(results, verdict, next.map(Scheduler.Next::id).orElse(null),
                    next.map(Scheduler.Next::at).orElse(null), run.notes());
        } catch (IOException e) {
            throw parts.stateFailure(e);
        }
    }

    /** What a rollback did, in words that never claim a TTL that is not served: undone, served how, back up when. */
    static String describe(EngineParts parts, Rollback.Result r) {
        StringBuilder b = new StringBuilder();
        b.append(r.undone().isEmpty() ? "no swap to undo" : r.undone().size() + " RRset change(s) undone");
        if (r.live() != null) {
            b.append(r.live().live() ? "; the old records are served again" + r.servedAt(parts.plan().ttl().lowered())
                    + " on every authoritative address (" + r.live().summary() + ")"
                    : "; the reverted records are NOT yet served everywhere: " + r.live().summary() + PhaseRun.problems(r.live()));
        }
        if (r.restoreAt() != null) {
            b.append("; the TTLs stay lowered until restore-ttl at ").append(r.restoreAt())
                    .append(" (migrate apply runs it then), so a retry needs no new lowering");
        }
        return b.toString();
    }

    /**
     * The phases a rollback takes back: the swap steps (and a provider move's copy, which goes when rolled
     * back before the delegation), all of them, or those after {@code toPhase} in timeline order.
     */
    private static Set<String> undone(Timeline timeline, JournalState st, String toPhase) throws EngineException {
        Set<String> out = new LinkedHashSet<>();
        boolean after = toPhase == null;
        for (ScheduledPhase p : timeline.phases()) {
            boolean writes = p.action() == Action.SWAP || p.action() == Action.COPY_ZONE;
            if (after && writes) out.add(p.id());
            if (p.id().equals(toPhase)) {
                if (!st.isDone(toPhase)) {
                    throw new EngineException(Verdict.INVALID, "--to " + toPhase + ": that phase has not run; phases done are "
                            + timeline.phases().stream().map(ScheduledPhase::id).filter(st::isDone).toList());
                }
                after = true;
            }
        }
        return out;
    }

    /** The confirm phase of the first swap undone gives the revert's timeout and unreachable rule. */
    private static PhaseSpec revertSpec(Timeline timeline, Set<String> undone) {
        for (ScheduledPhase p : timeline.phases()) {
            if (undone.contains(p.id())) {
                Optional<ScheduledPhase> c = timeline.confirmOf(p);
                if (c.isPresent()) return c.get().spec();
            }
        }
        return new PhaseSpec(Event.ROLLBACK_PHASE, Offset.parse("T"), Action.CONFIRM, null, false, OnFailure.HALT, null,
                false, null, null, null);
    }

    /**
     * After a rollback. While the lowered TTLs are still in force the journal is kept and the timeline goes
     * on from the first undone swap, without a new lowering; otherwise the old journal is set aside and the
     * timeline starts again from its first phase.
     */
    static Engine.Restart restart(EngineParts parts) throws EngineException {
        Timeline timeline = parts.timeline();
        try (Ledger ledger = Ledger.open(parts.store(), "apply --restart")) {
            JournalState st = ledger.state();
            if (st.eventCount() == 0) throw new EngineException(Verdict.INVALID, "nothing to restart: no journal yet");
            if (st.rolledBackAt().isEmpty() && !st.undoable().isEmpty()) {
                throw new EngineException(Verdict.BLOCKED, "--restart is for after a rollback, and changes are still in"
                        + " place; run 'migrate rollback' first");
            }
            if (st.rolledBackAt().isPresent() && JournalFacts.loweringInForce(timeline, st)) {
                Progress progress = Progress.of(timeline, st);
                List<String> reopened = timeline.phases().stream().map(ScheduledPhase::id)
                        .filter(id -> progress.rolledBack().contains(id) || st.phase(id).isPresent() && !st.isDone(id))
                        .toList();
                ledger.append(new Entry.Restarted(reopened));
                String from = timeline.phases().stream().map(ScheduledPhase::id).filter(id -> !ledger.state().isDone(id))
                        .findFirst().orElse(null);
                return new Engine.Restart(null, from);
            }
            return new Engine.Restart(ledger.archive(), timeline.phases().isEmpty() ? null : timeline.phases().get(0).id());
        } catch (IOException e) {
            throw parts.stateFailure(e);
        }
    }
}
