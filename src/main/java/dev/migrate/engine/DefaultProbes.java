package dev.migrate.engine;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.exec.Commands;
import dev.migrate.exec.ProcessCommands;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.Plan;
import dev.migrate.probe.ResolverObservation;
import java.util.Optional;
import dev.migrate.probe.AuthoritativeProbe;
import dev.migrate.probe.ProbeException;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.provider.DnsProvider;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Chooses how a phase confirms propagation (see {@link dev.migrate.plan.Propagation}): the provider's
 * read-back where nothing else serves the zone, else the authoritative servers.
 */
public final class DefaultProbes implements Probes {
    private final DnsProvider provider;
    private final Clock clock;
    private final Sleeper sleeper;
    private final ServiceChecks checks;
    private final Commands commands;

    public DefaultProbes(DnsProvider provider, Clock clock, Sleeper sleeper, ServiceChecks checks) {
        this(provider, clock, sleeper, checks, new ProcessCommands(System::getenv));
    }

    public DefaultProbes(DnsProvider provider, Clock clock, Sleeper sleeper, ServiceChecks checks, Commands commands) {
        this.commands = commands;
        this.provider = provider;
        this.clock = clock;
        this.sleeper = sleeper;
        this.checks = checks;
    }

    /**
     * True when confirmation reads the provider back instead of querying nameservers: the plan says so, or,
     * with {@code via: auto} and no nameservers listed, the provider says nothing serves its zones.
     */
    public static boolean viaProvider(Plan plan, DnsProvider provider) {
        String via = plan.propagation().via();
        if (via.equals("provider")) return true;
        if (via.equals("nameservers")) return false;
        return plan.propagation().nameservers().isEmpty() && provider != null
                && provider.confirmation() == DnsProvider.Confirmation.READ_BACK;
    }

    @Override
    public PropagationCheck propagation(Plan plan, PhaseSpec phase, Map<String, ZoneSnapshot> live) {
        if (viaProvider(plan, provider)) return new ProviderReadback(provider, clock, sleeper, plan.propagation().interval());
        try {
            return AuthoritativeProbe.forPlan(plan, live, clock, sleeper).withUnreachable(phase.unreachable());
        } catch (ProbeException e) {
            // No address to ask: the phase cannot be confirmed, and the reason says what to add to the plan.
            return (expected, deadline, listener) -> new PropagationCheck.Outcome(false, null, e.getMessage(),
                    List.of(e.getMessage()));
        }
    }

    @Override
    public ServiceChecks checks() {
        return checks;
    }

    @Override
    public Commands commands() {
        return commands;
    }

    @Override
    public MoveProbes move() {
        return new MoveProbes(clock, sleeper);
    }

    @Override
    public Optional<ResolverObservation> resolvers(Plan plan) {
        ResolverObservation r = ResolverObservation.forPlan(plan, clock);
        return r.isEmpty() ? Optional.empty() : Optional.of(r);
    }

    @Override
    public Sleeper sleeper() {
        return sleeper;
    }
}
