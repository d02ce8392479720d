package dev.migrate.probe;

import java.time.Instant;
import java.util.List;

/**
 * Every authoritative address polled once.
 *
 * @param finishedAt when its last answer was in: the earliest instant at which every matching address is
 *                   known to serve the expected data (an answer only proves what was served when it was sent)
 */
public record Round(Instant startedAt, Instant finishedAt, List<AddressReport> addresses) {

    public int inSync() {
        return (int) addresses.stream().filter(AddressReport::matches).count();
    }

    public List<AddressReport> laggards() {
        return addresses.stream().filter(a -> !a.matches()).toList();
    }

    /**
     * Settled: every address matches, or, when unreachable addresses are excused (the plan's
     * {@code unreachable: ignore}), every reachable one does and at least one does.
     */
    public boolean settled(boolean ignoreUnreachable) {
        boolean anyMatch = false;
        for (AddressReport a : addresses) {
            if (a.matches()) anyMatch = true;
            else if (!(ignoreUnreachable && a.state() == ServerState.UNREACHABLE)) return false;
        }
        return anyMatch;
    }
}
