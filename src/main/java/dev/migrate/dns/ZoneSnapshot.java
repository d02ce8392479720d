package dev.migrate.dns;

import java.util.AbstractCollection;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The RRsets of one zone as read from a provider at one moment, with the provider's notes on some of them
 * (see {@link RRsetNote}). Immutable.
 *
 * <p>A snapshot made by {@link #with} shares the RRsets of the one it came from and keeps only the
 * changes beside them: previewing a plan makes a snapshot per phase, and copying a zone of 100,000
 * RRsets for each one cost more than the changes themselves. The changes are folded into a new shared
 * map once they grow to a good part of the zone, so lookups stay two map reads at most.
 */
public final class ZoneSnapshot {
    private final String zone;
    /** Every RRset as read; shared by the snapshots made from this one, never changed. */
    private final TreeMap<RRsetKey, RRset> base;
    /** Changes on top of {@code base}: an RRset, or {@link #DELETED}. Never changed once built. */
    private final TreeMap<RRsetKey, RRset> changed;
    /** Marks an RRset of {@code base} deleted in {@code changed} (one map lookup tells all; null would not). */
    private static final RRset DELETED = new RRset(".", "A", 0, List.of("0.0.0.0"));
    private final int size;
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
        this.base = m;
        this.changed = EMPTY;
        this.size = m.size();
        for (RRsetKey k : notes.keySet()) {
            if (!m.containsKey(k) && !notes.get(k).refusedAsTarget()) {
                throw new IllegalArgumentException("a note on " + k + ", which is not in " + zone);
            }
        }
        this.notes = notes.isEmpty() ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(notes));
    }

    private static final TreeMap<RRsetKey, RRset> EMPTY = new TreeMap<>();

    /** From maps this class built itself: keys, RRsets and notes already agree, nothing to check again. */
    private ZoneSnapshot(String canonicalZone, TreeMap<RRsetKey, RRset> base, TreeMap<RRsetKey, RRset> changed,
            int size, Map<RRsetKey, RRsetNote> notes) {
        this.zone = canonicalZone;
        this.base = base;
        this.changed = changed;
        this.size = size;
        this.notes = notes;
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
        if (!changed.isEmpty()) {
            RRset c = changed.get(key);
            if (c != null) return c == DELETED ? null : c;
        }
        return base.get(key);
    }

    public RRset get(String name, String type) {
        return get(new RRsetKey(name, type));
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

    /** Every RRset, in key order (owner name, then type). A read-only view. */
    public Collection<RRset> rrsets() {
        if (changed.isEmpty()) return Collections.unmodifiableCollection(base.values());
        return new AbstractCollection<>() {
            @Override
            public Iterator<RRset> iterator() {
                return merged(base, changed);
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    public int size() {
        return size;
    }

    public RRset soa() {
        return get(new RRsetKey(zone, "SOA"));
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
        RRsetKey from = new RRsetKey(n, "A");
        List<RRset> out = new ArrayList<>(2);
        Iterator<RRset> it = changed.isEmpty() ? base.tailMap(from, true).values().iterator()
                : merged(base.tailMap(from, true), changed.tailMap(from, true));
        while (it.hasNext()) {
            RRset s = it.next();
            if (!s.name().equals(n)) break;
            out.add(s);
        }
        return List.copyOf(out);
    }

    /**
     * The snapshot with the given changes applied (before-images are not checked here); this one is left
     * as it was. A changed RRset keeps its note (the provider keeps e.g. a proxied flag across a data
     * change); a deleted one loses it, unless the note refuses it as a target (that is about what the
     * provider holds, not about the RRset). Costs in proportion to the changes made since the last fold,
     * not to the zone.
     */
    public ZoneSnapshot with(Collection<RRsetChange> changes) {
        TreeMap<RRsetKey, RRset> next = new TreeMap<>(changed);
        int n = size;
        Map<RRsetKey, RRsetNote> kept = notes;
        for (RRsetChange c : changes) {
            RRsetKey k = c.key();
            RRset inBase = null;
            RRset prev = c.after() != null ? next.put(k, c.after()) : next.get(k);
            if (prev == null) inBase = base.get(k);
            boolean was = prev != null ? prev != DELETED : inBase != null;
            if (c.after() == null) {
                // Deleting: mark it over the base, or drop a change that only created it.
                if (prev != null ? base.containsKey(k) : inBase != null) next.put(k, DELETED);
                else next.remove(k);
            }
            n += (c.after() != null ? 1 : 0) - (was ? 1 : 0);
            RRsetNote note = kept.get(k);
            if (c.after() == null && note != null && !note.refusedAsTarget()) {
                if (kept == notes) kept = new TreeMap<>(notes);
                kept.remove(k);
            }
        }
        if (kept != notes) kept = Collections.unmodifiableMap(kept);
        if (next.size() > base.size() / 4 + 64) {
            // Fold the changes in: later snapshots start from a map of the zone as it now is.
            TreeMap<RRsetKey, RRset> folded = new TreeMap<>(base);
            for (Map.Entry<RRsetKey, RRset> e : next.entrySet()) {
                if (e.getValue() == DELETED) folded.remove(e.getKey());
                else folded.put(e.getKey(), e.getValue());
            }
            return new ZoneSnapshot(zone, folded, EMPTY, n, kept);
        }
        return new ZoneSnapshot(zone, base, next, n, kept);
    }

    /** The RRsets of {@code base} with {@code changed} laid over them, in key order. */
    private static Iterator<RRset> merged(SortedMap<RRsetKey, RRset> base, SortedMap<RRsetKey, RRset> changed) {
        Iterator<Map.Entry<RRsetKey, RRset>> b = base.entrySet().iterator();
        Iterator<Map.Entry<RRsetKey, RRset>> c = changed.entrySet().iterator();
        return new Iterator<>() {
            Map.Entry<RRsetKey, RRset> nb = b.hasNext() ? b.next() : null;
            Map.Entry<RRsetKey, RRset> nc = c.hasNext() ? c.next() : null;
            RRset next = advance();

            private RRset advance() {
                while (nb != null || nc != null) {
                    int cmp = nb == null ? 1 : nc == null ? -1 : nb.getKey().compareTo(nc.getKey());
                    RRset out;
                    if (cmp < 0) {
                        out = nb.getValue();
                        nb = b.hasNext() ? b.next() : null;
                    } else {
                        out = nc.getValue(); // the change replaces the base's RRset, or deletes it
                        if (out == DELETED) out = null;
                        if (cmp == 0) nb = b.hasNext() ? b.next() : null;
                        nc = c.hasNext() ? c.next() : null;
                    }
                    if (out != null) return out;
                }
                return null;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public RRset next() {
                if (next == null) throw new NoSuchElementException();
                RRset r = next;
                next = advance();
                return r;
            }
        };
    }
}
