package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Action;
import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.FileStateStore;
import dev.migrate.probe.AuthoritativeProbe;
import dev.migrate.probe.NameServer;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.provider.sandbox.Sandbox;
import dev.migrate.support.VirtualClock;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Plays a plan's whole timeline on virtual time against a sandbox: an in-process authoritative nameserver
 * set on loopback loaded with a copy of the live zones. The real engine, journal and probes run; only the
 * provider, the clock and the service checks are stand-ins, so what the rehearsal shows is what apply
 * would do, minus the outside world.
 */
public final class Rehearsal {
    private Rehearsal() {}

    /**
     * @param failChecks    check ids to fail (the others pass: nothing real is contacted)
     * @param laggingServer one sandbox secondary never receives updates
     * @param late          phases that run this much after their instant (as if cron were down)
     */
    public record Options(Set<String> failChecks, boolean laggingServer, Map<String, Duration> late, int servers) {}

    /** One phase run: when, what the engine reported, and what it said while running. */
    public record Step(Instant at, Instant finishedAt, PhaseResult result, List<EngineEvent> events) {}

    /** One change the sandbox received, in order. */
    public record Recorded(Instant at, String zone, long serial, List<RRsetChange> changes) {}

    public record Result(
            Verdict verdict,
            String verdictText,
            List<Step> steps,
            List<Recorded> changes,
            Instant plannedSwap,
            Instant actualSwap,
            Instant earliestSafeSwap,
            List<InetSocketAddress> servers,
            List<String> notes,
            Duration virtualSpan,
            Map<String, ZoneSnapshot> finalZones) {}

    public interface Listener {
        void step(Step step);

        Listener NONE = s -> {};
    }

