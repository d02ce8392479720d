package dev.migrate.engine;

import dev.migrate.engine.Scheduler.Due;
import dev.migrate.engine.Scheduler.Progress;
import dev.migrate.engine.action.Actions;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import dev.migrate.state.PhaseState;
import dev.migrate.state.StateStore;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The front of the engine: takes the lock and settles what a dead run left ({@link LockedRun}), asks the
 * {@link Scheduler} what is due, hands each due phase to its action ({@link Actions}) and returns a report.
 * The way back is {@link Fallback}. It holds its collaborators and nothing else; it never prints (it
 * reports through an {@link EngineListener} and its return values).
 */
public final class Engine {

    /**
     * @param onlyPhase   run just this phase (all earlier ones must be done); null runs whatever is due
     * @param originalTtl the TTL the targets had before a lowering whose journal was lost (the operator says it);
     *                    null when the journal or the live records tell
     */
    public record Options(boolean dryRun, String onlyPhase, boolean force, Long originalTtl) {
        public Options(boolean dryRun, String onlyPhase, boolean force) {
            this(dryRun, onlyPhase, force, null);
        }
    }

    /**
     * @param toPhase      go back to the state right after this phase (undo only the swaps after it); null: all
     * @param restoreAfter how long the lowered TTLs stay after the revert; zero restores them at once
     */
    public record RollbackOptions(boolean dryRun, boolean force, String toPhase, Duration restoreAfter) {
        public static final Duration DEFAULT_RESTORE_AFTER = Duration.ofHours(24);

        public RollbackOptions(boolean dryRun, boolean force) {
            this(dryRun, force, null, DEFAULT_RESTORE_AFTER);
        }
    }

    /** What {@code apply --restart} did: kept the journal and reopened phases, or set it aside and began anew. */
    public record Restart(String archivedTo, String fromPhase) {}

    private final EngineParts parts;

    /** @param planDigest SHA-256 of the plan file (approvals are for exactly that file), or null */
    public Engine(Workspace ws, StateStore store, Clock clock, Sleeper sleeper, Probes probes, EngineListener listener,
            String planDigest) {
        this(ws, store, clock, sleeper, probes, listener, planDigest, Notifier.NONE);
    }

    /** @param notifier tells the plan's webhooks what apply and rollback do ({@link Notifier#NONE}: nobody) */
    public Engine(Workspace ws, StateStore store, Clock clock, Sleeper sleeper, Probes probes, EngineListener listener,
            String planDigest, Notifier notifier) {
        this.parts = new EngineParts(ws.plan(), Timeline.of(ws.plan()), ws.provider(), ws.movingTo(), store, clock, sleeper,
                probes, listener, planDigest, notifier);
    }

    /** {@code <state dir>/<plan name>}: the state dir is the override, else {@code .migrate/} beside the plan. */
    public static Path stateDir(Plan plan, Path override) {
        Path base = override != null ? override : plan.baseDir().resolve(".migrate");
        return base.resolve(plan.name());
    }

    public StateStore store() {
        return parts.store();
    }

    public Timeline timeline() {
        return parts.timeline();
    }

    // ------------------------------------------------------------------ apply

