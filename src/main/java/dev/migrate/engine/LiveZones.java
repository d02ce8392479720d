package dev.migrate.engine;

import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Plan;
import dev.migrate.plan.SwapStep;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads the plan's zones as the provider holds them now: the engine's only way to look at live data. */
public final class LiveZones {
    private final Plan plan;
    private final DnsProvider provider;

    public LiveZones(Plan plan, DnsProvider provider) {
        this.plan = plan;
        this.provider = provider;
    }

    /** Every zone of the plan; a provider failure stops the run (exit 1). */
    public Map<String, ZoneSnapshot> readAll() throws EngineException {
        Map<String, ZoneSnapshot> out = new LinkedHashMap<>();
        for (String z : plan.zones()) {
            try {
                out.put(z, read(z, List.of()));
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
    public ZoneSnapshot read(String zone, Collection<RRsetKey> also) throws ProviderException {
        Set<RRsetKey> wanted = new LinkedHashSet<>(Workspace.explicitKeys(plan, zone));
        wanted.addAll(also);
        return provider.read(zone, wanted);
    }

    /** Every swap step's targets together (what lower-ttl lowers); an expansion error blocks (exit 4). */
    public List<Target> targets(Map<String, ZoneSnapshot> live) throws EngineException {
        return checked(Targets.expand(plan, live));
    }

    /** One swap step's targets against the zones as they are now; an expansion error blocks (exit 4). */
    public List<Target> stepTargets(String swapPhase, Map<String, ZoneSnapshot> live) throws EngineException {
        SwapStep step = plan.step(swapPhase).orElse(null);
        if (step == null) return List.of();
        return checked(Targets.expand(step, live));
    }

    private static List<Target> checked(Targets.Expansion exp) throws EngineException {
        if (!exp.errors().isEmpty()) throw new EngineException(Verdict.BLOCKED, String.join("; ", exp.errors()));
        return exp.targets();
    }

    public DnsProvider provider() {
        return provider;
    }
}
