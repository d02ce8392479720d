package dev.migrate.cli;

import dev.migrate.engine.EngineEvent;

/** The engine's events as the lines an operator reads. */
final class EventText {
    private EventText() {}

    /** Prints {@code e}'s line, if it has one. */
    static void print(java.io.PrintWriter out, EngineEvent e) {
        String l = line(e);
        if (l != null) out.println(l);
    }

    /** The line for {@code e}, or null for an event the final report shows instead. */
    static String line(EngineEvent e) {
        if (e instanceof EngineEvent.PhaseStarted s) {
            return s.phase() + ": started (" + s.action().word() + ", scheduled " + s.scheduledAt() + ")";
        }
        if (e instanceof EngineEvent.LoweringConfirmed l) {
            return l.phase() + ": lowered TTL confirmed at " + l.confirmedAt() + "; earliest safe swap " + l.earliestSafeSwap();
        }
        if (e instanceof EngineEvent.Forced f) {
            return "WARNING: " + f.phase() + " forced past the safety gate: " + String.join("; ", f.reasons());
        }
        if (e instanceof EngineEvent.CheckResult c) {
            return c.during() + ": check " + c.check() + " " + (c.passed() ? "passed" : "FAILED") + ": " + c.detail();
        }
        if (e instanceof EngineEvent.Retrying r) {
            return "provider: " + r.reason() + "; trying again (" + r.attempt() + "/" + r.of() + ")";
        }
        if (e instanceof EngineEvent.BatchWritten b) {
            return b.phase() + ": wrote " + b.rrsets() + " RRset(s) in " + b.zone();
        }
        if (e instanceof EngineEvent.RollingBack r) {
            return r.phase() + ": " + r.why() + "; rolling back";
        }
        if (e instanceof EngineEvent.RollbackFinished f) {
            return "rollback: finished; " + f.undone() + " RRset change(s) undone";
        }
        if (e instanceof EngineEvent.RollbackStarted s) {
            return "rollback: started" + (s.forced() ? " (--force)" : "");
        }
        if (e instanceof EngineEvent.PhaseEnded) {
            return null; // the report lists each phase's end
        }
        if (e instanceof EngineEvent.CommandFinished c) {
            String took = String.format(java.util.Locale.ROOT, "%.1f s", c.took().toMillis() / 1000.0);
            return c.phase() + ": command " + c.command() + (c.startError() != null ? " did not start: " + c.startError()
                    : c.timedOut() ? " outlived its timeout and was killed after " + took
                    : " exited " + c.exitCode() + " after " + took) + " (its output is in the journal: migrate log)";
        }
        if (e instanceof EngineEvent.SwapSoon s) {
            return s.phase() + ": due at " + s.at() + "; telling the plan's webhooks";
        }
        if (e instanceof EngineEvent.NotificationFailed f) {
            return "WARNING: notification " + f.event() + (f.phase() == null ? "" : " (" + f.phase() + ")") + " to "
                    + f.target() + " not delivered: " + f.error() + "; journaled, nothing else held up";
        }
        throw new IllegalArgumentException("no text for " + e);
    }
}
