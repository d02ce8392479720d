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
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    /** This phase wrote to both providers of a move (the message says so). */
    private boolean wroteBoth;
    private java.util.function.BiFunction<dev.migrate.plan.PhaseSpec, Map<String, ZoneSnapshot>, PropagationCheck> propagation;
    /** What the phase sees, journaled as it is seen. */
    private final Observations seen;

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
        this.seen = new Observations(phase, plan, ledger, probes, listener, clock, this::propagation);
    }

    /**
     * The new provider of the plan's move, for this run (null when the plan moves nothing), and how a phase
     * waits for propagation (on the new servers too, while both providers serve).
     */
    PhaseRun moving(MoveTarget target,
            java.util.function.BiFunction<dev.migrate.plan.PhaseSpec, Map<String, ZoneSnapshot>, PropagationCheck> propagation) {
        this.moving = target;
        this.propagation = propagation;
        return this;
    }

    private PropagationCheck propagation(Map<String, ZoneSnapshot> zones) {
        return propagation != null ? propagation.apply(phase.spec(), zones) : probes.propagation(plan, phase.spec(), zones);
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
        return new PhaseOutcome.Done(wroteBoth ? message + " (at both providers: the old one and move.to)" : message, changes);
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

    /**
     * intent -> provider -> commit for every batch of these changes; while a provider move's two providers
     * both serve, to each of them, as batches of this phase ({@link MoveTarget#writeBoth}).
     */
    public void write(List<RRsetChange> changes) throws IOException, EngineException {
        if (moving != null && moving.bothServe(ledger.state())) {
            wroteBoth = true;
            moving.writeBoth(phase.id(), changes, writer, ledger);
        } else {
            writer.write(phase.id(), changes);
        }
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
        return seen.awaitLive(zones, expect);
    }

    /**
     * Journals the SOA serial every authoritative address serves now (one round of queries; nothing when the
     * zones are confirmed by reading the provider back). Only a record: it never fails the phase.
     */
    public void recordSerials(Map<String, ZoneSnapshot> zones) throws IOException, EngineException {
        seen.recordSerials(zones);
    }

    /** Runs a command (an {@code action: run} phase), journals how it ended with its output, and says so. */
    public Commands.Outcome runCommand(Commands.Request request) throws IOException, EngineException {
        return seen.runCommand(request);
    }

    /** Runs service checks; any failure stops the phase (exit 3). Returns a summary of what passed. */
    public String runChecks(String during, List<CheckSpec> checks) throws EngineException, IOException {
        return seen.runChecks(during, checks);
    }

    /** The plan's resolvers once the authoritative servers serve {@code expect} (see {@link Observations#resolvers}). */
    public Optional<ResolverObservation.Gate> resolvers(List<Expectation> expect, Instant deadline) throws EngineException {
        return seen.resolvers(expect, deadline);
    }

    /** Up to ten of the addresses and RRsets a propagation check found wanting, for a message. */
    public static String problems(PropagationCheck.Outcome out) {
        return Observations.problems(out);
    }
}
