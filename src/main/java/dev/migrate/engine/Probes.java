package dev.migrate.engine;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.exec.Commands;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.Plan;
import dev.migrate.probe.ResolverObservation;
import java.util.Optional;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ServiceChecks;
import java.util.Map;

/** Where the engine gets its probes: propagation for lower-ttl/confirm, service checks for verify and preflight. */
public interface Probes {
    PropagationCheck propagation(Plan plan, PhaseSpec phase, Map<String, ZoneSnapshot> live);

    ServiceChecks checks();

    /**
     * Where {@code action: run} phases run their commands. An engine given no runner runs none: the phase
     * fails saying so ({@link DefaultProbes} starts processes; the rehearsal simulates them).
     */
    default Commands commands() {
        return r -> new Commands.Outcome(null, false, "this engine runs no commands", java.time.Duration.ZERO,
                Commands.Captured.NONE, Commands.Captured.NONE, false);
    }

    /** A provider move's probes (comparison on the new servers, delegation at the parent); real time by default. */
    default MoveProbes move() {
        return new MoveProbes(java.time.Clock.systemUTC(), dev.migrate.support.Sleeper.REAL);
    }

    /**
     * The plan's recursive resolvers, watched by confirm (a report, or with {@code resolvers: { gate: true }}
     * a condition); empty where none may be asked (the rehearsal contacts no real resolver).
     */
    default Optional<ResolverObservation> resolvers(Plan plan) {
        return Optional.empty();
    }

    /** How waiting probes wait (a virtual clock's sleep in a rehearsal). */
    default dev.migrate.support.Sleeper sleeper() {
        return dev.migrate.support.Sleeper.REAL;
    }
}
