package dev.migrate.plan;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * @param lowered TTL the affected RRsets carry from lower-ttl until restore-ttl
 * @param restore seconds to restore to, or empty for "original" (what lower-ttl found)
 * @param margin  safety margin added after the old TTL runs out; null for the default
 */
public record TtlPolicy(long lowered, OptionalLong restore, Duration margin) {

    /** DOMAIN.md: a sensible default margin is max(5 min, 10% of the largest original TTL). */
    public Duration marginFor(long maxOriginalTtl) {
        if (margin != null) return margin;
        return Duration.ofSeconds(Math.max(300, maxOriginalTtl / 10));
    }
}
