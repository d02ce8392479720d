package dev.migrate.engine;

import dev.migrate.plan.Action;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Batch;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import dev.migrate.state.PhaseState;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides what is due: from the timeline, what the journal says happened and an
 * instant. {@code apply}, {@code apply --dry-run}, {@code apply --wait}, {@code status} and the rehearsal
 * all ask it. Pure: it reads nothing and writes nothing.
 */
public final class Scheduler {
    private Scheduler() {}

    /** The phase id of the restore-ttl a rollback schedules (it is not a phase of the plan's timeline). */
    public static final String RESTORE_AFTER_ROLLBACK = Event.ROLLBACK_PHASE + "-restore-ttl";

    /**
     * What the journal says of the timeline's progress; a dry run adds the phases it pretends ran.
     *
     * @param finishedAt   each done phase's actual finish: when its change was confirmed everywhere where it
     *                     confirms one (lower-ttl, confirm), else when it finished
     * @param restoreAt    after a rollback that kept the lowered TTLs: when they go back up, until they have
     * @param rolledBack   the phases a rollback took back: from the first undone swap on
     */
    public record Progress(Map<String, Instant> finishedAt, boolean rollbackStarted, Instant rolledBackAt,
            Instant restoreAt, Set<String> rolledBack) {
        public Progress {
            finishedAt = Map.copyOf(finishedAt);
            rolledBack = Set.copyOf(rolledBack);
        }

        /** Only done phases, nothing rolled back (tests and dry runs). */
        public Progress(Set<String> done, boolean rollbackStarted, Instant rolledBackAt) {
            this(doneAt(done), rollbackStarted, rolledBackAt, null, Set.of());
        }

        private static Map<String, Instant> doneAt(Set<String> done) {
            Map<String, Instant> m = new HashMap<>();
            for (String id : done) m.put(id, Instant.EPOCH);
            return m;
        }

        public static Progress of(Timeline timeline, JournalState st) {
            Map<String, Instant> finished = new HashMap<>();
            for (ScheduledPhase p : timeline.phases()) {
                st.phase(p.id()).filter(JournalState.PhaseRecord::done).ifPresent(r -> finished.put(p.id(),
                        r.finish() != null && r.finish().confirmedAt() != null ? r.finish().confirmedAt() : r.finishedAt()));
            }
            Instant restore = st.isDone(RESTORE_AFTER_ROLLBACK) ? null : st.restoreScheduledAt().orElse(null);
            return new Progress(finished, st.rollbackStarted(), st.rolledBackAt().orElse(null), restore,
                    rolledBackPhases(timeline, st));
        }

        /** The phases from the first swap a rollback undid (in timeline order) on. */
        private static Set<String> rolledBackPhases(Timeline timeline, JournalState st) {
            Set<String> out = new HashSet<>();
            if (!st.rollbackStarted()) return out;
            Set<String> undoneSwaps = new HashSet<>();
            for (Batch b : st.batches()) if (st.undoneByRollback(b.id())) undoneSwaps.add(b.phase());
            boolean from = false;
            for (ScheduledPhase p : timeline.phases()) {
                if (p.action() == Action.SWAP && undoneSwaps.contains(p.id())) from = true;
                if (from) out.add(p.id());
            }
            if (st.isDone(RESTORE_AFTER_ROLLBACK)) timeline.all(Action.LOWER_TTL).forEach(p -> out.add(p.id()));
            return out;
        }

        public boolean isDone(String phase) {
            return finishedAt.containsKey(phase);
        }

        public Optional<Instant> finished(String phase) {
            return Optional.ofNullable(finishedAt.get(phase));
        }

        /** The same progress with {@code phase} pretended done at {@code at} (dry runs). */
        public Progress with(String phase, Instant at) {
            Map<String, Instant> more = new HashMap<>(finishedAt);
            more.put(phase, at);
            return new Progress(more, rollbackStarted, rolledBackAt, restoreAt, rolledBack);
        }
    }

    /** The answer to "what now?". */
    public sealed interface Due {
        /** Run this phase now. */
        record Run(ScheduledPhase phase) implements Due {}

