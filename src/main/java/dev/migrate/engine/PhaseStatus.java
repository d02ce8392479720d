package dev.migrate.engine;

import dev.migrate.plan.Action;
import dev.migrate.state.PhaseState;
import java.time.Instant;

/**
 * One row of {@code migrate status}.
 *
 * @param at       when it is due: for a phase counted from another, that phase's actual finish plus the offset
 * @param expected {@code at} is an estimate: the phase it counts from has not finished yet
 */
public record PhaseStatus(String id, Action action, Instant at, PhaseState state, Instant startedAt,
        Instant finishedAt, String detail, boolean expected) {
    public PhaseStatus(String id, Action action, Instant at, PhaseState state, Instant startedAt, Instant finishedAt,
            String detail) {
        this(id, action, at, state, startedAt, finishedAt, detail, false);
    }
}
