package dev.migrate.probe;

import java.util.List;

/**
 * One authoritative address after one round.
 *
 * @param serial   the zone's SOA serial it served, or -1 when it gave none
 * @param behindBy null, or the highest serial another address of the zone served when this one's is lower
 *                 (RFC 1982 comparison)
 * @param state    the worst of the SOA answer and every RRset's state
 * @param detail   for a non-match: the first reason (the SOA's, or the first non-matching RRset's)
 */
public record AddressReport(NameServer server, long serial, Long behindBy, ServerState state, String detail,
        List<RRsetState> rrsets) {

    public boolean matches() {
        return state == ServerState.MATCH;
    }

    /** One line for a laggard: {@code ns2.example.com. 192.0.2.2:53 stale: www.example.com. A TTL 3600, expected 300}. */
    public String describe() {
        StringBuilder b = new StringBuilder(server.label()).append(' ').append(state.word());
        if (detail != null && !detail.isEmpty()) b.append(": ").append(detail);
        if (behindBy != null) b.append(" (serial ").append(serial).append(", others have ").append(behindBy).append(')');
        return b.toString();
    }
}
