package dev.migrate.dns;

import java.util.ArrayList;
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
    private final TreeMap<RRsetKey, RRset> rrsets;
    private final Map<RRsetKey, RRsetNote> notes;

    public ZoneSnapshot(String zone, Collection<RRset> sets) {
        this(zone, sets, Map.of());
    }

    /**
     * {@code notes} may only name RRsets in {@code sets}, except notes {@link RRsetNote#refusedAsTarget()
     * refused as targets}, which name what the provider holds but cannot show as an RRset.
     */
    public ZoneSnapshot(String zone, Collection<RRset> sets, Map<RRsetKey, RRsetNote> notes) {
        this.zone = Names.canonical(zone);
        TreeMap<RRsetKey, RRset> m = new TreeMap<>();
        for (RRset s : sets) {
            if (m.put(s.key(), s) != null) {
                throw new IllegalArgumentException("two RRsets for " + s.key() + " in " + zone);
            }
        }
        this.rrsets = m;
        for (RRsetKey k : notes.keySet()) {
            if (!m.containsKey(k) && !notes.get(k).refusedAsTarget()) {
                throw new IllegalArgumentException("a note on " + k + ", which is not in " + zone);
            }
        }
        this.notes = Collections.unmodifiableMap(new TreeMap<>(notes));
    }

    /** From maps this class built itself: keys, RRsets and notes already agree, nothing to check again. */
    private ZoneSnapshot(String canonicalZone, TreeMap<RRsetKey, RRset> trusted, TreeMap<RRsetKey, RRsetNote> notes) {
        this.zone = canonicalZone;
        this.rrsets = trusted;
        this.notes = Collections.unmodifiableMap(notes);
    }

    /**
     * RRsets from wire records (a transfer, answers): grouped by owner and type, TSIG and OPT dropped;
     * records of one RRset with different TTLs take the lowest (RFC 2181 §5.2).
     */
    public static ZoneSnapshot fromRecords(String zone, List<org.xbill.DNS.Record> records) {
        Map<RRsetKey, Long> ttl = new java.util.LinkedHashMap<>();
        Map<RRsetKey, java.util.Set<String>> data = new java.util.LinkedHashMap<>();
        for (org.xbill.DNS.Record r : records) {
            if (r.getType() == org.xbill.DNS.Type.TSIG || r.getType() == org.xbill.DNS.Type.OPT) continue;
            RRsetKey k = new RRsetKey(r.getName().toString(), org.xbill.DNS.Type.string(r.getType()));
            ttl.merge(k, r.getTTL(), Math::min);
            data.computeIfAbsent(k, x -> new java.util.TreeSet<>()).add(Rdata.text(r));
        }
        List<RRset> sets = new ArrayList<>();
        for (Map.Entry<RRsetKey, java.util.Set<String>> e : data.entrySet()) {
            RRsetKey k = e.getKey();
            sets.add(new RRset(k.name(), k.type(), ttl.get(k), new ArrayList<>(e.getValue())));
        }
        return new ZoneSnapshot(zone, sets);
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
        return Collections.unmodifiableCollection(rrsets.values());
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
        // Keys sort by name, then type, and "A" is the least type mnemonic there is (every mnemonic starts
        // with a capital letter, "TYPE65280" included): the RRsets at a name are the run of keys from
        // (name, A) on. A scan of the whole zone here made a 10,000-RRset rewrite on a 100,000-record
        // zone take over a minute to preview.
        String n = Names.canonical(name);
        List<RRset> out = new ArrayList<>(2);
        for (Map.Entry<RRsetKey, RRset> e : rrsets.tailMap(new RRsetKey(n, "A"), true).entrySet()) {
            if (!e.getKey().name().equals(n)) break;
            out.add(e.getValue());
        }
        return List.copyOf(out);
    }

    /**
     * A copy with the given changes applied (before-images are not checked here). A changed RRset keeps its
     * note (the provider keeps e.g. a proxied flag across a data change); a deleted one loses it, unless the
     * note refuses it as a target (that is about what the provider holds, not about the RRset).
     */
    public ZoneSnapshot with(Collection<RRsetChange> changes) {
        // Copying a sorted map is linear; re-inserting every RRset (as the public constructor does) is not.
        TreeMap<RRsetKey, RRset> m = new TreeMap<>(rrsets);
        for (RRsetChange c : changes) {
            if (c.after() == null) m.remove(c.key());
            else m.put(c.key(), c.after());
        }
        TreeMap<RRsetKey, RRsetNote> kept = new TreeMap<>(notes);
        kept.entrySet().removeIf(e -> !m.containsKey(e.getKey()) && !e.getValue().refusedAsTarget());
        return new ZoneSnapshot(zone, m, kept);
    }
}
