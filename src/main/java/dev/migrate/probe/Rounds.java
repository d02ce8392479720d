package dev.migrate.probe;

import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Polls in rounds until a round is settled in {@code rounds} consecutive rounds or the deadline passes, as
 * {@link AuthoritativeProbe} does for a change (DOMAIN.md: every 2-10 s with jitter, done after 2 matching
 * rounds): for the whole-zone comparison and the delegation check. Time comes from the injected clock,
 * waiting goes through the injected sleeper, and the number of rounds is bounded whatever the clock does.
 */
final class Rounds {
    private Rounds() {}

    /** One round of queries; interruptible. */
    @FunctionalInterface
    interface Round<R> {
        R run() throws InterruptedException;
    }

    /**
     * @param settledAt   when the first round of the settling streak was settled (its last answer's instant),
     *                    null when it never settled
     * @param last        the last round run
     */
    record Result<R>(boolean settled, Instant settledAt, R last, int rounds, Duration elapsed) {}

    /**
     * @param finishedAt  when a round's last answer was in: a settled streak counts from its first round's
     * @param progress    told after every round
     */
    static <R> Result<R> until(Round<R> round, Predicate<R> settled, Function<R, Instant> finishedAt,
            AuthoritativeProbe.Settings settings, Instant deadline, Clock clock, Sleeper sleeper, Random random,
            java.util.function.Consumer<R> progress) throws InterruptedException {
        Instant start = clock.instant();
        long shortest = Math.max(1, (long) (settings.interval().toMillis() * (1 - settings.jitter())));
        long maxRounds = Math.max(settings.rounds(), Duration.between(start, deadline).toMillis() / shortest + 2);
        Instant streakStart = null;
        int streak = 0;
        int run = 0;
        while (true) {
            R r = round.run();
            run++;
            if (settled.test(r)) {
                if (streak++ == 0) streakStart = finishedAt.apply(r);
            } else {
                streak = 0;
                streakStart = null;
            }
            progress.accept(r);
            Instant now = clock.instant();
            if (streak >= settings.rounds()) return new Result<>(true, streakStart, r, run, Duration.between(start, now));
            Duration left = Duration.between(now, deadline);
            if (left.isNegative() || left.isZero() || run >= maxRounds) {
                return new Result<>(false, null, r, run, Duration.between(start, now));
            }
            double f = 1 + settings.jitter() * (2 * random.nextDouble() - 1);
            Duration wait = Duration.ofMillis(Math.max(1, Math.round(settings.interval().toMillis() * f)));
            // The last poll happens at the deadline itself rather than one interval short of it.
            sleeper.sleep(wait.compareTo(left) < 0 ? wait : left);
        }
    }

    /**
     * Waits for a round's queries. Every query ends by itself (timeout x tries), so this bound only guards
     * against a bug leaving a round hanging; returns the reason to give for whatever did not finish.
     *
     * @param waves how many times over the queries fill {@code maxInFlight}
     */
    static String awaitAll(List<? extends CompletableFuture<?>> fs, AuthoritativeProbe.Settings settings, long waves)
            throws InterruptedException {
        long bound = settings.queryTimeout().toMillis() * settings.tries() * waves + 10_000;
        try {
            CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).get(bound, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            // take what finished
        }
        return "no answer within the round's limit of " + bound + " ms";
    }
}
