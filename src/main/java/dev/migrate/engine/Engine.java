package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.engine.PhaseResult.Outcome;
import dev.migrate.plan.Action;
import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.Batch;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.state.PhaseState;
import dev.migrate.state.StateLock;
import dev.migrate.support.CrashPoints;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a plan's phases when they fall due, writing every change to the journal before the provider sees
 * it, and puts everything back from the journal on rollback. Never prints: it reports through a
 * {@link Listener} and its return values.
 */
public final class Engine {

    /** @param onlyPhase run just this phase (all earlier ones must be done); null runs whatever is due */
    public record Options(boolean dryRun, String onlyPhase, boolean force) {}

    /** Where the engine tells the operator what it is doing while it does it. */
    public interface Listener {
        void say(String line);

        default PropagationCheck.Listener progress() {
            return PropagationCheck.Listener.NONE;
        }

        Listener SILENT = line -> {};
    }

    private static final int WRITE_TRIES = 3;

    private final Plan plan;
    private final DnsProvider provider;
    private final Path stateDir;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Probes probes;
    private final Listener listener;
    private final String planDigest;
    private final Timeline timeline;

    public Engine(Workspace ws, Path stateDir, Clock clock, Sleeper sleeper, Probes probes, Listener listener,
            String planDigest) {
        this.plan = ws.plan();
        this.provider = ws.provider();
        this.stateDir = stateDir;
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

    public Path stateDir() {
        return stateDir;
    }

    // ------------------------------------------------------------------ apply

    public RunReport apply(Options o) throws EngineException {
        if (o.onlyPhase() != null && timeline.phase(o.onlyPhase()).isEmpty()) {
            throw new EngineException(Verdict.INVALID, "no phase '" + o.onlyPhase() + "' in the plan; phases are "
                    + timeline.phases().stream().map(ScheduledPhase::id).toList());
        }
        if (o.dryRun()) return dryRun(o);
        try (StateLock lock = lock("apply")) {
            Journal j = journal();
            List<String> notes = new ArrayList<>();
            recover(j, notes);
            JournalState st = JournalState.of(events(j));
            if (st.rollbackStarted()) {
                if (st.rolledBackAt().isEmpty()) {
                    notes.add("a rollback was started and did not finish: run 'migrate rollback' to finish it");
                    return new RunReport(List.of(), Verdict.BLOCKED, null, null, notes);
                }
                return new RunReport(List.of(), Verdict.OK, null, null, notes.isEmpty() ? List.of() : notes)
                        .withIdle("rolled back at " + st.rolledBackAt().get() + "; apply does nothing until you start"
                                + " again with 'migrate apply --restart'");
            }
            if (o.onlyPhase() != null && st.isDone(o.onlyPhase())) {
                return alreadyDone(st, o.onlyPhase(), notes);
            }
            List<PhaseResult> results = new ArrayList<>();
            Verdict verdict = Verdict.OK;
            Instant retryAt = null;
            for (ScheduledPhase p : timeline.phases()) {
                if (st.isDone(p.id())) continue;
                if (o.onlyPhase() != null && !o.onlyPhase().equals(p.id())) {
                    results.add(earlierPhaseNotDone(o.onlyPhase(), p));
                    verdict = Verdict.BLOCKED;
                    break;
                }
                if (o.onlyPhase() == null && now().isBefore(p.at())) break;
                PhaseResult r = runPhase(p, st, o, j);
                results.add(r);
                st = JournalState.of(events(j));
                if (r.outcome() != Outcome.DONE) {
                    verdict = verdictOf(r);
                    retryAt = r.retryAt();
                    break;
                }
                if (o.onlyPhase() != null) break;
            }
            Optional<ScheduledPhase> next = nextPending(st);
            if (st.rollbackStarted()) next = Optional.empty();
            return new RunReport(results, verdict, next.map(ScheduledPhase::id).orElse(null),
                    next.map(ScheduledPhase::at).orElse(null), notes).withRetryAt(retryAt);
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** {@code --phase ID} for a phase that already ran: nothing new to do, like any repeated apply. */
    private RunReport alreadyDone(JournalState st, String phase, List<String> notes) {
        Optional<ScheduledPhase> next = nextPending(st);
        return new RunReport(List.of(), Verdict.OK, next.map(ScheduledPhase::id).orElse(null),
                next.map(ScheduledPhase::at).orElse(null), notes)
                .withIdle("phase " + phase + " is already done (finished " + st.phase(phase).get().finishedAt()
                        + "); nothing to do");
    }

    /** {@code --phase wanted} while an earlier phase is not done: blocked, naming the earlier phase. */
    private PhaseResult earlierPhaseNotDone(String wanted, ScheduledPhase earlier) {
        return new PhaseResult(wanted, timeline.phase(wanted).orElseThrow().action(), Outcome.BLOCKED,
                "runs only after every earlier phase is done; '" + earlier.id() + "' is not", List.of());
    }

    private static Verdict verdictOf(PhaseResult r) {
        return switch (r.outcome()) {
            case BLOCKED -> Verdict.BLOCKED;
            case FAILED, ROLLED_BACK -> r.message().startsWith("[failure]") ? Verdict.FAILURE : Verdict.CHECK_FAILED;
            default -> Verdict.OK;
        };
    }

    private Optional<ScheduledPhase> nextPending(JournalState st) {
        return timeline.phases().stream().filter(p -> !st.isDone(p.id())).findFirst();
    }

    private PhaseResult runPhase(ScheduledPhase p, JournalState st, Options o, Journal j) throws IOException {
        if (p.spec().approvalRequired()) {
            String problem = approvalProblem(st, p.id());
            if (problem != null) return new PhaseResult(p.id(), p.action(), Outcome.BLOCKED, problem, List.of());
        }
        try {
            return switch (p.action()) {
                case LOWER_TTL -> lowerTtl(p, st, j);
                case VERIFY -> verify(p, j);
                case SWAP -> swap(p, st, o, j);
                case CONFIRM -> confirm(p, st, j);
                case RESTORE_TTL -> restoreTtl(p, st, j);
            };
        } catch (EngineException e) {
            Outcome outcome = e.verdict() == Verdict.BLOCKED ? Outcome.BLOCKED : Outcome.FAILED;
            String prefix = e.verdict() == Verdict.FAILURE ? "[failure] " : "";
            if (st.phase(p.id()).isPresent() || startedThisRun) {
                j.append(Event.PHASE_FAILED, p.id(), Map.of("reason", e.getMessage(), "verdict", e.verdict().name()));
            }
            startedThisRun = false;
            return new PhaseResult(p.id(), p.action(), outcome, prefix + e.getMessage(), List.of());
        }
    }

    private boolean startedThisRun;

    private void started(ScheduledPhase p, Journal j, Map<String, String> info) throws IOException {
        Map<String, String> i = new LinkedHashMap<>(info);
        i.put("action", p.action().word());
        i.put("scheduledAt", p.at().toString());
        j.append(Event.PHASE_STARTED, p.id(), i);
        startedThisRun = true;
        listener.say(p.id() + ": started (" + p.action().word() + ", scheduled " + p.at() + ")");
    }

    private PhaseResult finished(ScheduledPhase p, Journal j, String message, List<RRsetChange> changes,
            Map<String, String> info) throws IOException {
        j.append(Event.PHASE_FINISHED, p.id(), info);
        startedThisRun = false;
        return new PhaseResult(p.id(), p.action(), Outcome.DONE, message, changes);
    }

    // ---- the actions

    private PhaseResult lowerTtl(ScheduledPhase p, JournalState st, Journal j) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = readLive();
        List<Target> targets = targets(live);
        Map<ZonedKey, Long> originals = originalTtls(st);
        long maxOrig = 0;
        for (Target t : targets) {
            dev.migrate.dns.RRsetNote note = live.get(t.zone()).note(t.key());
            if (note != null && note.instantSwap()) continue; // resolvers never cache its data: see RRsetNote
            RRset now = live.get(t.zone()).get(t.key());
            Long orig = originals.get(new ZonedKey(t.zone(), t.key()));
            if (orig != null) maxOrig = Math.max(maxOrig, orig);
            else if (now != null) maxOrig = Math.max(maxOrig, now.ttl());
        }
        started(p, j, Map.of());
        List<RRsetChange> changes = PhaseChanges.lowerTtl(targets, live, plan.ttl());
        write(j, p.id(), changes, Map.of());
        Map<String, ZoneSnapshot> after = Planner.applyTo(live, changes);
        List<Expectation> expect = new ArrayList<>();
        for (Target t : targets) {
            RRset s = after.get(t.zone()).get(t.key());
            if (s != null) expect.add(new Expectation(t.zone(), t.key(), s));
        }
        PropagationCheck.Outcome out = awaitLive(p, after, expect);
        if (!out.live()) {
            throw new EngineException(Verdict.CHECK_FAILED, "the lowered TTL is not yet served everywhere: "
                    + out.summary() + problems(out) + "; the next apply checks again (the swap waits for it)");
        }
        Instant confirmedAt = out.confirmedAt() != null ? out.confirmedAt() : now();
        Duration margin = plan.ttl().marginFor(maxOrig);
        Instant earliest = Safety.earliestSafeSwap(confirmedAt, maxOrig, margin);
        listener.say(p.id() + ": lowered TTL confirmed at " + confirmedAt + "; earliest safe swap " + earliest);
        return finished(p, j, changes.size() + " RRset(s) lowered to TTL " + plan.ttl().lowered() + "; confirmed at "
                        + confirmedAt + " (" + out.summary() + "); earliest safe swap " + earliest, changes,
                Map.of("confirmedAt", confirmedAt.toString(), "maxOriginalTtl", Long.toString(maxOrig),
                        "margin", Long.toString(margin.toSeconds()), "earliestSafeSwap", earliest.toString()));
    }

    private PhaseResult verify(ScheduledPhase p, Journal j) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = readLive();
        List<Target> targets = targets(live);
        List<String> drift = PhaseChanges.drift(targets, live);
        started(p, j, Map.of());
        if (!drift.isEmpty()) {
            throw new EngineException(Verdict.BLOCKED, "drift: " + String.join("; ", drift)
                    + ". Fix the live records or the plan's 'from', then run apply again");
        }
        List<CheckSpec> checks = checksFor(p);
        String checked = runChecks(p.id(), checks);
        return finished(p, j, "from-data matches live; " + checked, List.of(), Map.of());
    }

    private PhaseResult swap(ScheduledPhase p, JournalState st, Options o, Journal j) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = readLive();
        List<Target> targets = targets(live);
        List<String> drift = PhaseChanges.drift(targets, live);
        if (!drift.isEmpty()) {
            return new PhaseResult(p.id(), p.action(), Outcome.BLOCKED, "drift: " + String.join("; ", drift)
                    + ". The swap will not overwrite records that are not what the plan expects: fix the live records"
                    + " or the plan's 'from', then run apply again", List.of());
        }
        List<String> forcedReasons = new ArrayList<>();
        List<String> notLowered = PhaseChanges.notLowered(targets, live, plan.ttl());
        if (!notLowered.isEmpty()) {
            String why = "not lowered: " + String.join("; ", notLowered);
            if (!o.force()) return new PhaseResult(p.id(), p.action(), Outcome.BLOCKED, why
                    + ". Caches may keep the old answer that long; run lower-ttl first (or --force)", List.of());
            forcedReasons.add(why);
        }
        Instant earliest = earliestSafeSwap(st);
        if (earliest != null && now().isBefore(earliest)) {
            String why = "unsafe until " + earliest + " (" + Durations.relative(earliest, now())
                    + "): lower-ttl was confirmed at " + st.phase(lowerPhaseId()).get().finishInfo().get("confirmedAt")
                    + ", the largest original TTL is " + st.phase(lowerPhaseId()).get().finishInfo().get("maxOriginalTtl")
                    + " s, and the margin " + Durations.human(Duration.ofSeconds(Long.parseLong(
                            st.phase(lowerPhaseId()).get().finishInfo().get("margin")))) + "; caches may still hold the old TTL";
            if (!o.force()) {
                return new PhaseResult(p.id(), p.action(), Outcome.BLOCKED, "swap " + why
                        + ". apply runs it once that time has come (--force overrides, and the journal records it)",
                        List.of(), earliest);
            }
            forcedReasons.add(why);
        }
        if (!forcedReasons.isEmpty()) {
            listener.say("WARNING: " + p.id() + " forced past the safety gate: " + String.join("; ", forcedReasons));
            j.append(Event.FORCED, p.id(), Map.of("reason", String.join("; ", forcedReasons)));
        }
        started(p, j, forcedReasons.isEmpty() ? Map.of() : Map.of("forced", "true"));
        if (p.spec().preflight() && !plan.checks().isEmpty()) {
            runChecks(p.id() + " preflight", checksFor(timeline.first(Action.VERIFY).orElse(p)));
        }
        List<RRsetChange> changes = PhaseChanges.swap(targets, live, plan.ttl());
        write(j, p.id(), changes, Map.of());
        return finished(p, j, changes.size() + " RRset(s) swapped" + (forcedReasons.isEmpty() ? "" : " (FORCED)"),
                changes, forcedReasons.isEmpty() ? Map.of() : Map.of("forced", "true"));
    }

