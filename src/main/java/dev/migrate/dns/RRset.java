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
        // One record is already sorted and unique; skipping the TreeSet matters for zones of 100,000.
        rdata = rdata.size() == 1 ? List.of(rdata.get(0)) : List.copyOf(new TreeSet<>(rdata));
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

    /** Same records, TTL ignored. */
    public boolean sameData(RRset other) {
        return other != null && key().equals(other.key()) && rdata.equals(other.rdata);
    }

    @Override
    public String toString() {
        return name + " " + ttl + " " + type + " " + String.join(" | ", rdata);
    }
}
