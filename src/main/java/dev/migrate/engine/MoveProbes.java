package dev.migrate.engine;

import dev.migrate.dns.Names;
import dev.migrate.plan.MoveSpec;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.Plan;
import dev.migrate.probe.AuthoritativeProbe;
import dev.migrate.probe.DelegationProbe;
import dev.migrate.probe.NameServer;
import dev.migrate.probe.NameserverDiscovery;
import dev.migrate.probe.ParentDiscovery;
import dev.migrate.probe.ProbeException;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ZoneComparison;
import dev.migrate.provider.DnsProvider;
import dev.migrate.support.Sleeper;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The probes of a provider move, made from the plan's {@code move:} block and polling knobs: the whole-zone
 * comparison on the new nameservers, the delegation at the parent, and propagation on the new servers while
 * both providers serve. Time and waiting are injected, as for every probe.
 */
public final class MoveProbes {
    /**
     * Where the new servers and the parent's are when not where the plan says: the rehearsal's sandboxes.
     *
     * @param newServers the new provider's server addresses (for {@code move.servers})
     * @param parent     the parent zone's server addresses (for {@code move.parent})
     */
    public record Addresses(List<InetSocketAddress> newServers, List<InetSocketAddress> parent) {
        public Addresses {
            newServers = List.copyOf(newServers);
            parent = List.copyOf(parent);
        }
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final Addresses at;

    public MoveProbes(Clock clock, Sleeper sleeper) {
        this(clock, sleeper, null);
    }

    /** @param at the servers to ask instead of the plan's; null: the plan's */
    public MoveProbes(Clock clock, Sleeper sleeper, Addresses at) {
        this.clock = clock;
        this.sleeper = sleeper;
        this.at = at;
    }

    /** Every address of the new nameservers: {@code move.servers}, else the names' A and AAAA from the resolvers. */
    public ZoneComparison comparison(Plan plan, String zone) throws ProbeException {
        return new ZoneComparison(zone, newServers(plan, zone), AuthoritativeProbe.Settings.of(plan.propagation()), clock,
                sleeper);
    }

    /** Every address of the parent zone's servers: {@code move.parent}, else found through the resolvers. */
    public DelegationProbe delegation(Plan plan, String zone) throws ProbeException {
        List<NameServer> parents = at != null ? listed(parentOf(zone), at.parent())
                : ParentDiscovery.find(zone, plan.move().parent(), plan.propagation());
        return new DelegationProbe(zone, parents, AuthoritativeProbe.Settings.of(plan.propagation()), clock, sleeper);
    }

    /**
     * Propagation on the new provider's side, with {@code phase}'s unreachable rule: its servers, asked as the
     * plan's are; or the new provider read back, where the plan confirms by reading back.
     */
    public PropagationCheck propagation(Plan plan, PhaseSpec phase, DnsProvider newProvider) {
        if (DefaultProbes.viaProvider(plan, newProvider)) {
            return new ProviderReadback(newProvider, clock, sleeper, plan.propagation().interval());
        }
        try {
            Map<String, List<NameServer>> servers = new LinkedHashMap<>();
            for (String zone : plan.zones()) servers.put(Names.canonical(zone), newServers(plan, zone));
            return new AuthoritativeProbe(servers, AuthoritativeProbe.Settings.of(plan.propagation()), clock, sleeper)
                    .withUnreachable(phase.unreachable());
        } catch (ProbeException e) {
            // No address to ask: the wait cannot be confirmed, and the reason says what to add to the plan.
            return (expected, deadline, listener) -> new PropagationCheck.Outcome(false, null, e.getMessage(),
                    List.of(e.getMessage()));
        }
    }

    /** Now, by the probes' clock. */
    public Instant now() {
        return clock.instant();
    }

    private List<NameServer> newServers(Plan plan, String zone) throws ProbeException {
        if (at != null) return listed(Names.canonical(zone), at.newServers());
        MoveSpec m = plan.move();
        return NameserverDiscovery.addresses(zone, m.nameservers(), m.servers(), plan.propagation());
    }

    private static List<NameServer> listed(String zone, List<InetSocketAddress> addresses) {
        List<NameServer> out = new ArrayList<>();
        for (InetSocketAddress a : addresses) out.add(new NameServer(zone, new NameServer(zone, "", a).addressText(), a));
        return List.copyOf(out);
    }

    private static String parentOf(String zone) {
        String child = Names.canonical(zone);
        String up = child.substring(child.indexOf('.') + 1);
        return up.isEmpty() ? "." : up;
    }
}
