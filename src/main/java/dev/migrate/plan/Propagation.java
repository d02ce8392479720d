package dev.migrate.plan;

import java.time.Duration;
import java.util.List;

/**
 * How propagation is checked: which authoritative addresses (empty = the zone's NS RRset resolved),
 * which resolvers to report on, and the polling knobs (DOMAIN.md: 2-10 s with jitter, 2-5 s per query,
 * 2-3 tries, 2 matching rounds).
 *
 * @param nameservers addresses with optional ports ("127.0.0.1:5301", "[::1]:5301", "192.0.2.1")
 * @param resolvers   recursive resolvers to observe, same form
 * @param ignoreUnreachable unreachable addresses do not fail a confirm (they are always reported)
 * @param via         {@code auto}: the listed nameservers, else the zone's NS RRset, except that a zone-file
 *                    provider with no reload command (nothing serves its files) is confirmed by reading the
 *                    files back; {@code nameservers}; {@code provider} (read back through the provider)
 * @param resolverGate {@code resolvers: { gate: true }}: confirm also waits until every listed resolver's
 *                    clients see the new answer (a report only when false)
 */
public record Propagation(
        List<String> nameservers,
        List<String> resolvers,
        boolean ignoreUnreachable,
        Duration interval,
        Duration queryTimeout,
        int tries,
        int rounds,
        String via,
        boolean resolverGate) {

    /** Without the resolver gate (the list form of {@code resolvers:}). */
    public Propagation(List<String> nameservers, List<String> resolvers, boolean ignoreUnreachable, Duration interval,
            Duration queryTimeout, int tries, int rounds, String via) {
        this(nameservers, resolvers, ignoreUnreachable, interval, queryTimeout, tries, rounds, via, false);
    }

    public static Propagation defaults() {
        return new Propagation(List.of(), List.of(), false, Duration.ofSeconds(2), Duration.ofSeconds(2), 3, 2, "auto");
    }
}
