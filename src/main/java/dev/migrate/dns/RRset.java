package dev.migrate.dns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * One RRset as the program reasons about it: owner, type, the TTL all its records share
 * (RFC 2181 §5.2) and the record data in normalised presentation form, sorted and without duplicates,
 * so that two RRsets with the same records compare equal whatever order a server returned them in.
 */
public record RRset(String name, String type, long ttl, List<String> rdata) {
    public static final long MAX_TTL = 2147483647L; // RFC 2181 §8

    public RRset {
        name = Names.canonical(name);
        type = Rdata.canonicalType(type);
        if (ttl < 0 || ttl > MAX_TTL) {
            throw new IllegalArgumentException("TTL " + ttl + " is outside 0.." + MAX_TTL + " (RFC 2181 §8)");
        }
        if (type.equals("AAAA")) {
            // Whoever wrote the data (an older journal, a caller's own string), AAAA compares in RFC 5952 form.
            List<String> c = new ArrayList<>(rdata.size());
            for (String d : rdata) c.add(Rdata.canonical(type, d));
            rdata = c;
        }
        // One record is already sorted and unique; skipping the TreeSet matters for zones of 100,000. Where
        // names are the data, records that differ in case only are one record (RFC 4343): one is kept, and
        // the order ignores case, so that equals can compare element by element.
        rdata = rdata.size() == 1 ? List.of(rdata.get(0))
                : List.copyOf(Rdata.caseFree(type) ? caseFreeSet(rdata) : new TreeSet<>(rdata));
        if (rdata.isEmpty()) {
            throw new IllegalArgumentException("an RRset needs at least one record: " + name + " " + type);
        }
    }

    public static RRset of(String name, String type, long ttl, Collection<String> rdata) {
        return new RRset(name, type, ttl, new ArrayList<>(rdata));
    }

    public RRsetKey key() {
        return new RRsetKey(name, type);
    }

    public RRset withTtl(long newTtl) {
        return new RRset(name, type, newTtl, rdata);
    }

    public RRset withData(List<String> newData) {
        return new RRset(name, type, ttl, newData);
    }

    private static TreeSet<String> caseFreeSet(List<String> rdata) {
        // Sorted copies first, so that of two spellings of one record the same one is kept whatever the order
        // a server returned them in.
        TreeSet<String> out = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        out.addAll(new TreeSet<>(rdata));
        return out;
    }

    /** Same records, TTL ignored (names in the data compared without regard to case, RFC 4343). */
    public boolean sameData(RRset other) {
        return other != null && key().equals(other.key()) && Rdata.sameRecords(type, rdata, other.rdata);
    }

    /** Same owner, type, TTL and records; names in the data compared without regard to case (RFC 4343). */
    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof RRset r && ttl == r.ttl && name.equals(r.name) && type.equals(r.type)
                && Rdata.sameRecords(type, rdata, r.rdata);
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + type.hashCode()) * 31 + Long.hashCode(ttl)) * 31 + Rdata.recordsHash(type, rdata);
    }

    @Override
    public String toString() {
        return name + " " + ttl + " " + type + " " + String.join(" | ", rdata);
    }
}