        /** Nothing is due; {@code next} runs at {@code at}. */
        record NotYet(ScheduledPhase next, Instant at) implements Due {}

        /** Every phase is done. */
        record Finished() implements Due {}

        /** {@code --phase wanted} while {@code earlier} is not done: phases run in timeline order. */
        record WaitsFor(ScheduledPhase wanted, ScheduledPhase earlier) implements Due {}

        /** {@code --phase} names a phase that already ran. */
        record AlreadyDone(ScheduledPhase phase) implements Due {}

        /** A rollback finished at {@code at}: nothing runs until {@code apply --restart}, but the restore below. */
        record RolledBack(Instant at) implements Due {}

        /** The restore-ttl a rollback scheduled has come: the lowered TTLs go back up now. */
        record RestoreAfterRollback(Instant at) implements Due {}

        /** A rollback started and did not finish: nothing runs until {@code migrate rollback} finishes it. */
        record RollbackUnfinished() implements Due {}
    }

    /** The next thing that will run and when (an instant, or its plan estimate while its anchor has not finished). */
    public record Next(String id, Instant at) {}

    /**
     * What is due at {@code now}: the first phase not done, in timeline order, once its instant has come (for
     * a phase counted from another, that phase's actual finish plus its offset); with {@code onlyPhase}, that
     * phase now, provided every earlier one is done.
     */
    public static Due due(Timeline timeline, Progress progress, Instant now, String onlyPhase) {
        if (progress.rollbackStarted()) {
            if (progress.rolledBackAt() == null) return new Due.RollbackUnfinished();
            if (progress.restoreAt() != null && !now.isBefore(progress.restoreAt())) {
                return new Due.RestoreAfterRollback(progress.restoreAt());
            }
            return new Due.RolledBack(progress.rolledBackAt());
        }
        if (onlyPhase != null && progress.isDone(onlyPhase)) {
            return new Due.AlreadyDone(timeline.phase(onlyPhase).orElseThrow());
        }
        Optional<ScheduledPhase> first = firstNotDone(timeline, progress);
        if (first.isEmpty()) return new Due.Finished();
        ScheduledPhase p = first.get();
        if (onlyPhase != null) {
            return onlyPhase.equals(p.id()) ? new Due.Run(p)
                    : new Due.WaitsFor(timeline.phase(onlyPhase).orElseThrow(), p);
        }
        Optional<Instant> at = timeline.dueAt(p, progress::finished);
        if (at.isEmpty() || now.isBefore(at.get())) return new Due.NotYet(p, at.orElse(p.at()));
        return new Due.Run(p);
    }

    /** What runs next and when; empty once the timeline is finished, or stopped by a rollback with nothing pending. */
    public static Optional<Next> next(Timeline timeline, Progress progress) {
        if (progress.rollbackStarted()) {
            return progress.rolledBackAt() != null && progress.restoreAt() != null
                    ? Optional.of(new Next(RESTORE_AFTER_ROLLBACK, progress.restoreAt())) : Optional.empty();
        }
        return firstNotDone(timeline, progress)
                .map(p -> new Next(p.id(), timeline.dueAt(p, progress::finished).orElse(p.at())));
    }

    private static Optional<ScheduledPhase> firstNotDone(Timeline timeline, Progress progress) {
        return timeline.phases().stream().filter(p -> !progress.isDone(p.id())).findFirst();
    }

    /** A phase's state as {@code migrate status} shows it. */
    public static PhaseState stateOf(ScheduledPhase p, Optional<JournalState.PhaseRecord> r, Progress progress, Instant now) {
        boolean stopped = progress.rolledBackAt() != null;
        if (r.isPresent() && r.get().done()) {
            return stopped && progress.rolledBack().contains(p.id()) ? PhaseState.ROLLED_BACK : PhaseState.DONE;
        }
        if (stopped) return PhaseState.SKIPPED;
        if (r.isPresent() && r.get().failedAt() != null) return PhaseState.FAILED;
        if (r.isPresent()) return PhaseState.RUNNING;
        return now.isBefore(p.at()) ? PhaseState.PENDING : PhaseState.DUE;
    }
}
