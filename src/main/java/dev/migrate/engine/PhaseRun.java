package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.exec.Commands;
import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ResolverObservation;
import java.util.Optional;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.probe.SoaSeen;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What an action may do while it runs one phase: read live zones, journal that it started and finished,
 * write through the journaled path, wait for propagation, run service checks. Everything with a side
 * effect goes through here, so an action is its decisions and nothing else.
 */
public final class PhaseRun {
    private final ScheduledPhase phase;
    private final Plan plan;
    private final Timeline timeline;
    private final Ledger ledger;
    private final LiveZones live;
    private final JournaledWriter writer;
    private final Probes probes;
    private final EngineListener listener;
    private final Clock clock;
    private final boolean force;
    private final Long originalTtl;
    private final boolean named;
    private final java.util.function.Function<dev.migrate.plan.PhaseSpec, Rollback.RevertCheck> revertCheck;
    private final java.util.function.Function<dev.migrate.state.Batch, Rollback.Route> routes;
    private MoveTarget moving;

    PhaseRun(ScheduledPhase phase, Plan plan, Timeline timeline, Ledger ledger, LiveZones live, JournaledWriter writer,
            Probes probes, EngineListener listener, Clock clock, Engine.Options options, boolean named,
            java.util.function.Function<dev.migrate.plan.PhaseSpec, Rollback.RevertCheck> revertCheck,
            java.util.function.Function<dev.migrate.state.Batch, Rollback.Route> routes) {
        this.routes = routes;
        this.named = named;
        this.phase = phase;
        this.plan = plan;
        this.timeline = timeline;
        this.ledger = ledger;
        this.live = live;
        this.writer = writer;
        this.probes = probes;
        this.listener = listener;
        this.clock = clock;
        this.force = options.force();
        this.originalTtl = options.originalTtl();
        this.revertCheck = revertCheck;
    }

    /** The new provider of the plan's move, for this run (null when the plan moves nothing). */
    PhaseRun moving(MoveTarget target) {
        this.moving = target;
        return this;
    }

    public ScheduledPhase phase() {
        return phase;
    }

    public Plan plan() {
        return plan;
    }

    public Timeline timeline() {
        return timeline;
    }

    /** What the journal says now, including this run's lines. */
    public JournalState journal() {
        return ledger.state();
    }

    public Instant now() {
        return clock.instant();
    }

    /** The TTL the operator says the targets had before a lowering whose journal was lost, or null. */
    public Long originalTtl() {
        return originalTtl;
    }

    /** The operator asked to override the safety gate. */
    public boolean force() {
        return force;
    }

    /** The operator named this phase ({@code apply --phase ID}): it runs now even where it would not by itself. */
    public boolean named() {
        return named;
    }

    /** Where the journal is, safe to print (a file path for the default store). */
    public String journalLocation() {
        return ledger.location();
    }

    public Map<String, ZoneSnapshot> readLive() throws EngineException {
        return live.readAll();
    }

    /** Every swap step's targets together, against {@code zones}. */
    public List<Target> targets(Map<String, ZoneSnapshot> zones) throws EngineException {
        return live.targets(zones);
    }

    /** The targets of the swap step {@code swapPhase}, against {@code zones}. */
    public List<Target> stepTargets(String swapPhase, Map<String, ZoneSnapshot> zones) throws EngineException {
        return live.stepTargets(swapPhase, zones);
    }

    /** Journals that the phase started (its first journaled step) and says so. */
    public void started(boolean forced) throws IOException {
        ledger.append(new Entry.PhaseStarted(phase.id(), phase.action().word(), phase.at(), forced));
        listener.event(new EngineEvent.PhaseStarted(phase.id(), phase.action(), phase.at()));
    }

    /** Journals that the phase finished, with its facts, and returns its outcome. */
    public PhaseOutcome.Done finished(String message, List<RRsetChange> changes, Entry.PhaseFinished facts)
            throws IOException {
        ledger.append(facts);
        return new PhaseOutcome.Done(message, changes);
    }

    /** Journals that the phase failed (the runner does this for an exception; confirm does it before rolling back). */
    public void failed(String why, Verdict verdict) throws IOException {
        ledger.append(new Entry.PhaseFailed(phase.id(), why, verdict.name()));
    }

