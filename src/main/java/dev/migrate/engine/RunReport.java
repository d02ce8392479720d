package dev.migrate.engine;

import java.time.Instant;
import java.util.List;

/**
 * What an apply or rollback did.
 *
 * @param nextPhase the next phase waiting for its time, or null when the timeline is finished or stopped
 * @param notes     lines for the operator that are not about one phase (recovery, why nothing ran)
 * @param retryAt   set when the run stopped only because the swap's earliest safe instant has not come:
 *                  nothing is wrong, and from then on the swap may run ({@code --wait} sleeps until it)
 */
public record RunReport(List<PhaseResult> phases, Verdict verdict, String nextPhase, Instant nextAt, List<String> notes,
        String idle, Instant retryAt) {
    public RunReport {
        phases = List.copyOf(phases);
        notes = List.copyOf(notes);
    }

    public RunReport(List<PhaseResult> phases, Verdict verdict, String nextPhase, Instant nextAt, List<String> notes) {
        this(phases, verdict, nextPhase, nextAt, notes, null, null);
    }

    /** The same report with a reason why nothing runs (shown unless --quiet). */
    public RunReport withIdle(String why) {
        return new RunReport(phases, verdict, nextPhase, nextAt, notes, why, retryAt);
    }

    /** The same report, stopped by the safety gate until {@code at}. */
    public RunReport withRetryAt(Instant at) {
        return new RunReport(phases, verdict, nextPhase, nextAt, notes, idle, at);
    }

    /** True when nothing was run, blocked, failed or recovered: cron's --quiet prints nothing then. */
    public boolean quiet() {
        return phases.isEmpty() && notes.isEmpty() && verdict == Verdict.OK;
    }
}
