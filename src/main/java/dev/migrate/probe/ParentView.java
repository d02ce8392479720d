package dev.migrate.probe;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one address of the parent zone says about the delegation of a child zone: the NS set it refers
 * resolvers to (the referral's AUTHORITY section, RFC 1034 §4.3.2), at which TTL, with which glue, and
 * the child's DS RRset (answered by the parent with authority, RFC 4034 §5).
 *
 * @param nameservers the NS names it delegates to, canonical and sorted (empty without a delegation)
 * @param nsTtl       the TTL of that NS RRset as served (the lowest of its records, RFC 2181 §5.2), -1 without one
 * @param glue        addresses in ADDITIONAL for the NS names, by name
 * @param missingGlue NS names inside the child zone with no address in ADDITIONAL: a resolver cannot reach them
 * @param detail      empty, or why the state is what it is
 */
public record ParentView(NameServer server, State state, List<String> nameservers, long nsTtl,
        Map<String, List<String>> glue, List<String> missingGlue, Ds ds, String detail) {

    public ParentView {
        nameservers = List.copyOf(nameservers);
        glue = Map.copyOf(glue);
        missingGlue = List.copyOf(missingGlue);
    }

    /** The delegation an address serves, measured against the old and new NS sets. */
    public enum State {
        /** Exactly the new NS set. */
        NEW("new"),
        /** Exactly the old NS set. */
        OLD("old"),
        /** Some names of both sets. */
        MIXED("mixed"),
        /** An NS set that is neither (a part of one, or other names). */
        OTHER("other NS set"),
        /** The parent has no delegation for the zone (NXDOMAIN, or no NS RRset). */
        NONE("no delegation"),
        /** It answered, but not as a server of the parent zone (e.g. a referral elsewhere). */
        LAME("lame"),
        REFUSED("refused"),
        ERROR("error"),
        UNREACHABLE("unreachable");

        private final String words;

        State(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /**
     * The child's DS RRset at this address.
     *
     * @param ttl     its TTL when present, else -1
     * @param records its records in presentation form
     */
    public record Ds(Status status, long ttl, List<String> records, String detail) {
        public enum Status { PRESENT, ABSENT, UNKNOWN }

        public Ds {
            records = List.copyOf(records);
        }

        static Ds absent() {
            return new Ds(Status.ABSENT, -1, List.of(), "");
        }

        static Ds unknown(String why) {
            return new Ds(Status.UNKNOWN, -1, List.of(), why);
        }
    }

    /** True when this address refers resolvers to exactly {@code wanted}, and can: glue for every in-zone name. */
    public boolean delegatesTo(Set<String> wanted) {
        return !nameservers.isEmpty() && Set.copyOf(nameservers).equals(wanted) && missingGlue.isEmpty();
    }

    /** {@code 127.0.0.1:5300 old: ns1.old.example., ns2.old.example. (TTL 172800); DS present (TTL 86400)}. */
    public String describe() {
        StringBuilder b = new StringBuilder(server.label()).append(' ').append(state.words());
        if (!nameservers.isEmpty()) b.append(": ").append(String.join(", ", nameservers)).append(" (TTL ").append(nsTtl).append(')');
        if (!missingGlue.isEmpty()) b.append("; no glue for ").append(String.join(", ", missingGlue));
        if (!detail.isEmpty()) b.append("; ").append(detail);
        if (ds.status() == Ds.Status.PRESENT) b.append("; DS present (TTL ").append(ds.ttl()).append(')');
        return b.toString();
    }
}
