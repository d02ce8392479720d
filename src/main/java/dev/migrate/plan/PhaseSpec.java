package dev.migrate.plan;

import java.time.Duration;
import java.util.List;

/**
 * One phase of the timeline as the plan states it.
 *
 * @param timeout     how long confirming may take (confirm, lower-ttl); null for the default
 * @param checks      ids of the checks a verify runs; null means every check of the plan
 * @param preflight   swap re-runs the checks just before writing
 * @param unreachable {@code fail} or {@code ignore}; null follows the plan's propagation block
 * @param swap        for a confirm: the swap phase it confirms ({@code swap: ID}); null for the last swap before it
 * @param run         what an {@code action: run} phase runs; null for every other action
 */
public record PhaseSpec(
        String id,
        Offset at,
        Action action,
        Duration timeout,
        boolean approvalRequired,
        OnFailure onFailure,
        List<String> checks,
        boolean preflight,
        String unreachable,
        String swap,
        Location loc,
        RunSpec run) {

    public PhaseSpec(String id, Offset at, Action action, Duration timeout, boolean approvalRequired, OnFailure onFailure,
            List<String> checks, boolean preflight, String unreachable, String swap, Location loc) {
        this(id, at, action, timeout, approvalRequired, onFailure, checks, preflight, unreachable, swap, loc, null);
    }

    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    public Duration timeoutOrDefault() {
        return timeout != null ? timeout : DEFAULT_TIMEOUT;
    }
}