    public RunReport apply(Options o) throws EngineException {
        parts.requirePhase(o.onlyPhase());
        Timeline timeline = parts.timeline();
        Clock clock = parts.clock();
        if (o.dryRun()) {
            return DryRun.of(parts.plan(), timeline, parts.provider(), parts.journal(), clock.instant(), o, parts.planDigest());
        }
        try (LockedRun run = LockedRun.open(parts, "apply")) {
            List<String> notes = run.notes();
            Due first = Scheduler.due(timeline, progress(run), clock.instant(), o.onlyPhase());
            if (first instanceof Due.RollbackUnfinished) {
                notes.add("a rollback was started and did not finish: run 'migrate rollback' to finish it");
                return new RunReport(List.of(), Verdict.BLOCKED, null, null, notes);
            }
            if (first instanceof Due.RestoreAfterRollback r) {
                PhaseResult restored = run.restoreAfterRollback(r.at());
                return report(List.of(restored), restored.outcome().verdict(), progress(run), notes);
            }
            if (first instanceof Due.RolledBack rb) {
                Optional<Scheduler.Next> next = Scheduler.next(timeline, progress(run));
                return report(List.of(), Verdict.OK, progress(run), notes).withIdle("rolled back at " + rb.at()
                        + (next.isPresent() ? "; the lowered TTLs go back up at " + next.get().at() : "")
                        + "; apply does nothing else until you start again with 'migrate apply --restart'");
            }
            if (first instanceof Due.AlreadyDone d) return alreadyDone(timeline, run.ledger().state(), d.phase(), notes);
            List<PhaseResult> results = new ArrayList<>();
            Verdict verdict = Verdict.OK;
            Instant retryAt = null;
            // Bounded: each round runs one phase or stops, and every phase runs at most once per apply.
            for (int round = 0; round <= timeline.phases().size(); round++) {
                Due due = round == 0 ? first : Scheduler.due(timeline, progress(run), clock.instant(), o.onlyPhase());
                if (due instanceof Due.WaitsFor w) {
                    results.add(earlierPhaseNotDone(w));
                    verdict = Verdict.BLOCKED;
                    break;
                }
                if (!(due instanceof Due.Run next)) break;
                PhaseResult r = run.runPhase(next.phase(), o, o.onlyPhase() != null);
                results.add(r);
                if (!r.done()) {
                    verdict = r.outcome().verdict();
                    retryAt = r.retryAt();
                    break;
                }
                if (o.onlyPhase() != null) break;
            }
            return report(results, verdict, progress(run), notes).withRetryAt(retryAt);
        } catch (IOException e) {
            throw parts.stateFailure(e);
        }
    }

    private Progress progress(LockedRun run) {
        return Progress.of(parts.timeline(), run.ledger().state());
    }

    /** A report of these results, with what runs next. */
    private RunReport report(List<PhaseResult> results, Verdict verdict, Progress progress, List<String> notes) {
        Optional<Scheduler.Next> next = Scheduler.next(parts.timeline(), progress);
        return new RunReport(results, verdict, next.map(Scheduler.Next::id).orElse(null),
                next.map(Scheduler.Next::at).orElse(null), notes);
    }

