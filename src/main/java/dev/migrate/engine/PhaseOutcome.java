package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import java.time.Instant;
import java.util.List;

/**
 * How one phase ended in one run (or would end, in a dry run). The verdict of a run, and so its exit code,
 * follows from the kind alone: no message text carries meaning.
 */
public sealed interface PhaseOutcome {

    /** For operators: what happened, or why not. */
    String message();

    /** The RRsets changed (or undone, or that would change); empty for most kinds. */
    default List<RRsetChange> changes() {
        return List.of();
    }

    /** The word status lines show: done, blocked, failed, would run, rolled back. */
    String word();

    /** What this outcome makes of the run: OK for done and would-run. */
    Verdict verdict();

    record Done(String message, List<RRsetChange> changes) implements PhaseOutcome {
        public Done {
            changes = List.copyOf(changes);
        }

        public String word() {
            return "done";
        }

        public Verdict verdict() {
            return Verdict.OK;
        }
    }

    /** Nothing is wrong; the phase may run from {@code until} on (the safety gate's earliest safe instant). */
    record HeldUntil(Instant until, String message) implements PhaseOutcome {
        public String word() {
            return "blocked";
        }

        public Verdict verdict() {
            return Verdict.BLOCKED;
        }
    }

    /** It may not run until the operator does something: drift, a conflict, an approval, an unsafe swap. */
    record Blocked(String message) implements PhaseOutcome {
        public String word() {
            return "blocked";
        }

        public Verdict verdict() {
            return Verdict.BLOCKED;
        }
    }

    /** It ran and failed: a check or confirmation ({@link Verdict#CHECK_FAILED}) or the world ({@link Verdict#FAILURE}). */
    record Failed(String message, Verdict verdict) implements PhaseOutcome {
        public String word() {
            return "failed";
        }
    }

    /** Confirmation failed and what it confirms was undone. */
    record RolledBack(String message, List<RRsetChange> changes) implements PhaseOutcome {
        public RolledBack {
            changes = List.copyOf(changes);
        }

        public String word() {
            return "rolled back";
        }

        public Verdict verdict() {
            return Verdict.CHECK_FAILED;
        }
    }

    /** A dry run's answer: this phase would run now and change these RRsets. */
    record WouldRun(String message, List<RRsetChange> changes) implements PhaseOutcome {
        public WouldRun {
            changes = List.copyOf(changes);
        }

        public String word() {
            return "would run";
        }

        public Verdict verdict() {
            return Verdict.OK;
        }
    }
}
