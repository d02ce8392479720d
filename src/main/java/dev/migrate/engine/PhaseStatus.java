package dev.migrate.engine;

import dev.migrate.plan.Action;
import dev.migrate.state.PhaseState;
import java.time.Instant;

/** One row of {@code migrate status}. */
public record PhaseStatus(String id, Action action, Instant at, PhaseState state, Instant startedAt,
        Instant finishedAt, String detail) {}