    private PhaseResult confirm(ScheduledPhase p, JournalState st, Journal j) throws IOException, EngineException {
        List<RRsetChange> swapped = new ArrayList<>();
        for (ScheduledPhase s : timeline.phases()) {
            if (s.action() == Action.SWAP) swapped.addAll(st.committedChanges(s.id()));
        }
        started(p, j, Map.of());
        if (swapped.isEmpty()) return finished(p, j, "nothing was swapped; nothing to confirm", List.of(), Map.of());
        List<Expectation> expect = swapped.stream().map(c -> new Expectation(c.zone(), c.key(), c.after())).toList();
        Map<String, ZoneSnapshot> live = readLive();
        PropagationCheck.Outcome out = awaitLive(p, live, expect);
        if (out.live()) {
            return finished(p, j, "the swap is live: " + out.summary(), List.of(),
                    Map.of("confirmedAt", (out.confirmedAt() != null ? out.confirmedAt() : now()).toString()));
        }
        String why = "not live by the deadline: " + out.summary() + problems(out);
        j.append(Event.PHASE_FAILED, p.id(), Map.of("reason", why, "verdict", Verdict.CHECK_FAILED.name()));
        startedThisRun = false;
        if (p.spec().onFailure() == OnFailure.HALT) {
            return new PhaseResult(p.id(), p.action(), Outcome.FAILED, why + ". onFailure is halt: nothing was rolled"
                    + " back; decide, then 'migrate rollback' or 'migrate apply --phase " + p.id() + "'", List.of());
        }
        listener.say(p.id() + ": " + why + "; rolling back");
        try {
            List<RRsetChange> undone = rollbackInLock(j, false);
            return new PhaseResult(p.id(), p.action(), Outcome.ROLLED_BACK, why + ". Rolled back "
                    + undone.size() + " RRset change(s); the old records are served again at the lowered TTL", undone);
        } catch (EngineException e) {
            return new PhaseResult(p.id(), p.action(), Outcome.FAILED, why + ". The rollback that followed stopped: "
                    + e.getMessage(), List.of());
        }
    }

