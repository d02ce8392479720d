package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Timeline;
import dev.migrate.state.PhaseState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What {@code migrate plan} shows: the timeline with what the journal says of each phase, each DNS-changing
 * phase's changes, and the safety analysis.
 */
public record Preview(
        Plan plan,
        Instant now,
        Timeline timeline,
        List<Target> targets,
        Map<String, List<RRsetChange>> changesByPhase,
        SafetyReport safety,
        Map<String, Mark> marks) {

    /**
     * What the journal says of one phase.
     *
     * @param finishedAt when it finished (done, or taken back by a rollback since), else null
     * @param dueAt      when it is due: its planned instant, or for a phase counted from another that has finished,
     *                   that phase's actual finish plus its offset; null while that phase has not finished
     * @param expectedAt {@code dueAt}, or while that is not known, the estimate from the phases it counts from
     */
    public record Mark(PhaseState state, Instant finishedAt, Instant dueAt, Instant expectedAt) {}

    /** What the journal says of this phase. */
    public Mark mark(String phase) {
        return marks.get(phase);
    }
}
