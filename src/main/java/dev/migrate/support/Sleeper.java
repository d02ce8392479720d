package dev.migrate.support;

import java.time.Duration;

/**
 * Waiting, injectable: the real one sleeps; the rehearsal's virtual clock just moves its time forward,
 * so a four-day timeline plays in seconds.
 */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;

    Sleeper REAL = d -> {
        if (!d.isNegative() && !d.isZero()) Thread.sleep(d.toMillis());
    };
}
