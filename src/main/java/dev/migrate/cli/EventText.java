package dev.migrate.cli;

import dev.migrate.engine.EngineEvent;

/** The engine's events as the lines an operator reads. */
final class EventText {
    private EventText() {}

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
        throw new IllegalArgumentException("no text for " + e);
    }
}
