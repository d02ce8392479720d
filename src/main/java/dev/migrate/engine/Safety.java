package dev.migrate.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * The TTL invariant (DOMAIN.md; RFC 1034 §3.6): a swap is safe only once every cache that fetched the
 * old TTL has let it run out: {@code lowerTtlConfirmedAt + maxOriginalTtl + margin}.
 */
public final class Safety {
    private Safety() {}

    public static Instant earliestSafeSwap(Instant lowerTtlConfirmedAt, long maxOriginalTtl, Duration margin) {
        return lowerTtlConfirmedAt.plusSeconds(maxOriginalTtl).plus(margin);
    }
}
