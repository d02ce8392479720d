package dev.migrate.engine;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Offset;
import dev.migrate.plan.Plan;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.sandbox.Sandbox;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A provider move in a rehearsal: the new provider and the parent zone, each a sandbox of its own on
 * 127.0.0.1, and the registrar, played by the rehearsal once the delegate phase is done. The new provider
 * starts as a provider creates a zone: its own SOA and apex NS ({@code move.nameservers}), nothing else;
 * the parent delegates each zone to its old NS set at the usual parent NS TTL
 * ({@link Offset#USUAL_PARENT_NS_TTL}), without a DS.
 */
final class RehearsalMove implements AutoCloseable {
    /** The parent zone's own nameserver name in the sandbox (it never needs an address). */
    static final String PARENT_NS = "ns.sandbox-parent.invalid.";

    private final Plan plan;
    private final Sandbox newProvider;
    private final Sandbox parent;

    private RehearsalMove(Plan plan, Sandbox newProvider, Sandbox parent) {
        this.plan = plan;
        this.newProvider = newProvider;
        this.parent = parent;
    }

    /** Starts the new provider and the parent, {@code servers} nameservers each, for the plan's zones as {@code live} holds them. */
    static RehearsalMove start(Plan plan, Map<String, ZoneSnapshot> live, int servers, Clock clock) throws IOException {
        List<ZoneSnapshot> fresh = new ArrayList<>();
        for (ZoneSnapshot z : live.values()) fresh.add(newZone(z, plan.move().nameservers()));
        Sandbox neu = Sandbox.start(fresh, servers, Set.of(), clock);
        try {
            return new RehearsalMove(plan, neu, Sandbox.start(parentZones(live), servers, Set.of(), clock));
        } catch (IOException | RuntimeException e) {
            neu.close();
            throw e;
        }
    }

    /** The zone as the new provider creates it: its own SOA (naming the first new nameserver) and apex NS. */
    static ZoneSnapshot newZone(ZoneSnapshot old, List<String> nameservers) {
        String zone = old.zone();
        List<String> ns = nameservers.stream().map(Names::canonical).toList();
        RRset soa = old.soa();
        String[] f = soa.rdata().get(0).split("\\s+");
        f[0] = ns.get(0);
        RRset oldNs = old.get(zone, "NS");
        return new ZoneSnapshot(zone, List.of(soa.withData(List.of(String.join(" ", f))),
                RRset.of(zone, "NS", oldNs != null ? oldNs.ttl() : ZoneCopy.DEFAULT_NS_TTL, ns)));
    }

    /** The parent zones: each delegates its child zones to their old NS set (glue for names inside a child). */
    static List<ZoneSnapshot> parentZones(Map<String, ZoneSnapshot> live) {
        Map<String, List<RRset>> byParent = new LinkedHashMap<>();
        for (ZoneSnapshot z : live.values()) {
            String parent = parentOf(z.zone());
            List<RRset> sets = byParent.computeIfAbsent(parent, p -> new ArrayList<>(List.of(
                    RRset.of(p, "SOA", 3600, List.of(PARENT_NS + " hostmaster.sandbox-parent.invalid. 1 3600 600 86400 60")),
                    RRset.of(p, "NS", 3600, List.of(PARENT_NS)))));
            RRset ns = z.get(z.zone(), "NS");
            if (ns == null) continue;
            sets.add(RRset.of(z.zone(), "NS", Offset.USUAL_PARENT_NS_TTL.toSeconds(), ns.rdata()));
            for (String host : ns.rdata()) {
                RRset a = z.get(host, "A");
                if (Names.inZone(host, z.zone()) && a != null) sets.add(a);
            }
        }
        List<ZoneSnapshot> out = new ArrayList<>();
        byParent.forEach((p, sets) -> out.add(new ZoneSnapshot(p, sets)));
        return out;
    }

    static String parentOf(String zone) {
        String child = Names.canonical(zone);
        String up = child.substring(child.indexOf('.') + 1);
        return up.isEmpty() ? "." : up;
    }

    /** The new provider, where copy-zone writes. */
    Sandbox newProvider() {
        return newProvider;
    }

    /** Where the rehearsal's move probes ask. */
    MoveProbes.Addresses addresses() {
        return new MoveProbes.Addresses(newProvider.addresses(), parent.addresses());
    }

    /** What the operator does at the registrar: every zone's delegation to {@code move.nameservers}. */
    void registrar() throws ProviderException {
        List<String> ns = plan.move().nameservers().stream().map(Names::canonical).toList();
        for (String zone : plan.zones()) {
            ZoneSnapshot p = parent.read(parentOf(zone));
            RRset now = p.get(Names.canonical(zone), "NS");
            if (now == null || now.withData(ns).equals(now)) continue;
            parent.apply(p.zone(), List.of(RRsetChange.of(p.zone(), now, now.withData(ns))));
        }
    }

    @Override
    public void close() {
        newProvider.close();
        parent.close();
    }
}
