package dev.migrate.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Time for rehearsals: it stands still until told to move, and sleeping moves it instead of waiting,
 * so a four-day timeline with half-hour confirm windows plays in seconds.
 */
public final class VirtualClock extends Clock implements Sleeper {
    private final AtomicReference<Instant> now;

    public VirtualClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public void set(Instant t) {
        now.updateAndGet(cur -> t.isAfter(cur) ? t : cur); // time never runs backwards
    }

    public void advance(Duration d) {
        now.updateAndGet(cur -> cur.plus(d));
    }

    @Override
    public void sleep(Duration d) {
        if (!d.isNegative()) advance(d);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
