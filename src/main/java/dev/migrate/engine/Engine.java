package dev.migrate.engine;

import dev.migrate.engine.Scheduler.Due;
import dev.migrate.engine.Scheduler.Progress;
import dev.migrate.engine.action.Actions;
import dev.migrate.engine.action.PhaseAction;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.DnsProvider;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import dev.migrate.state.StateStore;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The front of the engine: takes the lock, opens the journal, settles what a dead run left, asks the
 * {@link Scheduler} what is due, hands each due phase to its action ({@link Actions}) and returns a report.
 * It holds its collaborators and nothing else; it never prints (it reports through an
 * {@link EngineListener} and its return values).
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
    public record RollbackOptions(boolean dryRun, boolean force, String toPhase, java.time.Duration restoreAfter) {
        public static final java.time.Duration DEFAULT_RESTORE_AFTER = java.time.Duration.ofHours(24);

        public RollbackOptions(boolean dryRun, boolean force) {
            this(dryRun, force, null, DEFAULT_RESTORE_AFTER);
        }
    }

    /** What {@code apply --restart} did: kept the journal and reopened phases, or set it aside and began anew. */
    public record Restart(String archivedTo, String fromPhase) {}

    private final Plan plan;
    private final DnsProvider provider;
    private final DnsProvider movingTo;
    private final StateStore store;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Probes probes;
    private final EngineListener listener;
    private final String planDigest;
    private final Timeline timeline;
    private final Notifier notifier;

    /** @param planDigest SHA-256 of the plan file (approvals are for exactly that file), or null */
    public Engine(Workspace ws, StateStore store, Clock clock, Sleeper sleeper, Probes probes, EngineListener listener,
            String planDigest) {
        this(ws, store, clock, sleeper, probes, listener, planDigest, Notifier.NONE);
    }

    /** @param notifier tells the plan's webhooks what apply and rollback do ({@link Notifier#NONE}: nobody) */
    public Engine(Workspace ws, StateStore store, Clock clock, Sleeper sleeper, Probes probes, EngineListener listener,
            String planDigest, Notifier notifier) {
        this.notifier = notifier;
        this.plan = ws.plan();
        this.provider = ws.provider();
        this.movingTo = ws.movingTo();
        this.store = store;
        this.clock = clock;
        this.sleeper = sleeper;
        this.probes = probes;
        this.listener = listener;
        this.planDigest = planDigest;
        this.timeline = Timeline.of(plan);
    }

    /** {@code <state dir>/<plan name>}: the state dir is the override, else {@code .migrate/} beside the plan. */
    public static Path stateDir(Plan plan, Path override) {
        Path base = override != null ? override : plan.baseDir().resolve(".migrate");
        return base.resolve(plan.name());
    }

    public StateStore store() {
        return store;
    }

    public Timeline timeline() {
        return timeline;
    }

    // ------------------------------------------------------------------ apply

    public RunReport apply(Options o) throws EngineException {
        requirePhase(o.onlyPhase());
        if (o.dryRun()) return DryRun.of(plan, timeline, provider, journal(), clock.instant(), o, planDigest);
        try (Ledger ledger = Ledger.open(store, "apply");
                Announcements told = new Announcements(notifier, plan, timeline, ledger, clock, this.listener)) {
            EngineListener listener = told.listener();
            LiveZones live = new LiveZones(plan, provider);
            JournaledWriter writer = new JournaledWriter(live, ledger, listener, sleeper);
            MoveTarget moving = MoveTarget.open(plan, timeline, movingTo, ledger, listener, sleeper);
            List<String> notes = new ArrayList<>();
            recover(ledger, writer, moving, notes);
            Due first = Scheduler.due(timeline, Progress.of(timeline, ledger.state()), clock.instant(), o.onlyPhase());
            if (first instanceof Due.RollbackUnfinished) {
                notes.add("a rollback was started and did not finish: run 'migrate rollback' to finish it");
                return new RunReport(List.of(), Verdict.BLOCKED, null, null, notes);
            }
            if (first instanceof Due.RestoreAfterRollback r) {
                PhaseResult restored = runPhase(restoreAfterRollback(r.at()), ledger, live, writer, moving,
                        new Options(false, null, false), false, listener);
                listener.event(new EngineEvent.PhaseEnded(restored));
                Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, ledger.state()));
                return new RunReport(List.of(restored), restored.outcome().verdict(), next.map(Scheduler.Next::id).orElse(null),
                        next.map(Scheduler.Next::at).orElse(null), notes);
            }
            if (first instanceof Due.RolledBack rb) {
                Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, ledger.state()));
                return new RunReport(List.of(), Verdict.OK, next.map(Scheduler.Next::id).orElse(null),
                        next.map(Scheduler.Next::at).orElse(null), notes).withIdle("rolled back at " + rb.at()
                        + (next.isPresent() ? "; the lowered TTLs go back up at " + next.get().at() : "")
                        + "; apply does nothing else until you start again with 'migrate apply --restart'");
            }
            if (first instanceof Due.AlreadyDone d) return alreadyDone(ledger.state(), d.phase(), notes);
            List<PhaseResult> results = new ArrayList<>();
            Verdict verdict = Verdict.OK;
            Instant retryAt = null;
            // Bounded: each round runs one phase or stops, and every phase runs at most once per apply.
            for (int round = 0; round <= timeline.phases().size(); round++) {
                Due due = round == 0 ? first
                        : Scheduler.due(timeline, Progress.of(timeline, ledger.state()), clock.instant(), o.onlyPhase());
                if (due instanceof Due.WaitsFor w) {
                    results.add(earlierPhaseNotDone(w));
                    verdict = Verdict.BLOCKED;
                    break;
                }
                if (!(due instanceof Due.Run run)) break;
                PhaseResult r = runPhase(run.phase(), ledger, live, writer, moving, o, o.onlyPhase() != null, listener);
                results.add(r);
                listener.event(new EngineEvent.PhaseEnded(r));
                if (!r.done()) {
                    verdict = r.outcome().verdict();
                    retryAt = r.retryAt();
                    break;
                }
                if (o.onlyPhase() != null) break;
            }
            Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, ledger.state()));
            return new RunReport(results, verdict, next.map(Scheduler.Next::id).orElse(null),
                    next.map(Scheduler.Next::at).orElse(null), notes).withRetryAt(retryAt);
        } catch (IOException e) {
            throw stateFailure(e);
        }
    }

    private PhaseResult runPhase(ScheduledPhase p, Ledger ledger, LiveZones live, JournaledWriter writer,
            MoveTarget moving, Options o, boolean named, EngineListener listener) throws IOException {
        if (p.spec().approvalRequired()) {
            Optional<String> missing = approvalMissing(ledger.state(), p.id());
            if (missing.isPresent()) return new PhaseResult(p.id(), p.action(), new PhaseOutcome.Blocked(missing.get()));
        }
        PhaseRun run = new PhaseRun(p, plan, timeline, ledger, live, writer, probes, listener, clock, o, named,
                spec -> revertCheck(spec, live)).moving(moving);
        PhaseAction action = Actions.of(p.action());
        try {
            return new PhaseResult(p.id(), p.action(), action.run(run));
        } catch (EngineException e) {
            // A phase the journal knows of (it started, now or in an earlier run) gets its failure journaled.
            if (ledger.state().phase(p.id()).isPresent()) run.failed(e.getMessage(), e.verdict());
            PhaseOutcome out = e.verdict() == Verdict.BLOCKED ? new PhaseOutcome.Blocked(e.getMessage())
                    : new PhaseOutcome.Failed(e.getMessage(), e.verdict());
            return new PhaseResult(p.id(), p.action(), out);
        }
    }

    /** {@code --phase ID} for a phase that already ran: nothing new to do, like any repeated apply. */
    static RunReport alreadyDone(Timeline timeline, JournalState st, ScheduledPhase phase, List<String> notes) {
        Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, st));
        return new RunReport(List.of(), Verdict.OK, next.map(Scheduler.Next::id).orElse(null),
                next.map(Scheduler.Next::at).orElse(null), notes)
                .withIdle("phase " + phase.id() + " is already done (finished " + st.phase(phase.id()).get().finishedAt()
                        + "); nothing to do");
    }

    private RunReport alreadyDone(JournalState st, ScheduledPhase phase, List<String> notes) {
        return alreadyDone(timeline, st, phase, notes);
    }

    /** {@code --phase wanted} while an earlier phase is not done: blocked, naming the earlier phase. */
    static PhaseResult earlierPhaseNotDone(Due.WaitsFor w) {
        return new PhaseResult(w.wanted().id(), w.wanted().action(), new PhaseOutcome.Blocked(
                "runs only after every earlier phase is done; '" + w.earlier().id() + "' is not"));
    }

    private Optional<String> approvalMissing(JournalState st, String phase) {
        return SafetyGate.approvalMissing(phase, st.approval(phase), st.approvedAt(phase), planDigest,
                plan.file().toString());
    }

    // ------------------------------------------------------------------ rollback

    public RunReport rollback(boolean dryRun, boolean force) throws EngineException {
        return rollback(new RollbackOptions(dryRun, force));
    }

    /**
     * Takes the swaps back (all, or those after {@code --to}), newest first, keeping the lowered TTLs;
     * confirms the reverted data on every authoritative address; schedules the TTLs' return.
     */
    public RunReport rollback(RollbackOptions o) throws EngineException {
        requirePhase(o.toPhase());
        if (o.dryRun()) {
            JournalState st = journal();
            List<dev.migrate.dns.RRsetChange> would = Rollback.preview(Rollback.scope(st, swapsToUndo(st, o.toPhase()), timeline));
            String msg = would.isEmpty() ? "nothing to roll back" : would.size() + " RRset change(s) would be undone, newest first";
            return new RunReport(List.of(new PhaseResult(Event.ROLLBACK_PHASE, null, new PhaseOutcome.WouldRun(msg, would))),
                    Verdict.OK, null, null, List.of());
        }
        try (Ledger ledger = Ledger.open(store, "rollback");
                Announcements told = new Announcements(notifier, plan, timeline, ledger, clock, this.listener)) {
            EngineListener listener = told.listener();
            LiveZones live = new LiveZones(plan, provider);
            JournaledWriter writer = new JournaledWriter(live, ledger, listener, sleeper);
            MoveTarget moving = MoveTarget.open(plan, timeline, movingTo, ledger, listener, sleeper);
            List<String> notes = new ArrayList<>();
            recover(ledger, writer, moving, notes);
            JournalState st = ledger.state();
            Set<String> swaps = swapsToUndo(st, o.toPhase());
            java.util.function.Function<dev.migrate.state.Batch, Rollback.Route> route = moving == null
                    ? b -> new Rollback.Route(live, writer) : routes(st, live, writer, moving);
            Rollback.Result r = Rollback.run(timeline, ledger, route, listener, o.force(), Rollback.scope(st, swaps, timeline),
                    revertCheck(revertSpec(st, swaps), live), o.restoreAfter(), clock.instant());
            List<PhaseResult> results = new ArrayList<>();
            Verdict verdict = Verdict.OK;
            if (r.undone().isEmpty() && r.restoreAt() == null && r.live() == null) {
                results.add(new PhaseResult(Event.ROLLBACK_PHASE, null, new PhaseOutcome.Done("nothing to roll back", List.of())));
            } else {
                String msg = describe(r, "");
                PhaseOutcome out = r.live() != null && !r.live().live()
                        ? new PhaseOutcome.Failed(msg, Verdict.CHECK_FAILED) : new PhaseOutcome.Done(msg, r.undone());
                results.add(new PhaseResult(Event.ROLLBACK_PHASE, null, out));
                verdict = out.verdict();
                if (r.restoreAt() != null && !r.restoreAt().isAfter(clock.instant()) && verdict == Verdict.OK) {
                    PhaseResult restored = runPhase(restoreAfterRollback(r.restoreAt()), ledger, live, writer, moving,
                            new Options(false, null, false), false, listener);
                    results.add(restored);
                    verdict = restored.outcome().verdict();
                }
            }
            Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, ledger.state()));
            return new RunReport(results, verdict, next.map(Scheduler.Next::id).orElse(null),
                    next.map(Scheduler.Next::at).orElse(null), notes);
        } catch (IOException e) {
            throw stateFailure(e);
        }
    }

    /** What a rollback result says: what was undone, at which TTL it is served, and when the TTLs go back up. */
    String describe(Rollback.Result r, String what) {
        StringBuilder b = new StringBuilder();
        b.append(r.undone().isEmpty() ? "no swap to undo" : r.undone().size() + " RRset change(s) undone" + what);
        if (r.live() != null) {
            b.append(r.live().live() ? "; the old records are served again" + r.servedAt(plan.ttl().lowered())
                    + " on every authoritative address (" + r.live().summary() + ")"
                    : "; the reverted records are NOT yet served everywhere: " + r.live().summary() + PhaseRun.problems(r.live()));
        }
        if (r.restoreAt() != null) {
            b.append("; the TTLs stay lowered until restore-ttl at ").append(r.restoreAt())
                    .append(" (migrate apply runs it then), so a retry needs no new lowering");
        }
        return b.toString();
    }

    /** The swaps a rollback takes back: all, or those after {@code toPhase} in timeline order. */
    private Set<String> swapsToUndo(JournalState st, String toPhase) throws EngineException {
        Set<String> out = new java.util.LinkedHashSet<>();
        boolean after = toPhase == null;
        for (ScheduledPhase p : timeline.phases()) {
            // The swap steps, and a provider move's copy (rolled back before the delegation, the copy goes).
            boolean undone = p.action() == dev.migrate.plan.Action.SWAP || p.action() == dev.migrate.plan.Action.COPY_ZONE;
            if (after && undone) out.add(p.id());
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
    private dev.migrate.plan.PhaseSpec revertSpec(JournalState st, Set<String> swaps) {
        for (ScheduledPhase p : timeline.phases()) {
            if (swaps.contains(p.id())) {
                Optional<ScheduledPhase> c = timeline.confirmOf(p);
                if (c.isPresent()) return c.get().spec();
            }
        }
        return new dev.migrate.plan.PhaseSpec(Event.ROLLBACK_PHASE, dev.migrate.plan.Offset.parse("T"),
                dev.migrate.plan.Action.CONFIRM, null, false, dev.migrate.plan.OnFailure.HALT, null, false, null, null, null);
    }

    private Rollback.RevertCheck revertCheck(dev.migrate.plan.PhaseSpec spec, LiveZones live) {
        return reverted -> {
            java.time.Instant deadline = clock.instant().plus(spec.timeoutOrDefault());
            try {
                return probes.propagation(plan, spec, live.readAll()).await(reverted, deadline, listener.progress());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted while waiting for the reverted data");
            }
        };
    }

    /** The restore-ttl a rollback scheduled, as a phase of its own (it is not one of the plan's). */
    private ScheduledPhase restoreAfterRollback(Instant at) {
        ScheduledPhase template = timeline.first(dev.migrate.plan.Action.RESTORE_TTL).orElse(null);
        dev.migrate.plan.PhaseSpec spec = new dev.migrate.plan.PhaseSpec(Scheduler.RESTORE_AFTER_ROLLBACK,
                new dev.migrate.plan.Offset(java.time.Duration.between(plan.cutover(), at), "after rollback"),
                dev.migrate.plan.Action.RESTORE_TTL, template == null ? null : template.spec().timeout(), false,
                dev.migrate.plan.OnFailure.HALT, null, false, null, null, null);
        return new ScheduledPhase(spec, at);
    }

    // ------------------------------------------------------------------ restart, approve, status

    /**
     * After a rollback. While the lowered TTLs are still in force the journal is kept and the timeline goes
     * on from the first undone swap, without a new lowering; otherwise the old journal is set aside and the
     * timeline starts again from its first phase.
     */
    public Restart restart() throws EngineException {
        try (Ledger ledger = Ledger.open(store, "apply --restart")) {
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
                return new Restart(null, from);
            }
            return new Restart(ledger.archive(), timeline.phases().isEmpty() ? null : timeline.phases().get(0).id());
        } catch (IOException e) {
            throw stateFailure(e);
        }
    }

    public Event approve(String phase, String by) throws EngineException {
        requirePhase(phase);
        ScheduledPhase p = timeline.phase(phase).orElseThrow();
        try (Ledger ledger = Ledger.open(store, "approve")) {
            return ledger.append(new Entry.Approved(phase, by, planDigest, p.spec().approvalRequired()));
        } catch (IOException e) {
            throw stateFailure(e);
        }
    }

    /** Each phase's state, what comes next and the earliest safe swap: from the journal and the clock alone. */
    public Status status() throws EngineException {
        JournalState st = journal();
        Instant now = clock.instant();
        Progress progress = Progress.of(timeline, st);
        List<PhaseStatus> rows = new ArrayList<>();
        for (ScheduledPhase p : timeline.phases()) {
            Optional<JournalState.PhaseRecord> r = st.phase(p.id());
            var s = Scheduler.stateOf(p, r, progress, now);
            String detail = s == dev.migrate.state.PhaseState.FAILED ? r.get().failure() : null;
            boolean waiting = s == dev.migrate.state.PhaseState.PENDING || s == dev.migrate.state.PhaseState.DUE;
            if (waiting && p.spec().approvalRequired() && approvalMissing(st, p.id()).isPresent()) {
                detail = "needs approval: migrate approve " + plan.file() + " " + p.id();
            }
            rows.add(new PhaseStatus(p.id(), p.action(), p.at(), s, r.map(JournalState.PhaseRecord::startedAt).orElse(null),
                    r.map(JournalState.PhaseRecord::finishedAt).orElse(null), detail));
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
        return new Status(plan.name(), now, rows, next.map(Scheduler.Next::id).orElse(null),
                next.map(Scheduler.Next::at).orElse(null), JournalFacts.earliestSafeSwap(timeline, st),
                st.rolledBackAt().orElse(null), st.pending().size(), notes);
    }

    /** What runs next and when, from the journal; empty once the timeline is finished or stopped. */
    public Optional<Scheduler.Next> next() throws EngineException {
        return Scheduler.next(timeline, Progress.of(timeline, journal()));
    }

    /** True when {@code phase} needs an approval that the journal does not hold (for this plan file). */
    public boolean needsApproval(String phase) throws EngineException {
        ScheduledPhase p = timeline.phase(phase).orElseThrow();
        return p.spec().approvalRequired() && approvalMissing(journal(), phase).isPresent();
    }

    // ------------------------------------------------------------------ a provider move's two providers

    /** Settles what a dead run left, each pending batch at the provider it was written to. */
    private static void recover(Ledger ledger, JournaledWriter writer, MoveTarget moving, List<String> notes)
            throws IOException, EngineException {
        if (moving == null) {
            writer.recover(notes);
            return;
        }
        writer.recover(notes, b -> !moving.wrote(b, ledger.state()));
        moving.writer().recover(notes, b -> moving.wrote(b, ledger.state()));
    }

    /** Each batch to the provider it was written to: copy-zone's to the new one, the rest to the plan's. */
    static java.util.function.Function<dev.migrate.state.Batch, Rollback.Route> routes(JournalState st, LiveZones live,
            JournaledWriter writer, MoveTarget moving) {
        Rollback.Route old = new Rollback.Route(live, writer);
        Rollback.Route to = new Rollback.Route(moving.live(), moving.writer(), false);
        return b -> moving.wrote(b, st) ? to : old;
    }

    // ------------------------------------------------------------------ edges

    /** The journal as it is, read without the lock (status, dry runs). */
    private JournalState journal() throws EngineException {
        try {
            return JournalState.of(store.read());
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
        }
    }

    private void requirePhase(String id) throws EngineException {
        if (id != null && timeline.phase(id).isEmpty()) {
            throw new EngineException(Verdict.INVALID, "no phase '" + id + "' in the plan; phases are "
                    + timeline.phases().stream().map(ScheduledPhase::id).toList());
        }
    }

    private EngineException stateFailure(IOException e) {
        return new EngineException(Verdict.FAILURE, "state " + store.describe() + ": " + e.getMessage(), e);
    }
}
