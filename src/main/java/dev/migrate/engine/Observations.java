package dev.migrate.engine;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.exec.Commands;
import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ResolverObservation;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.probe.SoaSeen;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What one phase sees while it runs, each thing journaled as it is seen and told to the listener: the
 * propagation of its changes and the SOA serials on the way, service checks, a command's end, the plan's
 * resolvers. {@link PhaseRun} hands these to the actions; this is where they meet the probes and the journal.
 */
final class Observations {
    private final ScheduledPhase phase;
    private final Plan plan;
    private final Ledger ledger;
    private final Probes probes;
    private final EngineListener listener;
    private final Clock clock;
    /** How this phase waits for propagation (a provider move adds the new servers while both serve). */
    private final Function<Map<String, ZoneSnapshot>, PropagationCheck> propagation;

    Observations(ScheduledPhase phase, Plan plan, Ledger ledger, Probes probes, EngineListener listener, Clock clock,
            Function<Map<String, ZoneSnapshot>, PropagationCheck> propagation) {
        this.phase = phase;
        this.plan = plan;
        this.ledger = ledger;
        this.probes = probes;
        this.listener = listener;
        this.clock = clock;
        this.propagation = propagation;
    }

    /** Waits, up to the phase's timeout, until every authoritative address serves {@code expect}. */
    PropagationCheck.Outcome awaitLive(Map<String, ZoneSnapshot> zones, List<Expectation> expect)
            throws EngineException, IOException {
        if (expect.isEmpty()) return new PropagationCheck.Outcome(true, clock.instant(), "nothing to confirm", List.of());
        Instant deadline = clock.instant().plus(phase.spec().timeoutOrDefault());
        try {
            PropagationCheck.Outcome out = propagation.apply(zones).await(expect, deadline, listener.progress());
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
    void recordSerials(Map<String, ZoneSnapshot> zones) throws IOException, EngineException {
        try {
            journalSerials(propagation.apply(zones).serials());
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
    Commands.Outcome runCommand(Commands.Request request) throws IOException, EngineException {
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
    String runChecks(String during, List<CheckSpec> checks) throws EngineException, IOException {
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
    Optional<ResolverObservation.Gate> resolvers(List<Expectation> expect, Instant deadline) throws EngineException {
        Optional<ResolverObservation> r = probes.resolvers(plan);
        if (r.isEmpty()) return Optional.empty();
        try {
            if (ResolverObservation.gated(plan)) {
                return Optional.of(r.get().await(expect, deadline, plan.propagation().interval(), probes.sleeper(),
                        listener.progress()));
            }
            List<ResolverObservation.Report> seen = r.get().observe(expect);
            List<ResolverObservation.ResolverWait> waits = seen.stream()
                    .map(rep -> new ResolverObservation.ResolverWait(rep.resolver(), rep.seesNew() ? clock.instant() : null, rep.newBy(), rep))
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
    static String problems(PropagationCheck.Outcome out) {
        if (out.problems().isEmpty()) return "";
        List<String> shown = out.problems().subList(0, Math.min(10, out.problems().size()));
        return " [" + String.join("; ", shown) + (out.problems().size() > 10 ? "; ..." : "") + "]";
    }
}
