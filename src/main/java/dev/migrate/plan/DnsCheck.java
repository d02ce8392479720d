package dev.migrate.plan;

import java.time.Duration;
import java.util.List;

/**
 * A question to one DNS server with recursion desired (RD=1), e.g. the old nameserver address that now
 * forwards to the new servers: it must answer {@code name}/{@code type} with exactly {@code expect}.
 *
 * @param server the address asked (never a name: it would be looked up through the system resolver)
 * @param name   absolute, lower case
 * @param expect normalised record data; empty: the name must have no such records (NXDOMAIN or NODATA)
 */
public record DnsCheck(String id, HostPort server, String name, String type, List<String> expect, Duration timeout,
        Location at) implements CheckSpec {
    public DnsCheck {
        expect = List.copyOf(expect);
    }
}
