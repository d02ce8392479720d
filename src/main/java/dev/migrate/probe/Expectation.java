package dev.migrate.probe;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;

/** What an RRset must look like on every authoritative server: data and TTL, or absent when {@code rrset} is null. */
public record Expectation(String zone, RRsetKey key, RRset rrset) {}
