package dev.migrate.engine;

import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.JournalState;
import dev.migrate.state.PhaseState;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides what is due: from the timeline, what the journal says happened and an
 * instant. {@code apply}, {@code apply --dry-run}, {@code apply --wait}, {@code status} and the rehearsal
 * all ask it. Pure: it reads nothing and writes nothing.
 */
public final class Scheduler {
    private Scheduler() {}

    /** What the journal says of the timeline's progress; a dry run adds the phases it pretends ran. */
    public record Progress(Set<String> done, boolean rollbackStarted, Instant rolledBackAt) {
        public Progress {
            done = Set.copyOf(done);
        }

        public static Progress of(Timeline timeline, JournalState st) {
            Set<String> done = new HashSet<>();
            for (ScheduledPhase p : timeline.phases()) if (st.isDone(p.id())) done.add(p.id());
            return new Progress(done, st.rollbackStarted(), st.rolledBackAt().orElse(null));
        }

        public boolean isDone(String phase) {
            return done.contains(phase);
        }

        /** The same progress with {@code phase} pretended done (dry runs). */
        public Progress with(String phase) {
            Set<String> more = new HashSet<>(done);
            more.add(phase);
            return new Progress(more, rollbackStarted, rolledBackAt);
        }
    }

    /** The answer to "what now?". */
    public sealed interface Due {
        /** Run this phase now. */
        record Run(ScheduledPhase phase) implements Due {}

        /** Nothing is due; {@code next} is the next phase, at its instant. */
        record NotYet(ScheduledPhase next) implements Due {}

        /** Every phase is done. */
        record Finished() implements Due {}

        /** {@code --phase wanted} while {@code earlier} is not done: phases run in timeline order. */
        record WaitsFor(ScheduledPhase wanted, ScheduledPhase earlier) implements Due {}

        /** {@code --phase} names a phase that already ran. */
        record AlreadyDone(ScheduledPhase phase) implements Due {}

        /** A rollback finished at {@code at}: nothing runs until {@code apply --restart}. */
        record RolledBack(Instant at) implements Due {}

        /** A rollback started and did not finish: nothing runs until {@code migrate rollback} finishes it. */
        record RollbackUnfinished() implements Due {}
    }

    /**
     * What is due at {@code now}: the first phase not done, in timeline order, once its instant has come;
     * with {@code onlyPhase}, that phase now, provided every earlier one is done.
     */
    public static Due due(Timeline timeline, Progress progress, Instant now, String onlyPhase) {
        if (progress.rollbackStarted()) {
            return progress.rolledBackAt() != null ? new Due.RolledBack(progress.rolledBackAt()) : new Due.RollbackUnfinished();
        }
        if (onlyPhase != null && progress.isDone(onlyPhase)) {
            return new Due.AlreadyDone(timeline.phase(onlyPhase).orElseThrow());
        }
        Optional<ScheduledPhase> first = next(timeline, progress);
        if (first.isEmpty()) return new Due.Finished();
        ScheduledPhase p = first.get();
        if (onlyPhase != null) {
            return onlyPhase.equals(p.id()) ? new Due.Run(p)
                    : new Due.WaitsFor(timeline.phase(onlyPhase).orElseThrow(), p);
        }
        return now.isBefore(p.at()) ? new Due.NotYet(p) : new Due.Run(p);
    }

    /** The first phase not done, in timeline order; empty once the timeline is finished or stopped by a rollback. */
    public static Optional<ScheduledPhase> next(Timeline timeline, Progress progress) {
        if (progress.rollbackStarted()) return Optional.empty();
        return timeline.phases().stream().filter(p -> !progress.isDone(p.id())).findFirst();
    }

    /** A phase's state as {@code migrate status} shows it. */
    public static PhaseState stateOf(ScheduledPhase p, Optional<JournalState.PhaseRecord> r, Progress progress, Instant now) {
        boolean rolledBack = progress.rolledBackAt() != null;
        if (r.isPresent() && r.get().done()) return rolledBack ? PhaseState.ROLLED_BACK : PhaseState.DONE;
        if (rolledBack) return PhaseState.SKIPPED;
        if (r.isPresent() && r.get().failedAt() != null) return PhaseState.FAILED;
        if (r.isPresent()) return PhaseState.RUNNING;
        return now.isBefore(p.at()) ? PhaseState.PENDING : PhaseState.DUE;
    }
}
