package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.engine.Scheduler.Due;
import dev.migrate.engine.Scheduler.Progress;
import dev.migrate.plan.Action;
import dev.migrate.plan.Offset;
import dev.migrate.plan.OnFailure;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.JournalState;
import dev.migrate.state.PhaseState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What is due, from the timeline, the journal's progress and an instant alone. */
class SchedulerTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");
    static final Timeline TIMELINE = timeline();

    static Timeline timeline() {
        List<ScheduledPhase> phases = new ArrayList<>();
        String[][] rows = {{"lower-ttl", "T-72h", "lower-ttl"}, {"verify", "T-24h", "verify"}, {"swap", "T", "swap"},
                {"confirm", "T+5m", "confirm"}, {"restore-ttl", "T+24h", "restore-ttl"}};
        for (String[] r : rows) {
            Offset at = Offset.parse(r[1]);
            phases.add(new ScheduledPhase(new PhaseSpec(r[0], at, Action.fromWord(r[2]), null, false, OnFailure.ROLLBACK,
                    null, true, null, null, null), at.from(T)));
        }
        return new Timeline(T, phases);
    }

    static Progress done(String... ids) {
        return new Progress(Set.of(ids), false, null);
    }

    @Test
    void nothingIsDueBeforeTheFirstPhase() {
        Due d = Scheduler.due(TIMELINE, done(), T.minusSeconds(73 * 3600), null);
        assertThat(d).isEqualTo(new Due.NotYet(TIMELINE.phases().get(0), TIMELINE.phases().get(0).at()));
    }

    @Test
    void theFirstPhaseNotDoneRunsOnceItsInstantHasCome() {
        assertThat(Scheduler.due(TIMELINE, done(), T.minusSeconds(72 * 3600), null))
                .isEqualTo(new Due.Run(TIMELINE.phases().get(0)));
        // a late cron runs the phases in order, one at a time, each once
        assertThat(Scheduler.due(TIMELINE, done("lower-ttl"), T.plusSeconds(3600), null))
                .isEqualTo(new Due.Run(TIMELINE.phase("verify").orElseThrow()));
        assertThat(Scheduler.due(TIMELINE, done("lower-ttl", "verify", "swap", "confirm", "restore-ttl"), T, null))
                .isEqualTo(new Due.Finished());
    }

    @Test
    void onlyPhaseRunsNowButNeverBeforeAnEarlierPhase() {
        ScheduledPhase swap = TIMELINE.phase("swap").orElseThrow();
        assertThat(Scheduler.due(TIMELINE, done("lower-ttl", "verify"), T.minusSeconds(999_999), "swap")).isEqualTo(new Due.Run(swap));
        assertThat(Scheduler.due(TIMELINE, done("lower-ttl"), T, "swap"))
                .isEqualTo(new Due.WaitsFor(swap, TIMELINE.phase("verify").orElseThrow()));
        assertThat(Scheduler.due(TIMELINE, done("lower-ttl", "verify", "swap"), T, "swap")).isEqualTo(new Due.AlreadyDone(swap));
    }

    @Test
    void aRollbackStopsTheTimeline() {
        Instant at = T.plusSeconds(600);
        assertThat(Scheduler.due(TIMELINE, new Progress(Set.of("lower-ttl"), true, at), T, null)).isEqualTo(new Due.RolledBack(at));
        assertThat(Scheduler.due(TIMELINE, new Progress(Set.of("lower-ttl"), true, null), T, "verify"))
                .isEqualTo(new Due.RollbackUnfinished());
        assertThat(Scheduler.next(TIMELINE, new Progress(Set.of(), true, at))).isEmpty();
    }

    @Test
    void statusStatesFollowTheJournalAndTheClock() {
        ScheduledPhase swap = TIMELINE.phase("swap").orElseThrow();
        JournalState.PhaseRecord finished = new JournalState.PhaseRecord("swap", T, T, null, null, null);
        JournalState.PhaseRecord failed = new JournalState.PhaseRecord("swap", T, null, T, "drift", null);
        JournalState.PhaseRecord running = new JournalState.PhaseRecord("swap", T, null, null, null, null);
        Progress none = done();
        Progress rolledBack = new Progress(java.util.Map.of(), true, T, null, Set.of("swap"));
        Progress rolledBackAfterIt = new Progress(java.util.Map.of(), true, T, null, Set.of("confirm"));
        assertThat(Scheduler.stateOf(swap, Optional.empty(), none, T.minusSeconds(1))).isEqualTo(PhaseState.PENDING);
        assertThat(Scheduler.stateOf(swap, Optional.empty(), none, T)).isEqualTo(PhaseState.DUE);
        assertThat(Scheduler.stateOf(swap, Optional.of(running), none, T)).isEqualTo(PhaseState.RUNNING);
        assertThat(Scheduler.stateOf(swap, Optional.of(failed), none, T)).isEqualTo(PhaseState.FAILED);
        assertThat(Scheduler.stateOf(swap, Optional.of(finished), none, T)).isEqualTo(PhaseState.DONE);
        assertThat(Scheduler.stateOf(swap, Optional.of(finished), rolledBack, T)).isEqualTo(PhaseState.ROLLED_BACK);
        assertThat(Scheduler.stateOf(swap, Optional.empty(), rolledBack, T)).isEqualTo(PhaseState.SKIPPED);
        // a phase before the first undone swap stays done: a rollback --to keeps it, and a lowering stays in force
        assertThat(Scheduler.stateOf(swap, Optional.of(finished), rolledBackAfterIt, T)).isEqualTo(PhaseState.DONE);
    }

    @Test
    void everyActionWordHasItsClass() {
        for (Action a : Action.values()) assertThat(dev.migrate.engine.action.Actions.of(a)).as(a.word()).isNotNull();
    }
}