    /** {@code --phase ID} for a phase that already ran: nothing new to do, like any repeated apply. */
    static RunReport alreadyDone(Timeline timeline, JournalState st, ScheduledPhase phase, List<String> notes) {
        Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, st));
        return new RunReport(List.of(), Verdict.OK, next.map(Scheduler.Next::id).orElse(null),
                next.map(Scheduler.Next::at).orElse(null), notes)
                .withIdle("phase " + phase.id() + " is already done (finished " + st.phase(phase.id()).get().finishedAt()
                        + "); nothing to do");
    }

    /** {@code --phase wanted} while an earlier phase is not done: blocked, naming the earlier phase. */
    static PhaseResult earlierPhaseNotDone(Due.WaitsFor w) {
        return new PhaseResult(w.wanted().id(), w.wanted().action(), new PhaseOutcome.Blocked(
                "runs only after every earlier phase is done; '" + w.earlier().id() + "' is not"));
    }

    // ------------------------------------------------------------------ the way back

    public RunReport rollback(boolean dryRun, boolean force) throws EngineException {
        return rollback(new RollbackOptions(dryRun, force));
    }

    /**
     * Takes the swaps back (all, or those after {@code --to}), newest first, keeping the lowered TTLs;
     * confirms the reverted data on every authoritative address; schedules the TTLs' return.
     */
    public RunReport rollback(RollbackOptions o) throws EngineException {
        return Fallback.rollback(parts, o);
    }

    /** After a rollback: retries from the first undone swap while the TTLs are low, else starts anew. */
    public Restart restart() throws EngineException {
        return Fallback.restart(parts);
    }

    // ------------------------------------------------------------------ approve, status

    public Event approve(String phase, String by) throws EngineException {
        parts.requirePhase(phase);
        ScheduledPhase p = parts.timeline().phase(phase).orElseThrow();
        try (Ledger ledger = Ledger.open(parts.store(), "approve")) {
            return ledger.append(new Entry.Approved(phase, by, parts.planDigest(), p.spec().approvalRequired()));
        } catch (IOException e) {
            throw parts.stateFailure(e);
        }
    }

    /** Each phase's state, what comes next and the earliest safe swap: from the journal and the clock alone. */
    public Status status() throws EngineException {
        JournalState st = parts.journal();
        // Drawn as migrate plan draws it where the journal knows the old apex NS TTL (lower-ttl lowered it).
        Timeline planned = parts.timeline();
        Timeline timeline = parts.plan().move() == null ? planned
                : Planner.withOldNsTtl(parts.plan(), planned, null, JournalFacts.originalTtls(planned, st));
        Instant now = parts.clock().instant();
        Progress progress = Progress.of(timeline, st);
        List<PhaseStatus> rows = new ArrayList<>();
        for (ScheduledPhase p : timeline.phases()) {
            Optional<JournalState.PhaseRecord> r = st.phase(p.id());
            Optional<Instant> due = timeline.dueAt(p, progress::finished, progress::soak); // anchored: from what really finished
            PhaseState s = Scheduler.stateOf(p, r, progress, now, due);
            String detail = s == PhaseState.FAILED ? r.get().failure() : null;
            boolean waiting = s == PhaseState.PENDING || s == PhaseState.DUE;
            if (waiting && p.spec().approvalRequired() && parts.approvalMissing(st, p.id()).isPresent()) {
                detail = "needs approval: migrate approve " + parts.plan().file() + " " + p.id();
            }
            rows.add(new PhaseStatus(p.id(), p.action(), due.orElseGet(() -> timeline.expectedAt(p, progress::finished, progress::soak)), s,
                    r.map(JournalState.PhaseRecord::startedAt).orElse(null),
                    r.map(JournalState.PhaseRecord::finishedAt).orElse(null), detail, due.isEmpty()));
        }
        Optional<Scheduler.Next> next = Scheduler.next(timeline, progress);
        List<String> notes = new ArrayList<>();
        boolean rolledBack = st.rolledBackAt().isPresent();
        if (st.rollbackStarted() && !rolledBack) notes.add("a rollback started and did not finish: run 'migrate rollback'");
        if (rolledBack) {
            notes.add("rolled back at " + st.rolledBackAt().get() + (progress.restoreAt() != null
                    ? "; the lowered TTLs stay until restore-ttl at " + progress.restoreAt() + " (apply runs it then)" : "")
                    + "; start again with 'migrate apply --restart'");
        }
        if (!st.pending().isEmpty()) notes.add(st.pending().size() + " write(s) without a commit: the next apply settles them");
        st.latestInstant().filter(t -> t.isAfter(now.plusSeconds(60))).ifPresent(t -> notes.add("the journal holds an"
                + " event at " + t + ", later than now (" + now + "): a run's clock was ahead, or --now was used; what"
                + " counts from those instants (the earliest safe swap, anchored phases) comes later than it should"));
        // Once the TTLs went back up after a rollback, the lowering the earliest safe swap counted from is undone:
        // there is no safe swap until --restart lowers them again.
        boolean ttlsBackUp = st.isDone(Scheduler.RESTORE_AFTER_ROLLBACK);
        if (ttlsBackUp) {
            notes.add("the TTLs are back up: 'migrate apply --restart' starts again from lower-ttl, and the earliest"
                    + " safe swap is counted from that new lowering");
        }
        return new Status(parts.plan().name(), now, rows, next.map(Scheduler.Next::id).orElse(null),
                next.map(Scheduler.Next::at).orElse(null), ttlsBackUp ? null : JournalFacts.earliestSafeSwap(timeline, st),
                st.rolledBackAt().orElse(null), st.pending().size(), notes);
    }

    /** What runs next and when, from the journal; empty once the timeline is finished or stopped. */
    public Optional<Scheduler.Next> next() throws EngineException {
        return Scheduler.next(parts.timeline(), Progress.of(parts.timeline(), parts.journal()));
    }

    /** True when {@code phase} needs an approval that the journal does not hold (for this plan file). */
    public boolean needsApproval(String phase) throws EngineException {
        ScheduledPhase p = parts.timeline().phase(phase).orElseThrow();
        return p.spec().approvalRequired() && parts.approvalMissing(parts.journal(), phase).isPresent();
    }
}
