package dev.migrate.engine;

import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.DnsProvider;
import dev.migrate.state.JournalState;
import dev.migrate.state.StateStore;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * What the engine works with, once: the plan and its timeline, the provider (and a provider move's new
 * one), where the journal lives, the clock and the probes. {@link Engine}, {@link LockedRun} and
 * {@link Fallback} share it; none of them holds anything else.
 *
 * @param movingTo   the new provider of the plan's {@code move:}, or null
 * @param planDigest SHA-256 of the plan file (approvals are for exactly that file), or null
 */
record EngineParts(Plan plan, Timeline timeline, DnsProvider provider, DnsProvider movingTo, StateStore store,
        Clock clock, Sleeper sleeper, Probes probes, EngineListener listener, String planDigest, Notifier notifier) {

    /** The journal as it is, read without the lock (status, dry runs, previews). */
    JournalState journal() throws EngineException {
        try {
            return JournalState.of(store.read());
        } catch (IOException e) {
            throw new EngineException(Verdict.FAILURE, e.getMessage(), e);
        }
    }

    void requirePhase(String id) throws EngineException {
        if (id != null && timeline.phase(id).isEmpty()) {
            throw new EngineException(Verdict.INVALID, "no phase '" + id + "' in the plan; phases are "
                    + timeline.phases().stream().map(ScheduledPhase::id).toList());
        }
    }

    EngineException stateFailure(IOException e) {
        return new EngineException(Verdict.FAILURE, "state " + store.describe() + ": " + e.getMessage(), e);
    }

    /** Why a phase that needs approval may not run yet (for this plan file), or empty. */
    Optional<String> approvalMissing(JournalState st, String phase) {
        return SafetyGate.approvalMissing(phase, st.approval(phase), st.approvedAt(phase), planDigest,
                plan.file().toString());
    }
}
