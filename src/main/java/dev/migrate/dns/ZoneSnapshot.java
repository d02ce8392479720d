package dev.migrate.dns;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The RRsets of one zone as read from a provider at one moment. Immutable. */
public final class ZoneSnapshot {
    private final String zone;
    private final Map<RRsetKey, RRset> rrsets;

    public ZoneSnapshot(String zone, Collection<RRset> sets) {
        this.zone = Names.canonical(zone);
        TreeMap<RRsetKey, RRset> m = new TreeMap<>();
        for (RRset s : sets) {
            if (m.put(s.key(), s) != null) {
                throw new IllegalArgumentException("two RRsets for " + s.key() + " in " + zone);
            }
        }
        this.rrsets = Collections.unmodifiableMap(m);
    }

    public String zone() {
        return zone;
    }

    public RRset get(RRsetKey key) {
        return rrsets.get(key);
    }

    public RRset get(String name, String type) {
        return rrsets.get(new RRsetKey(name, type));
    }

    public Collection<RRset> rrsets() {
        return rrsets.values();
    }

    public int size() {
        return rrsets.size();
    }

    public RRset soa() {
        return rrsets.get(new RRsetKey(zone, "SOA"));
    }

    /** SOA serial, or -1 when the zone has no SOA. */
    public long serial() {
        RRset soa = soa();
        if (soa == null) return -1;
        return Long.parseLong(soa.rdata().get(0).split("\\s+")[2]);
    }

    /** Negative-caching TTL, RFC 2308 §5: min(SOA TTL, SOA MINIMUM); -1 without an SOA. */
    public long negativeTtl() {
        RRset soa = soa();
        if (soa == null) return -1;
        String[] f = soa.rdata().get(0).split("\\s+");
        return Math.min(soa.ttl(), Long.parseLong(f[6]));
    }

    public List<RRset> atName(String name) {
        String n = Names.canonical(name);
        return rrsets.values().stream().filter(s -> s.name().equals(n)).toList();
    }

    /** A copy with the given changes applied (before-images are not checked here). */
    public ZoneSnapshot with(Collection<RRsetChange> changes) {
        TreeMap<RRsetKey, RRset> m = new TreeMap<>(rrsets);
        for (RRsetChange c : changes) {
            if (c.after() == null) m.remove(c.key());
            else m.put(c.key(), c.after());
        }
        return new ZoneSnapshot(zone, m.values());
    }
}
