package dev.migrate.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The plan-time safety analysis.
 *
 * @param earliestSafeSwap null when there is nothing to wait for (no RRset has a TTL above the lowered one
 *                         and no lower-ttl phase runs)
 */
public record SafetyReport(
        long maxOriginalTtl,
        Duration margin,
        Instant earliestSafeSwap,
        Instant swap,
        List<String> errors,
        List<String> warnings) {}
