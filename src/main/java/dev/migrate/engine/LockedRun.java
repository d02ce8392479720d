package dev.migrate.engine;

import dev.migrate.engine.action.Actions;
import dev.migrate.plan.Action;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.Offset;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.state.Batch;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One run that holds the lock: its journal ({@link Ledger}), the listener that also tells the plan's
 * webhooks, the provider(s) and their journaled writers. Opening it settles what a dead run left; every
 * phase it runs goes through {@link #runPhase}. Apply and rollback each open one.
 */
final class LockedRun implements AutoCloseable {
    private final EngineParts parts;
    private final Ledger ledger;
    private final Announcements told;
    private final LiveZones live;
    private final JournaledWriter writer;
    private final MoveTarget moving;
    private final List<String> notes = new ArrayList<>();

    private LockedRun(EngineParts parts, Ledger ledger, Announcements told) {
        this.parts = parts;
        this.ledger = ledger;
        this.told = told;
        this.live = new LiveZones(parts.plan(), parts.provider());
        this.writer = new JournaledWriter(live, ledger, told.listener(), parts.sleeper());
        this.moving = MoveTarget.open(parts.plan(), parts.timeline(), parts.movingTo(), ledger, told.listener(),
                parts.sleeper());
    }

    /** Takes the lock for {@code command} and settles every intent a dead run left without commit or abort. */
    static LockedRun open(EngineParts parts, String command) throws EngineException {
        Ledger ledger = Ledger.open(parts.store(), command);
        LockedRun run = new LockedRun(parts, ledger, new Announcements(parts.notifier(), parts.plan(), parts.timeline(),
                ledger, parts.clock(), parts.listener()));
        try {
            if (run.moving == null) {
                run.writer.recover(run.notes);
            } else {
                // each pending batch at the provider it was written to
                run.writer.recover(run.notes, b -> !run.moving.wrote(b, ledger.state()));
                run.moving.writer().recover(run.notes, b -> run.moving.wrote(b, ledger.state()));
            }
        } catch (IOException e) {
            run.close();
            throw parts.stateFailure(e);
        } catch (EngineException | RuntimeException e) {
            run.close();
            throw e;
        }
        return run;
    }

    Ledger ledger() {
        return ledger;
    }

    EngineListener listener() {
        return told.listener();
    }

    /** What the operator should know that is not about one phase (recovery). */
    List<String> notes() {
        return notes;
    }

    /** Runs one phase: its approval first, then its action; a failure the journal should know of is journaled. */
    PhaseResult runPhase(ScheduledPhase p, Engine.Options o, boolean named) throws IOException {
        if (p.spec().approvalRequired()) {
            Optional<String> missing = parts.approvalMissing(ledger.state(), p.id());
            if (missing.isPresent()) {
                PhaseResult waiting = new PhaseResult(p.id(), p.action(), new PhaseOutcome.Blocked(missing.get()));
                listener().event(new EngineEvent.PhaseEnded(waiting));
                return waiting;
            }
        }
        PhaseRun run = new PhaseRun(p, parts.plan(), parts.timeline(), ledger, live, writer, parts.probes(), listener(),
                parts.clock(), o, named, this::revertCheck, routes()).moving(moving);
        PhaseResult r;
        try {
            r = new PhaseResult(p.id(), p.action(), Actions.of(p.action()).run(run));
        } catch (dev.migrate.engine.EngineException e) {
            // A phase the journal knows of (it started, now or in an earlier run) gets its failure journaled.
            if (ledger.state().phase(p.id()).isPresent()) run.failed(e.getMessage(), e.verdict());
            PhaseOutcome out = e.verdict() == Verdict.BLOCKED ? new PhaseOutcome.Blocked(e.getMessage())
                    : new PhaseOutcome.Failed(e.getMessage(), e.verdict());
            r = new PhaseResult(p.id(), p.action(), out);
        }
        listener().event(new EngineEvent.PhaseEnded(r));
        return r;
    }

    /** The restore-ttl a rollback scheduled, run as a phase of its own (it is not one of the plan's). */
    PhaseResult restoreAfterRollback(Instant at) throws IOException {
        ScheduledPhase template = parts.timeline().first(Action.RESTORE_TTL).orElse(null);
        PhaseSpec spec = new PhaseSpec(Scheduler.RESTORE_AFTER_ROLLBACK,
                new Offset(Duration.between(parts.plan().cutover(), at), "after rollback"), Action.RESTORE_TTL,
                template == null ? null : template.spec().timeout(), false, OnFailure.HALT, null, false, null, null, null);
        return runPhase(new ScheduledPhase(spec, at), new Engine.Options(false, null, false), false);
    }

    /** Each batch to the provider it was written to: a provider move's copy to the new one, the rest to the plan's. */
    Function<Batch, Rollback.Route> routes() {
        Rollback.Route old = new Rollback.Route(live, writer);
        if (moving == null) return b -> old;
        Rollback.Route to = new Rollback.Route(moving.live(), moving.writer(), false);
        return b -> moving.wrote(b, ledger.state()) ? to : old;
    }

    /** Waits, under {@code spec}'s timeout and unreachable rule, until the reverted data is served everywhere. */
    Rollback.RevertCheck revertCheck(PhaseSpec spec) {
        return reverted -> {
            Instant deadline = parts.clock().instant().plus(spec.timeoutOrDefault());
            try {
                return parts.probes().propagation(parts.plan(), spec, live.readAll())
                        .await(reverted, deadline, listener().progress());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted while waiting for the reverted data");
            }
        };
    }

    @Override
    public void close() throws EngineException {
        try {
            told.close();
        } finally {
            ledger.close();
        }
    }
}