    /** Records, loudly, that {@code --force} overrode these rules. */
    public void forced(List<String> reasons) throws IOException {
        listener.event(new EngineEvent.Forced(phase.id(), reasons));
        ledger.append(new Entry.Forced(phase.id(), String.join("; ", reasons)));
    }

    public void emit(EngineEvent e) {
        listener.event(e);
    }

    /** intent -> provider -> commit for every batch of these changes. */
    public void write(List<RRsetChange> changes) throws IOException, EngineException {
        writer.write(phase.id(), changes);
    }

    /**
     * Takes back {@code swaps} (confirm's fallback), keeping the lowered TTLs, confirms the revert under this
     * phase's timeout, and schedules the TTLs' return. Returns what was undone and how it is served, in words.
     * Each batch is undone at the provider it was written to.
     */
    public Reverted rollback(java.util.Set<String> swaps) throws IOException, EngineException {
        Rollback.Result r = Rollback.run(timeline, ledger, routes, listener, false,
                Rollback.scope(ledger.state(), swaps, timeline), revertCheck.apply(phase.spec()),
                dev.migrate.engine.Engine.RollbackOptions.DEFAULT_RESTORE_AFTER, now());
        return new Reverted(r.undone(), r.live() == null || r.live().live(), r.servedAt(plan.ttl().lowered()),
                r.live() == null ? "" : r.live().summary() + problems(r.live()), r.restoreAt());
    }

    // ------------------------------------------------------------------ a provider move

    /** The probes of a provider move: the comparison on the new nameservers, the delegation at the parent. */
    public MoveProbes moveProbes() {
        return probes.move();
    }

    /** Where a waiting probe reports its rounds (a live line on a terminal). */
    public PropagationCheck.Listener progress() {
        return listener.progress();
    }

    /**
     * The new provider of the plan's move.
     *
     * @throws EngineException when the plan has a move but the engine was given no new provider (a bug)
     */
    public MoveTarget newProvider() throws EngineException {
        if (moving == null) {
            throw new EngineException(Verdict.FAILURE, "phase " + phase.id() + " needs the new provider of move.to,"
                    + " and this run has none open");
        }
        return moving;
    }

    /** intent -> new provider -> commit for every batch of these changes (copy-zone). */
    public void writeToNewProvider(List<RRsetChange> changes) throws IOException, EngineException {
        newProvider().write(phase.id(), changes);
    }

    /** Journals what a move saw at the parent: the DS appearing or going, the delegation seen everywhere. */
    public void observed(Entry fact) throws IOException {
        if (!(fact instanceof Entry.DsSeen) && !(fact instanceof Entry.DelegationSeen)) {
            throw new IllegalArgumentException("not an observation: " + fact);
        }
        ledger.append(fact);
    }

    /**
     * What a rollback took back.
     *
     * @param servedAt words for the TTL the old records are served at (never one that is not served)
     * @param restoreAt when the lowered TTLs go back up, or null
     */
    public record Reverted(List<RRsetChange> undone, boolean live, String servedAt, String seen, Instant restoreAt) {}

    /** Waits, up to the phase's timeout, until every authoritative address serves {@code expect}. */
    public PropagationCheck.Outcome awaitLive(Map<String, ZoneSnapshot> zones, List<Expectation> expect)
            throws EngineException, IOException {
        if (expect.isEmpty()) return new PropagationCheck.Outcome(true, now(), "nothing to confirm", List.of());
        Instant deadline = now().plus(phase.spec().timeoutOrDefault());
        try {
            PropagationCheck.Outcome out = probes.propagation(plan, phase.spec(), zones).await(expect, deadline,
                    listener.progress());
            journalSerials(out.serials());
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted while waiting for propagation");
        }
    }


    /**
     * Journals the SOA serial every authoritative address serves now (one round of queries; nothing when the
     * zones are confirmed by reading the provider back). Only a record: it never fails the phase.
     */
    public void recordSerials(Map<String, ZoneSnapshot> zones) throws IOException, EngineException {
        try {
            journalSerials(probes.propagation(plan, phase.spec(), zones).serials());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted while asking for the SOA serials");
        } catch (RuntimeException e) {
            // An address that cannot be asked is the confirm's business, not this record's.
        }
    }

