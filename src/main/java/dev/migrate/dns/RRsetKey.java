package dev.migrate.dns;

/** Identifies one RRset: an absolute, lower-case owner name and a type mnemonic such as {@code A}. */
public record RRsetKey(String name, String type) implements Comparable<RRsetKey> {
    public RRsetKey {
        name = Names.canonical(name);
        type = Rdata.canonicalType(type);
    }

    @Override
    public int compareTo(RRsetKey other) {
        // By hand, not Comparator.comparing(...).thenComparing(...): zones of 100,000 RRsets are sorted
        // several times per preview, and the lambdas cost a cold JVM dearly.
        int c = name.compareTo(other.name);
        return c != 0 ? c : type.compareTo(other.type);
    }

    @Override
    public String toString() {
        return name + " " + type;
    }
}
