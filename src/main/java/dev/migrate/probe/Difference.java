package dev.migrate.probe;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;

/**
 * One way a new nameserver address does not serve what it must: one RRset of the old zone, or the address
 * as a whole (its SOA answer already says it cannot be used).
 *
 * @param key      the RRset, or null when the whole address is unusable
 * @param expected what it must serve (null for a whole-address difference)
 * @param served   what it served, or null (missing, or no usable answer)
 * @param detail   why, in an operator's words
 */
public record Difference(NameServer server, RRsetKey key, Kind kind, RRset expected, RRset served, String detail) {

    /** Kinds of difference, in the operator's words. */
    public enum Kind {
        /** NXDOMAIN or NODATA (or no referral) where the old zone has the RRset. */
        MISSING("missing"),
        /** Other records than the old zone's. */
        DIFFERENT_DATA("different data"),
        /** The same records at another TTL. */
        DIFFERENT_TTL("different TTL"),
        /** Answered without the AA bit: the address does not hold the zone. */
        NOT_AUTHORITATIVE("not authoritative"),
        /** REFUSED or NOTAUTH. */
        REFUSED("refused"),
        /** SERVFAIL, FORMERR or another error rcode. */
        ERROR("error"),
        /** No answer after every try. */
        UNREACHABLE("unreachable");

        private final String words;

        Kind(String words) {
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

    /** True when the address as a whole could not be compared. */
    public boolean wholeAddress() {
        return key == null;
    }

    /** {@code ns1.new.example. 192.0.2.5:53 www.example.com. A: different data: serves 192.0.2.9 TTL 300; expected 192.0.2.1 TTL 300}. */
    public String describe() {
        return server.label() + (key == null ? "" : " " + key) + ": " + kind.words() + (detail.isEmpty() ? "" : ": " + detail);
    }
}
