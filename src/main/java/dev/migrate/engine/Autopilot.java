package dev.migrate.engine;

import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs a timeline to its end by itself: sleeps until the next phase is due, runs it, and goes on until the
 * timeline is finished or something stops it. A swap held back only by its earliest safe instant is waited
 * for, not a stop. {@code apply --wait} drives it on real time; the rehearsal on a virtual clock that
 * sleeping merely moves forward.
 */
public final class Autopilot {
    private final Engine engine;
    private final Clock clock;
    private final Sleeper sleeper;
    private final boolean phaseByPhase;

    /** @param phaseByPhase one phase per round (the rehearsal shows each at its own instant); else all that are due */
    public Autopilot(Engine engine, Clock clock, Sleeper sleeper, boolean phaseByPhase) {
        this.engine = engine;
        this.clock = clock;
        this.sleeper = sleeper;
        this.phaseByPhase = phaseByPhase;
    }

    /** What the autopilot's user does around each round. */
    public interface Driver {
        /** When {@code next} runs: when it is due (the rehearsal adds the lateness it was asked to show). */
        default Instant when(Scheduler.Next next) {
            return next.at();
        }

        /** About to sleep until {@code at} for {@code next}. */
        default void waiting(Scheduler.Next next, Instant at) {}

        /** Just before a round runs {@code next} (the rehearsal approves and starts its lagging server here). */
        default void beforeRound(Scheduler.Next next) throws EngineException {}

        /**
         * A round ended. {@code held}: it stopped only because the swap is not safe before
         * {@link RunReport#retryAt()}, which the autopilot now waits for.
         */
        void round(Instant startedAt, RunReport report, boolean held);
    }

    /** Runs rounds until the timeline is finished or a round ends badly; returns the last round's report. */
    public RunReport run(Driver driver) throws EngineException, InterruptedException {
        RunReport last = null;
        Instant heldUntil = null;
        // Bounded: every round runs a phase, or waits once for the safety gate, and phases are finite.
        int bound = 4 * engine.timeline().phases().size() + 8;
        for (int round = 0; round < bound; round++) {
            Optional<Scheduler.Next> next = engine.next();
            if (next.isEmpty()) return last != null ? last : engine.apply(new Engine.Options(false, null, false));
            Instant at = heldUntil != null ? heldUntil : driver.when(next.get());
            Duration wait = Duration.between(clock.instant(), at);
            if (wait.compareTo(Duration.ZERO) > 0) {
                driver.waiting(next.get(), at);
                sleeper.sleep(wait);
            }
            driver.beforeRound(next.get());
            Instant started = clock.instant();
            boolean inTimeline = engine.timeline().phase(next.get().id()).isPresent();
            last = engine.apply(new Engine.Options(false, phaseByPhase && inTimeline ? next.get().id() : null, false));
            boolean held = last.verdict() == Verdict.BLOCKED && last.retryAt() != null && last.retryAt().isAfter(started);
            driver.round(started, last, held);
            if (held) {
                heldUntil = last.retryAt();
                continue;
            }
            heldUntil = null;
            if (last.verdict() != Verdict.OK) return last;
        }
        throw new EngineException(Verdict.FAILURE, "the timeline made no progress in " + bound + " rounds; stopping");
    }
}
