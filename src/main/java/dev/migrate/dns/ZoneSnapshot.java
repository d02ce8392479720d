package dev.migrate.dns;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The RRsets of one zone as read from a provider at one moment, with the provider's notes on some of them
 * (see {@link RRsetNote}). Immutable.
 */
public final class ZoneSnapshot {
    private final String zone;
    private final Map<RRsetKey, RRset> rrsets;
    private final Map<RRsetKey, RRsetNote> notes;

    public ZoneSnapshot(String zone, Collection<RRset> sets) {
        this(zone, sets, Map.of());
    }

    /** {@code notes} may only name RRsets in {@code sets}. */
    public ZoneSnapshot(String zone, Collection<RRset> sets, Map<RRsetKey, RRsetNote> notes) {
        this.zone = Names.canonical(zone);
        TreeMap<RRsetKey, RRset> m = new TreeMap<>();
        for (RRset s : sets) {
            if (m.put(s.key(), s) != null) {
                throw new IllegalArgumentException("two RRsets for " + s.key() + " in " + zone);
            }
        }
        this.rrsets = Collections.unmodifiableMap(m);
        for (RRsetKey k : notes.keySet()) {
            if (!m.containsKey(k)) throw new IllegalArgumentException("a note on " + k + ", which is not in " + zone);
        }
        this.notes = Collections.unmodifiableMap(new TreeMap<>(notes));
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

    /** The provider's note on this RRset, or null. */
    public RRsetNote note(RRsetKey key) {
        return notes.get(key);
    }

    public Map<RRsetKey, RRsetNote> notes() {
        return notes;
    }

    /** True when the provider fixes this RRset's TTL (see {@link RRsetNote#ttlFixed()}). */
    public boolean ttlFixed(RRsetKey key) {
        RRsetNote n = notes.get(key);
        return n != null && n.ttlFixed();
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

    /**
     * A copy with the given changes applied (before-images are not checked here). A changed RRset keeps its
     * note (the provider keeps e.g. a proxied flag across a data change); a deleted one loses it.
     */
    public ZoneSnapshot with(Collection<RRsetChange> changes) {
        TreeMap<RRsetKey, RRset> m = new TreeMap<>(rrsets);
        for (RRsetChange c : changes) {
            if (c.after() == null) m.remove(c.key());
            else m.put(c.key(), c.after());
        }
        TreeMap<RRsetKey, RRsetNote> kept = new TreeMap<>(notes);
        kept.keySet().retainAll(m.keySet());
        return new ZoneSnapshot(zone, m.values(), kept);
    }
}
