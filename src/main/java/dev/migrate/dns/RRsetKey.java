package dev.migrate.dns;

import java.util.Comparator;

/** Identifies one RRset: an absolute, lower-case owner name and a type mnemonic such as {@code A}. */
public record RRsetKey(String name, String type) implements Comparable<RRsetKey> {
    private static final Comparator<RRsetKey> ORDER =
            Comparator.comparing(RRsetKey::name).thenComparing(RRsetKey::type);

    public RRsetKey {
        name = Names.canonical(name);
        type = Rdata.canonicalType(type);
    }

    @Override
    public int compareTo(RRsetKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