    private PhaseResult restoreTtl(ScheduledPhase p, JournalState st, Journal j) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = readLive();
        Set<ZonedKey> touched = new LinkedHashSet<>();
        for (Batch b : st.undoable()) for (RRsetChange c : b.changes()) touched.add(new ZonedKey(c.zone(), c.key()));
        started(p, j, Map.of());
        List<RRsetChange> changes = PhaseChanges.restoreTtl(touched, live, plan.ttl(), originalTtls(st));
        write(j, p.id(), changes, Map.of());
        return finished(p, j, changes.size() + " RRset(s) back to their " + (plan.ttl().restore().isPresent()
                ? "TTL " + plan.ttl().restore().getAsLong() : "original TTL"), changes, Map.of());
    }

    // ---- safety

    private String lowerPhaseId() {
        return timeline.first(Action.LOWER_TTL).map(ScheduledPhase::id).orElse(null);
    }

    /** From the journal: when lower-ttl was confirmed + the largest original TTL + margin; null without lower-ttl. */
    Instant earliestSafeSwap(JournalState st) {
        String id = lowerPhaseId();
        if (id == null) return null;
        Optional<JournalState.PhaseRecord> r = st.phase(id);
        if (r.isEmpty() || !r.get().done()) return null;
        Map<String, String> info = r.get().finishInfo();
        return Instant.parse(info.get("earliestSafeSwap"));
    }

    /**
     * Original TTL per RRset: the before-image of its first journaled write by lower-ttl, else by the swap.
     * restore-ttl's own batches do not count: their before-images hold the lowered TTL, and a restore
     * resumed after a crash would otherwise take that as the original of an RRset the swap created.
     */
    private Map<ZonedKey, Long> originalTtls(JournalState st) {
        Map<ZonedKey, Long> out = new HashMap<>();
        for (Batch b : st.undoable()) {
            Action by = timeline.phase(b.phase()).map(ScheduledPhase::action).orElse(null);
            if (by != Action.LOWER_TTL && by != Action.SWAP) continue;
            for (RRsetChange c : b.changes()) {
                if (c.before() != null) out.putIfAbsent(new ZonedKey(c.zone(), c.key()), c.before().ttl());
            }
        }
        return out;
    }

    private String approvalProblem(JournalState st, String phase) {
        Optional<Event> a = st.approval(phase);
        String how = "run: migrate approve " + plan.file() + " " + phase;
        if (a.isEmpty()) return "phase " + phase + " needs an approval; " + how;
        String digest = a.get().info("planSha256");
        if (planDigest != null && digest != null && !digest.equals(planDigest)) {
            return "phase " + phase + " was approved by " + a.get().info("by") + " at " + a.get().at()
                    + " for a different version of the plan file; review the plan and approve again: " + how;
        }
        return null;
    }

    // ---- checks and propagation

    private List<CheckSpec> checksFor(ScheduledPhase p) {
        if (p.spec().checks() == null) return plan.checks();
        List<CheckSpec> out = new ArrayList<>();
        for (String id : p.spec().checks()) plan.check(id).ifPresent(out::add);
        return out;
    }

    private String runChecks(String what, List<CheckSpec> checks) throws EngineException {
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
            listener.say(what + ": check " + r.id() + " " + (r.passed() ? "passed" : "FAILED") + ": " + r.detail());
            if (!r.passed()) failed.add(r.id() + " (" + r.detail() + ")");
        }
        if (!failed.isEmpty()) {
            throw new EngineException(Verdict.CHECK_FAILED, "check" + (failed.size() == 1 ? " " : "s ")
                    + String.join(", ", failed) + " failed; the swap will not run until they pass");
        }
        return results.size() + " check(s) passed: " + String.join(", ", results.stream().map(ServiceChecks.Result::id).toList());
    }

    private PropagationCheck.Outcome awaitLive(ScheduledPhase p, Map<String, ZoneSnapshot> live, List<Expectation> expect)
            throws EngineException {
        if (expect.isEmpty()) return new PropagationCheck.Outcome(true, now(), "nothing to confirm", List.of());
        Instant deadline = now().plus(p.spec().timeoutOrDefault());
        try {
            return probes.propagation(plan, p.spec(), live).await(expect, deadline, listener.progress());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted while waiting for propagation");
        }
    }

    private static String problems(PropagationCheck.Outcome out) {
        if (out.problems().isEmpty()) return "";
        List<String> shown = out.problems().subList(0, Math.min(10, out.problems().size()));
        return " [" + String.join("; ", shown) + (out.problems().size() > 10 ? "; ..." : "") + "]";
    }

    // ---- the journaled write path

    /**
     * intent (fsync) → provider → commit (fsync), per batch of at most the provider's batch size, per zone.
     * A conflict aborts the batch and blocks; any other failure leaves the outcome to be read back.
     */
    private void write(Journal j, String phase, List<RRsetChange> changes, Map<String, String> info)
            throws IOException, EngineException {
        Map<String, List<RRsetChange>> perZone = new LinkedHashMap<>();
        for (RRsetChange c : changes) perZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c);
        for (Map.Entry<String, List<RRsetChange>> e : perZone.entrySet()) {
            for (List<RRsetChange> batch : provider.batches(e.getKey(), e.getValue())) {
                writeBatch(j, phase, e.getKey(), batch, info);
            }
        }
    }

    private void writeBatch(Journal j, String phase, String zone, List<RRsetChange> batch, Map<String, String> info)
            throws IOException, EngineException {
        String id = phase + "#" + (JournalState.of(events(j)).batchCount() + 1);
        CrashPoints.reach("before-intent");
        j.append(Event.INTENT, phase, id, zone, batch, info);
        CrashPoints.reach("after-intent");
        ProviderException failure = null;
        for (int attempt = 1; attempt <= WRITE_TRIES; attempt++) {
            try {
                provider.apply(zone, batch);
                failure = null;
                break;
            } catch (ProviderException ex) {
                failure = ex;
                if (ex.kind() == ProviderException.Kind.CONFLICT && attempt > 1 && landed(zone, batch)) {
                    failure = null; // an earlier try landed after all
                    break;
                }
                if (!ex.kind().isTransient() || attempt == WRITE_TRIES) break;
                listener.say("provider: " + ex.getMessage() + "; trying again (" + (attempt + 1) + "/" + WRITE_TRIES + ")");
                sleep(Duration.ofSeconds(attempt));
            }
        }
        if (failure != null) {
            if (failure.kind() == ProviderException.Kind.CONFLICT) {
                j.append(Event.ABORTED, phase, id, zone, null, Map.of("reason", failure.getMessage()));
                throw new EngineException(Verdict.BLOCKED, "conflict in " + zone + ": " + failure.getMessage()
                        + ". Nothing was overwritten; look at these records, then fix the plan or the records");
            }
            settleUncertain(j, phase, id, zone, batch, failure);
        }
        CrashPoints.reach("after-write");
        j.append(Event.COMMIT, phase, id, zone, null, Map.of());
        listener.say(phase + ": wrote " + batch.size() + " RRset(s) in " + zone);
    }

    /** After a failed write, read back: it may have landed (commit), not landed (abort), or be unknown (leave pending). */
    private void settleUncertain(Journal j, String phase, String id, String zone, List<RRsetChange> batch,
            ProviderException failure) throws IOException, EngineException {
        try {
            if (matches(zone, batch, true)) return; // landed; the caller commits
            if (matches(zone, batch, false)) {
                j.append(Event.ABORTED, phase, id, zone, null, Map.of("reason", failure.getMessage()));
                throw new EngineException(Verdict.FAILURE, failure.getMessage() + " (nothing was changed; the journal"
                        + " records the attempt)");
            }
        } catch (ProviderException readFailure) {
            // Cannot tell: the intent stays pending and the next run settles it.
        }
        throw new EngineException(Verdict.FAILURE, failure.getMessage() + " (whether the change landed is unknown; the"
                + " next apply or rollback reads the records back and settles it)");
    }

    private boolean landed(String zone, List<RRsetChange> batch) {
        try {
            return matches(zone, batch, true);
        } catch (ProviderException e) {
            return false;
        }
    }

    private boolean matches(String zone, List<RRsetChange> batch, boolean afterImage) throws ProviderException {
        ZoneSnapshot z = readZone(zone, batch.stream().map(RRsetChange::key).toList());
        for (RRsetChange c : batch) {
            if (!Objects.equals(z.get(c.key()), afterImage ? c.after() : c.before())) return false;
        }
        return true;
    }

    /** Crash recovery: settle every intent a dead run left without commit or abort. */
    private void recover(Journal j, List<String> notes) throws IOException, EngineException {
        for (Batch b : JournalState.of(events(j)).pending()) {
            boolean after;
            boolean before;
            try {
                after = matches(b.zone(), b.changes(), true);
                before = !after && matches(b.zone(), b.changes(), false);
            } catch (ProviderException e) {
                throw new EngineException(Verdict.FAILURE, "an earlier run stopped during batch " + b.id()
                        + " and the provider cannot be read to settle it: " + e.getMessage());
            }
            if (after) {
                j.append(Event.COMMIT, b.phase(), b.id(), b.zone(), null, Map.of("recovered", "true"));
                notes.add("recovered: batch " + b.id() + " (" + b.changes().size() + " RRsets) had landed before an"
                        + " earlier run stopped; recorded as committed");
            } else if (before) {
                j.append(Event.ABORTED, b.phase(), b.id(), b.zone(), null, Map.of("recovered", "true",
                        "reason", "not applied when the earlier run stopped"));
                notes.add("recovered: batch " + b.id() + " had not been applied when an earlier run stopped; recorded as"
                        + " aborted");
            } else {
                List<String> drifted = new ArrayList<>();
                ZoneSnapshot z;
                try {
                    z = readZone(b.zone(), b.changes().stream().map(RRsetChange::key).toList());
                } catch (ProviderException e) {
                    throw new EngineException(Verdict.FAILURE, e.getMessage());
                }
                for (RRsetChange c : b.changes()) {
                    RRset live = z.get(c.key());
                    if (!Objects.equals(live, c.before()) && !Objects.equals(live, c.after())) {
                        drifted.add(c.key() + " is " + (live == null ? "absent" : live.ttl() + " " + live.rdata())
                                + ", neither the before-image " + image(c.before()) + " nor the after-image " + image(c.after()));
                    }
                }
                if (drifted.isEmpty()) drifted.add("some RRsets hold the before-image and others the after-image");
                throw new EngineException(Verdict.FAILURE, "an earlier run stopped during batch " + b.id() + " in "
                        + b.zone() + ", and the records now match neither image: " + String.join("; ", drifted)
                        + ". Set each of them by hand to its before-image (to undo) or after-image (to complete), then run"
                        + " the command again; the journal at " + j.file() + " holds both images");
            }
        }
    }

    private static String image(RRset s) {
        return s == null ? "(absent)" : s.ttl() + " " + s.rdata();
    }

    // ------------------------------------------------------------------ rollback

    public RunReport rollback(boolean dryRun, boolean force) throws EngineException {
        try {
            if (dryRun) {
                JournalState st = JournalState.of(Journal.eventsIn(stateDir));
                List<RRsetChange> would = new ArrayList<>();
                List<Batch> undo = new ArrayList<>(st.undoable());
                java.util.Collections.reverse(undo);
                for (Batch b : undo) for (RRsetChange c : b.changes()) would.add(c.inverse());
                String msg = would.isEmpty() ? "nothing to roll back" : would.size() + " RRset change(s) would be undone, newest first";
                return new RunReport(List.of(new PhaseResult(Event.ROLLBACK_PHASE, null, Outcome.WOULD_RUN, msg, would)),
                        Verdict.OK, null, null, List.of());
            }
            try (StateLock lock = lock("rollback")) {
                Journal j = journal();
                List<String> notes = new ArrayList<>();
                recover(j, notes);
                List<RRsetChange> undone = rollbackInLock(j, force);
                String msg = undone.isEmpty() ? "nothing to roll back" : undone.size() + " RRset change(s) undone";
                return new RunReport(List.of(new PhaseResult(Event.ROLLBACK_PHASE, null, Outcome.DONE, msg, undone)),
                        Verdict.OK, null, null, notes);
            }
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Undoes every committed batch, newest first, each through the journaled path. Undoing a swap brings
     * back the old data at the lowered TTL it had then; undoing lower-ttl brings back the original TTL.
     */
    private List<RRsetChange> rollbackInLock(Journal j, boolean force) throws IOException, EngineException {
        JournalState st = JournalState.of(events(j));
        List<Batch> undo = new ArrayList<>(st.undoable());
        // Nothing to undo: done, unless a rollback was started and not finished (then record its end).
        if (undo.isEmpty() && (!st.rollbackStarted() || st.rolledBackAt().isPresent())) {
            return List.of();
        }
        java.util.Collections.reverse(undo);
        j.append(Event.ROLLBACK_STARTED, Event.ROLLBACK_PHASE, force ? Map.of("forced", "true") : Map.of());
        List<RRsetChange> done = new ArrayList<>();
        for (Batch b : undo) {
            ZoneSnapshot live;
            try {
                live = readZone(b.zone(), b.changes().stream().map(RRsetChange::key).toList());
            } catch (ProviderException e) {
                j.append(Event.ROLLBACK_FAILED, Event.ROLLBACK_PHASE, Map.of("reason", e.getMessage()));
                throw new EngineException(Verdict.FAILURE, e.getMessage() + "; rollback stopped, run it again");
            }
            List<String> changedBySomeoneElse = new ArrayList<>();
            List<RRsetChange> inverse = new ArrayList<>();
            for (RRsetChange c : b.changes()) {
                RRset now = live.get(c.key());
                if (!Objects.equals(now, c.after())) {
                    changedBySomeoneElse.add(c.key() + " is " + image(now) + " but the tool wrote " + image(c.after()));
                }
                RRset from = force ? now : c.after();
                if (!Objects.equals(from, c.before())) inverse.add(new RRsetChange(c.zone(), c.key(), from, c.before()));
            }
            if (!changedBySomeoneElse.isEmpty() && !force) {
                String why = "changed by someone else since the tool wrote it: " + String.join("; ", changedBySomeoneElse);
                j.append(Event.ROLLBACK_FAILED, Event.ROLLBACK_PHASE, Map.of("reason", why));
                throw new EngineException(Verdict.BLOCKED, "rollback stopped: " + why + ". Nothing of it was"
                        + " overwritten; check these records, then 'migrate rollback --force' to put the old data back anyway");
            }
            if (!changedBySomeoneElse.isEmpty()) {
                j.append(Event.FORCED, Event.ROLLBACK_PHASE, Map.of("reason", String.join("; ", changedBySomeoneElse)));
            }
            if (inverse.isEmpty()) {
                // Nothing to write, but record that this batch is undone so a later rollback skips it.
                inverse = List.of();
            }
            writeRollbackBatch(j, b, inverse);
            done.addAll(inverse);
        }
        j.append(Event.ROLLBACK_FINISHED, Event.ROLLBACK_PHASE, Map.of("changes", Integer.toString(done.size())));
        listener.say("rollback: finished; " + done.size() + " RRset change(s) undone");
        return done;
    }

    private void writeRollbackBatch(Journal j, Batch b, List<RRsetChange> inverse) throws IOException, EngineException {
        String id = Event.ROLLBACK_PHASE + "#" + (JournalState.of(events(j)).batchCount() + 1);
        j.append(Event.INTENT, Event.ROLLBACK_PHASE, id, b.zone(), inverse, Map.of("undoes", b.id()));
        if (!inverse.isEmpty()) {
            try {
                provider.apply(b.zone(), inverse);
            } catch (ProviderException ex) {
                if (ex.kind() == ProviderException.Kind.CONFLICT) {
                    j.append(Event.ABORTED, Event.ROLLBACK_PHASE, id, b.zone(), null, Map.of("reason", ex.getMessage()));
                    j.append(Event.ROLLBACK_FAILED, Event.ROLLBACK_PHASE, Map.of("reason", ex.getMessage()));
                    throw new EngineException(Verdict.BLOCKED, "rollback stopped: " + ex.getMessage());
                }
                settleUncertain(j, Event.ROLLBACK_PHASE, id, b.zone(), inverse, ex);
            }
        }
        j.append(Event.COMMIT, Event.ROLLBACK_PHASE, id, b.zone(), null, Map.of());
    }

    // ------------------------------------------------------------------ restart, approve, status

    /** After a rollback: keeps the old journal beside the new one and lets apply start from the first phase. */
    public Path restart() throws EngineException {
        try (StateLock lock = lock("apply --restart")) {
            Journal j = journal();
            JournalState st = JournalState.of(events(j));
            if (st.events().isEmpty()) throw new EngineException(Verdict.INVALID, "nothing to restart: no journal yet");
            if (st.rolledBackAt().isEmpty() && !st.undoable().isEmpty()) {
                throw new EngineException(Verdict.BLOCKED, "--restart is for after a rollback, and changes are still in"
                        + " place; run 'migrate rollback' first");
            }
            return j.archive();
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    public Event approve(String phase, String by) throws EngineException {
        ScheduledPhase p = timeline.phase(phase).orElseThrow(() -> new EngineException(Verdict.INVALID,
                "no phase '" + phase + "' in the plan; phases are " + timeline.phases().stream().map(ScheduledPhase::id).toList()));
        try (StateLock lock = lock("approve")) {
            Journal j = journal();
            Map<String, String> info = new LinkedHashMap<>();
            info.put("by", by);
            if (planDigest != null) info.put("planSha256", planDigest);
            info.put("required", Boolean.toString(p.spec().approvalRequired()));
            return j.append(Event.APPROVED, phase, info);
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "state directory " + stateDir + ": " + e.getMessage(), e);
        }
    }

    public Status status() throws EngineException {
        JournalState st;
        try {
            st = JournalState.of(Journal.eventsIn(stateDir));
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
        }
        Instant now = now();
        List<PhaseStatus> rows = new ArrayList<>();
        boolean rolledBack = st.rolledBackAt().isPresent();
        for (ScheduledPhase p : timeline.phases()) {
            Optional<JournalState.PhaseRecord> r = st.phase(p.id());
            PhaseState s;
            String detail = null;
            if (r.isPresent() && r.get().done()) s = rolledBack ? PhaseState.ROLLED_BACK : PhaseState.DONE;
            else if (rolledBack) s = PhaseState.SKIPPED;
            else if (r.isPresent() && r.get().failedAt() != null) {
                s = PhaseState.FAILED;
                detail = r.get().failure();
            } else if (r.isPresent()) s = PhaseState.RUNNING;
            else s = now.isBefore(p.at()) ? PhaseState.PENDING : PhaseState.DUE;
            if (s == PhaseState.PENDING || s == PhaseState.DUE) {
                if (p.spec().approvalRequired() && approvalProblem(st, p.id()) != null) detail = "needs approval";
            }
            rows.add(new PhaseStatus(p.id(), p.action(), p.at(), s, r.map(JournalState.PhaseRecord::startedAt).orElse(null),
                    r.map(JournalState.PhaseRecord::finishedAt).orElse(null), detail));
        }
        Optional<ScheduledPhase> next = rolledBack || st.rollbackStarted() ? Optional.empty() : nextPending(st);
        List<String> notes = new ArrayList<>();
        if (st.rollbackStarted() && !rolledBack) notes.add("a rollback started and did not finish: run 'migrate rollback'");
        if (rolledBack) notes.add("rolled back; start again with 'migrate apply --restart'");
        if (!st.pending().isEmpty()) notes.add(st.pending().size() + " write(s) without a commit: the next apply settles them");
        return new Status(plan.name(), now, rows, next.map(ScheduledPhase::id).orElse(null),
                next.map(ScheduledPhase::at).orElse(null), earliestSafeSwap(st), st.rolledBackAt().orElse(null),
                st.pending().size(), notes);
    }

    // ------------------------------------------------------------------ dry run

    /** What apply would do now: the due phases in order, simulated on a copy of the live zones. Writes nothing. */
    private RunReport dryRun(Options o) throws EngineException {
        JournalState st;
        try {
            st = JournalState.of(Journal.eventsIn(stateDir));
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
        }
        List<String> notes = new ArrayList<>();
        if (!st.pending().isEmpty()) notes.add(st.pending().size() + " write(s) without a commit would be settled first");
        if (st.rollbackStarted()) {
            notes.add(st.rolledBackAt().isPresent() ? "rolled back: apply would do nothing (start again with --restart)"
                    : "a rollback is unfinished: apply would do nothing until 'migrate rollback' finishes it");
            return new RunReport(List.of(), Verdict.OK, null, null, notes);
        }
        if (o.onlyPhase() != null && st.isDone(o.onlyPhase())) return alreadyDone(st, o.onlyPhase(), notes);
        Map<String, ZoneSnapshot> live = readLive();
        List<Target> targets = targets(live);
        List<PhaseResult> results = new ArrayList<>();
        Verdict verdict = Verdict.OK;
        Set<String> simulatedDone = new java.util.HashSet<>();
        Instant simulatedLowerConfirm = null;
        for (ScheduledPhase p : timeline.phases()) {
            if (st.isDone(p.id())) continue;
            if (o.onlyPhase() != null && !o.onlyPhase().equals(p.id())) {
                results.add(earlierPhaseNotDone(o.onlyPhase(), p));
                verdict = Verdict.BLOCKED;
                break;
            }
            if (o.onlyPhase() == null && now().isBefore(p.at())) break;
            if (p.spec().approvalRequired() && approvalProblem(st, p.id()) != null) {
                results.add(new PhaseResult(p.id(), p.action(), Outcome.BLOCKED, approvalProblem(st, p.id()), List.of()));
                verdict = Verdict.BLOCKED;
                break;
            }
            List<RRsetChange> changes = List.of();
            String msg;
            switch (p.action()) {
                case LOWER_TTL -> {
                    changes = PhaseChanges.lowerTtl(targets, live, plan.ttl());
                    simulatedLowerConfirm = now();
                    msg = "would lower " + changes.size() + " RRset(s) to TTL " + plan.ttl().lowered() + " and wait until every"
                            + " server serves it";
                }
                case VERIFY -> msg = "would check that live data matches 'from' and run "
                        + (checksFor(p).isEmpty() ? "no service checks" : "checks " + checksFor(p).stream().map(CheckSpec::id).toList());
                case SWAP -> {
                    Instant earliest = earliestSafeSwap(st);
                    if (earliest == null && simulatedLowerConfirm != null) {
                        long maxOrig = Planner.maxOriginalTtl(targets, readLiveQuiet());
                        earliest = Safety.earliestSafeSwap(simulatedLowerConfirm, maxOrig, plan.ttl().marginFor(maxOrig));
                    }
                    List<String> drift = PhaseChanges.drift(targets, live);
                    if (!drift.isEmpty() || earliest != null && now().isBefore(earliest) && !o.force()) {
                        results.add(new PhaseResult(p.id(), p.action(), Outcome.BLOCKED, !drift.isEmpty()
                                ? "drift: " + String.join("; ", drift) : "unsafe until " + earliest, List.of()));
                        verdict = Verdict.BLOCKED;
                        return new RunReport(results, verdict, p.id(), p.at(), notes);
                    }
                    changes = PhaseChanges.swap(targets, live, plan.ttl());
                    msg = "would swap " + changes.size() + " RRset(s)";
                }
                case CONFIRM -> msg = "would wait up to " + Durations.human(p.spec().timeoutOrDefault())
                        + " for every server to serve the swapped data";
                case RESTORE_TTL -> {
                    Set<ZonedKey> touched = new LinkedHashSet<>();
                    for (Batch b : st.undoable()) for (RRsetChange c : b.changes()) touched.add(new ZonedKey(c.zone(), c.key()));
                    for (Target t : targets) touched.add(new ZonedKey(t.zone(), t.key()));
                    changes = PhaseChanges.restoreTtl(touched, live, plan.ttl(), originalTtls(st));
                    msg = "would restore the TTL of " + changes.size() + " RRset(s)";
                }
                default -> msg = "";
            }
            results.add(new PhaseResult(p.id(), p.action(), Outcome.WOULD_RUN, msg, changes));
            live = Planner.applyTo(live, changes);
            simulatedDone.add(p.id());
            if (o.onlyPhase() != null) break;
        }
        Optional<ScheduledPhase> next = timeline.phases().stream()
                .filter(p -> !st.isDone(p.id()) && !simulatedDone.contains(p.id())).findFirst();
        return new RunReport(results, verdict, next.map(ScheduledPhase::id).orElse(null),
                next.map(ScheduledPhase::at).orElse(null), notes);
    }

    private Map<String, ZoneSnapshot> readLiveQuiet() throws EngineException {
        return readLive();
    }

    // ------------------------------------------------------------------ edges

    private Instant now() {
        return clock.instant();
    }

    private void sleep(Duration d) throws EngineException {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted");
        }
    }

    private Map<String, ZoneSnapshot> readLive() throws EngineException {
        Map<String, ZoneSnapshot> out = new LinkedHashMap<>();
        for (String z : plan.zones()) {
            try {
                out.put(z, readZone(z, List.of()));
            } catch (ProviderException e) {
                throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
            }
        }
        return out;
    }

    /**
     * Reads a zone: at least the plan's explicit RRsets in it plus {@code also}, for adapters that read
     * name by name; the whole zone for the others.
     */
    private ZoneSnapshot readZone(String zone, List<dev.migrate.dns.RRsetKey> also) throws ProviderException {
        Set<dev.migrate.dns.RRsetKey> wanted = new LinkedHashSet<>(Workspace.explicitKeys(plan, zone));
        wanted.addAll(also);
        return provider.read(zone, wanted);
    }

    private List<Target> targets(Map<String, ZoneSnapshot> live) throws EngineException {
        Targets.Expansion exp = Targets.expand(plan, live);
        if (!exp.errors().isEmpty()) throw new EngineException(Verdict.BLOCKED, String.join("; ", exp.errors()));
        return exp.targets();
    }

    private StateLock lock(String command) throws EngineException {
        try {
            return StateLock.acquire(stateDir, command, now());
        } catch (StateLock.HeldException e) {
            throw new EngineException(Verdict.LOCKED, e.getMessage());
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "cannot lock " + stateDir + ": " + e.getMessage(), e);
        }
    }

    private Journal journal() throws IOException {
        return Journal.open(stateDir, clock);
    }

    private static List<Event> events(Journal j) throws IOException {
        return j.events();
    }
}