    private void journalSerials(List<SoaSeen> seen) throws IOException {
        if (seen.isEmpty()) return;
        List<Entry.Serial> serials = new ArrayList<>(seen.size());
        for (SoaSeen s : seen) {
            serials.add(new Entry.Serial(s.server().zone(), s.server().name(), s.server().addressText(),
                    s.serial() < 0 ? null : s.serial(), s.state().word()));
        }
        ledger.append(new Entry.SerialsSeen(phase.id(), serials));
    }

    /**
     * Runs a command (an {@code action: run} phase), journals how it ended with its captured output, and
     * says so. The command's own failure is in the outcome, not an exception.
     */
    public Commands.Outcome runCommand(Commands.Request request) throws IOException, EngineException {
        Commands.Outcome o;
        try {
            o = probes.commands().run(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted while running " + request.display());
        }
        ledger.append(new Entry.CommandRan(phase.id(), request.display(), o.exitCode(), o.timedOut(), o.startError(),
                o.took(), new Entry.Output(o.stdout().text(), o.stdout().bytes()),
                new Entry.Output(o.stderr().text(), o.stderr().bytes())));
        listener.event(new EngineEvent.CommandFinished(phase.id(), request.display(), o.exitCode(), o.timedOut(),
                o.startError(), o.took()));
        return o;
    }

    /** Runs service checks; any failure stops the phase (exit 3). Returns a summary of what passed. */
    public String runChecks(String during, List<CheckSpec> checks) throws EngineException, IOException {
        if (checks.isEmpty()) return "no service checks";
        List<ServiceChecks.Result> results;
        try {
            results = probes.checks().run(checks);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted while running checks");
        }
        List<String> failed = new ArrayList<>();
        for (ServiceChecks.Result r : results) {
            ledger.append(new Entry.CheckRan(phase.id(), during, r.id(), r.passed(), r.detail(), r.latency()));
            listener.event(new EngineEvent.CheckResult(during, r.id(), r.passed(), r.detail(), r.latency()));
            if (!r.passed()) failed.add(r.id() + " (" + r.detail() + ")");
        }
        if (!failed.isEmpty()) {
            throw new EngineException(Verdict.CHECK_FAILED, "check" + (failed.size() == 1 ? " " : "s ")
                    + String.join(", ", failed) + " failed; the swap will not run until they pass");
        }
        return results.size() + " check(s) passed: " + String.join(", ", results.stream().map(ServiceChecks.Result::id).toList());
    }

    /**
     * The plan's resolvers once the authoritative servers serve {@code expect}: with {@code gate: true},
     * waited for (until the phase's deadline) and a condition; otherwise one look, a report. Empty when the
     * plan lists none (or nothing real may be asked).
     */
    public Optional<ResolverObservation.Gate> resolvers(List<Expectation> expect, Instant deadline) throws EngineException {
        Optional<ResolverObservation> r = probes.resolvers(plan);
        if (r.isEmpty()) return Optional.empty();
        try {
            if (ResolverObservation.gated(plan)) {
                return Optional.of(r.get().await(expect, deadline, plan.propagation().interval(), probes.sleeper(),
                        listener.progress()));
            }
            List<ResolverObservation.Report> seen = r.get().observe(expect);
            List<ResolverObservation.ResolverWait> waits = seen.stream()
                    .map(rep -> new ResolverObservation.ResolverWait(rep.resolver(), rep.seesNew() ? now() : null, rep.newBy(), rep))
                    .toList();
            String summary = waits.stream().map(ResolverObservation.ResolverWait::describe)
                    .collect(java.util.stream.Collectors.joining("; "));
            return Optional.of(new ResolverObservation.Gate(seen.stream().allMatch(ResolverObservation.Report::seesNew),
                    waits, summary));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted while asking the resolvers");
        }
    }

    /** Up to ten of the addresses and RRsets a propagation check found wanting, for a message. */
    public static String problems(PropagationCheck.Outcome out) {
        if (out.problems().isEmpty()) return "";
        List<String> shown = out.problems().subList(0, Math.min(10, out.problems().size()));
        return " [" + String.join("; ", shown) + (out.problems().size() > 10 ? "; ..." : "") + "]";
    }
}