    public static Result run(Plan plan, Map<String, ZoneSnapshot> live, Options o, Listener out) throws EngineException {
        for (String id : o.late().keySet()) {
            if (plan.phase(id).isEmpty()) {
                throw new EngineException(Verdict.INVALID, "--late " + id + ": no such phase; phases are "
                        + plan.phases().stream().map(PhaseSpec::id).toList());
            }
        }
        for (String id : o.failChecks()) {
            if (plan.check(id).isEmpty()) {
                throw new EngineException(Verdict.INVALID, "--fail-check " + id + ": no such check; checks are "
                        + plan.checks().stream().map(CheckSpec::id).toList());
            }
        }
        Timeline timeline = Timeline.of(plan);
        if (timeline.phases().isEmpty()) throw new EngineException(Verdict.INVALID, "the plan has no phases");
        VirtualClock clock = new VirtualClock(timeline.phases().get(0).at());
        int servers = Math.max(o.laggingServer() ? 2 : 1, o.servers());
        Path state = null;
        try (Sandbox sandbox = Sandbox.start(live.values(), servers, Set.of(), clock)) {
            state = Files.createTempDirectory("migrate-rehearsal");
            Map<String, List<NameServer>> ns = new LinkedHashMap<>();
            for (String zone : plan.zones()) {
                List<NameServer> list = new ArrayList<>();
                List<InetSocketAddress> addrs = sandbox.addresses();
                for (int i = 0; i < addrs.size(); i++) {
                    String label = i == 0 ? "sandbox-primary" : "sandbox-secondary-" + i;
                    list.add(new NameServer(zone, label, addrs.get(i)));
                }
                ns.put(zone, list);
            }
            AuthoritativeProbe probe = new AuthoritativeProbe(ns, AuthoritativeProbe.Settings.of(plan.propagation()),
                    clock, clock);
            ServiceChecks checks = list -> list.stream().map(c -> o.failChecks().contains(c.id())
                    ? new ServiceChecks.Result(c.id(), false, "made to fail by --fail-check (rehearsal)", Duration.ZERO)
                    : new ServiceChecks.Result(c.id(), true, "simulated pass: the rehearsal contacts no real server",
                            Duration.ZERO)).toList();
            Probes probes = new Probes() {
                @Override
                public PropagationCheck propagation(Plan p, PhaseSpec phase, Map<String, ZoneSnapshot> z) {
                    return probe.withUnreachable(phase.unreachable());
                }

                @Override
                public ServiceChecks checks() {
                    return checks;
                }

                @Override
                public dev.migrate.exec.Commands commands() {
                    return dev.migrate.exec.Commands.SIMULATED; // a rehearsal touches nothing outside its sandbox
                }
            };
            List<EngineEvent> log = new ArrayList<>();
            Engine engine = new Engine(Workspace.of(plan, sandbox), new FileStateStore(state.resolve(plan.name()), clock),
                    clock, clock, probes, log::add, null);
            List<Step> steps = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            Instant[] actualSwap = new Instant[1];
            boolean[] swapBlocked = new boolean[1];
            RunReport last = new Autopilot(engine, clock, clock, true).run(new Autopilot.Driver() {
                @Override
                public Instant when(Scheduler.Next next) {
                    return next.at().plus(o.late().getOrDefault(next.id(), Duration.ZERO));
                }

                @Override
                public void beforeRound(Scheduler.Next next) throws EngineException {
                    boolean swap = timeline.phase(next.id()).map(p -> p.action() == Action.SWAP).orElse(false);
                    if (timeline.phase(next.id()).isPresent() && engine.needsApproval(next.id())) {
                        engine.approve(next.id(), "rehearsal");
                        notes.add(next.id() + " needs approval: the rehearsal approved it; a real run waits for"
                                + " 'migrate approve " + plan.file() + " " + next.id() + "' (exit 4 until then)");
                    }
                    if (o.laggingServer() && swap && sandbox.lagging().isEmpty()) {
                        sandbox.startLagging(servers - 1);
                        notes.add("sandbox-secondary-" + (servers - 1) + " stopped taking updates just before the swap"
                                + " (--lagging-server)");
                    }
                    log.clear();
                }

                @Override
                public void round(Instant startedAt, RunReport r, boolean held) {
                    for (PhaseResult pr : r.phases()) {
                        Step s = new Step(startedAt, clock.instant(), pr, List.copyOf(log));
                        steps.add(s);
                        out.step(s);
                        boolean firstSwap = timeline.first(Action.SWAP).map(f -> f.id().equals(pr.phase())).orElse(false);
                        if (firstSwap && pr.done() && actualSwap[0] == null) actualSwap[0] = startedAt;
                    }
                    if (held) {
                        swapBlocked[0] = true;
                        notes.add("the swap was blocked at " + startedAt + " by the safety gate; a real run (cron) keeps"
                                + " exiting 4 until " + r.retryAt() + ", then swaps");
                    }
                }
            });
            Verdict verdict = last.verdict();
            String verdictText;
            if (verdict == Verdict.OK && swapBlocked[0]) verdict = Verdict.BLOCKED;
            verdictText = verdictText(verdict, swapBlocked[0], steps);
            List<Recorded> changes = sandbox.batches().stream()
                    .map(b -> new Recorded(b.at(), b.zone(), b.serial(), b.changes())).toList();
            Map<String, ZoneSnapshot> finalZones = new LinkedHashMap<>();
            for (String z : plan.zones()) finalZones.put(z, sandbox.read(z));
            Instant plannedSwap = timeline.first(Action.SWAP).map(ScheduledPhase::at).orElse(null);
            return new Result(verdict, verdictText, steps, changes, plannedSwap, actualSwap[0],
                    engine.status().earliestSafeSwap(), sandbox.addresses(), notes,
                    Duration.between(timeline.phases().get(0).at(), clock.instant()), finalZones);
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, "rehearsal sandbox: " + e.getMessage(), e);
        } catch (dev.migrate.provider.ProviderException e) {
            throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted");
        } finally {
            deleteQuietly(state);
        }
    }

    private static String verdictText(Verdict v, boolean swapBlocked, List<Step> steps) {
        PhaseResult last = steps.isEmpty() ? null : steps.get(steps.size() - 1).result();
        return switch (v) {
            case OK -> "the plan rehearsed cleanly: every phase ran at its time and every change was confirmed";
            case BLOCKED -> swapBlocked
                    ? "unsafe as scheduled: the swap could not run at its planned time (the safety gate held it back)"
                    : "blocked: " + (last == null ? "" : last.phase() + ": " + last.message());
            case CHECK_FAILED -> last != null && last.outcome() instanceof PhaseOutcome.RolledBack
                    ? "confirm failed and the swap was rolled back, as the real run would"
                    : "a check or confirmation failed, as the real run would: " + (last == null ? "" : last.phase()
                            + ": " + last.message());
            default -> "the rehearsal stopped: " + (last == null ? "" : last.message());
        };
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }
}
