package dev.migrate.provider;

import java.util.Set;

/**
 * What an adapter can promise. The planner and engine read these instead of asking which adapter
 * they talk to.
 *
 * @param atomicBatch     a batch of RRset changes lands all at once or not at all
 * @param compareAndSet   the provider itself refuses a change whose before-image no longer matches
 *                        (when false the adapter reads, compares, writes and reads back)
 * @param minTtl          smallest TTL the provider accepts
 * @param maxTtl          largest TTL the provider accepts
 * @param recordTypes     types it can write; empty means any
 * @param meaningfulSerial the SOA serial changes with every write and can be polled
 * @param maxBatch        most RRsets in one batch; larger change sets are split, each part journaled
 */
public record Capabilities(
        boolean atomicBatch,
        boolean compareAndSet,
        long minTtl,
        long maxTtl,
        Set<String> recordTypes,
        boolean meaningfulSerial,
        int maxBatch) {

    public Capabilities {
        recordTypes = Set.copyOf(recordTypes);
        if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be at least 1");
    }

    public boolean supportsType(String type) {
        return recordTypes.isEmpty() || recordTypes.contains(type);
    }
}
