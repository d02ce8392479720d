package dev.migrate.provider.route53;

import dev.migrate.support.Sleeper;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A token bucket: one token per {@code interval}, at most {@code capacity} saved up; {@link #take} waits for
 * a token. Route 53 allows five API requests per second per AWS account and answers more with
 * {@code Throttling} (Route 53 Developer Guide, "Quotas: Maximums on API requests"), so the process shares one
 * bucket of one token per 200 ms: never more than five requests in any second from this process.
 */
final class TokenBucket {
    /** The one bucket every Route 53 adapter in this process draws from. */
    static final TokenBucket PROCESS = new TokenBucket(1, Duration.ofMillis(200), System::nanoTime, Sleeper.REAL);

    private final int capacity;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Sleeper sleeper;
    private double tokens; // guarded by this
    private long updated; // guarded by this

    TokenBucket(int capacity, Duration interval, LongSupplier nanoTime, Sleeper sleeper) {
        if (capacity < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a bucket needs capacity >= 1 and a positive interval");
        }
        this.capacity = capacity;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
        this.sleeper = sleeper;
        this.tokens = capacity;
        this.updated = nanoTime.getAsLong();
    }

    /** Takes one token, waiting until there is one. */
    void take() throws InterruptedException {
        while (true) {
            Duration wait;
            synchronized (this) {
                long now = nanoTime.getAsLong();
                tokens = Math.min(capacity, tokens + (double) (now - updated) / intervalNanos);
                updated = now;
                if (tokens >= 1) {
                    tokens -= 1;
                    return;
                }
                wait = Duration.ofNanos((long) Math.ceil((1 - tokens) * intervalNanos));
            }
            // Sleep outside the lock so other threads can compute their own waits; then try again.
            sleeper.sleep(wait);
        }
    }
}
