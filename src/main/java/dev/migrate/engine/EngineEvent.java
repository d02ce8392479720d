package dev.migrate.engine;

import dev.migrate.plan.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the engine tells the operator while it works, typed. The text renderer, the JSON renderer and the
 * rehearsal each read these; none of them parses another's sentences.
 */
public sealed interface EngineEvent {

    record PhaseStarted(String phase, Action action, Instant scheduledAt) implements EngineEvent {}

    /** lower-ttl saw the lowered TTL everywhere; the swap is safe from {@code earliestSafeSwap}. */
    record LoweringConfirmed(String phase, Instant confirmedAt, Instant earliestSafeSwap) implements EngineEvent {}

    /** A safety gate was overridden with --force. */
    record Forced(String phase, List<String> reasons) implements EngineEvent {
        public Forced {
            reasons = List.copyOf(reasons);
        }
    }

    /** One service check ran. {@code during} says where: a phase id, or "swap preflight". */
    record CheckResult(String during, String check, boolean passed, String detail, Duration latency)
            implements EngineEvent {}

    /** A provider failure worth trying again; {@code attempt} of {@code of} comes next. */
    record Retrying(String reason, int attempt, int of) implements EngineEvent {}

    /** One journaled batch is in place. */
    record BatchWritten(String phase, String zone, int rrsets) implements EngineEvent {}

    /** A confirmation failed; what it confirms is being undone. */
    record RollingBack(String phase, String why) implements EngineEvent {}

    record RollbackFinished(int undone) implements EngineEvent {}

    /** A rollback began (after a failed confirm or command, or {@code migrate rollback}). */
    record RollbackStarted(boolean forced) implements EngineEvent {}

    /** A phase of the timeline ended in this run, however it ended (the report lists it too). */
    record PhaseEnded(PhaseResult result) implements EngineEvent {}

    /**
     * An {@code action: run} phase's command ended.
     *
     * @param exitCode   null when it never started ({@code startError} says why)
     */
    record CommandFinished(String phase, String command, Integer exitCode, boolean timedOut, String startError,
            Duration took) implements EngineEvent {}

    /** The swap is due within the hour; the plan's webhooks are told (once). */
    record SwapSoon(String phase, Instant at) implements EngineEvent {}

    /** A notification could not be delivered; it is journaled, and nothing else is held up by it. */
    record NotificationFailed(String event, String phase, String target, String error) implements EngineEvent {}
}
