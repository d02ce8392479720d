package dev.migrate.engine;

import dev.migrate.plan.MoveSpec;
import dev.migrate.plan.Plan;
import dev.migrate.probe.AuthoritativeProbe;
import dev.migrate.probe.DelegationProbe;
import dev.migrate.probe.NameServer;
import dev.migrate.probe.NameserverDiscovery;
import dev.migrate.probe.ParentDiscovery;
import dev.migrate.probe.ProbeException;
import dev.migrate.probe.ZoneComparison;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.util.List;

/**
 * The probes of a provider move, made from the plan's {@code move:} block and polling knobs: the whole-zone
 * comparison on the new nameservers and the delegation at the parent. Time and waiting are injected, as
 * for every probe.
 */
public final class MoveProbes {
    private final Clock clock;
    private final Sleeper sleeper;

    public MoveProbes(Clock clock, Sleeper sleeper) {
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** Every address of the new nameservers: {@code move.servers}, else the names' A and AAAA from the resolvers. */
    public ZoneComparison comparison(Plan plan, String zone) throws ProbeException {
        MoveSpec m = plan.move();
        List<NameServer> servers = NameserverDiscovery.addresses(zone, m.nameservers(), m.servers(), plan.propagation());
        return new ZoneComparison(zone, servers, AuthoritativeProbe.Settings.of(plan.propagation()), clock, sleeper);
    }

    /** Every address of the parent zone's servers: {@code move.parent}, else found through the resolvers. */
    public DelegationProbe delegation(Plan plan, String zone) throws ProbeException {
        List<NameServer> parents = ParentDiscovery.find(zone, plan.move().parent(), plan.propagation());
        return new DelegationProbe(zone, parents, AuthoritativeProbe.Settings.of(plan.propagation()), clock, sleeper);
    }
}
