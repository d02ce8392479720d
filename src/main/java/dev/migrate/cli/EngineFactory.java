package dev.migrate.cli;

import dev.migrate.engine.DefaultProbes;
import dev.migrate.engine.Engine;
import dev.migrate.engine.EngineListener;
import dev.migrate.engine.Probes;
import dev.migrate.engine.Workspace;
import dev.migrate.notify.WebhookNotifier;
import dev.migrate.probe.HttpTcpChecks;
import dev.migrate.state.StateStore;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;

/** Wires an engine for a command: its state, probes, and the plan file's digest for approvals. */
final class EngineFactory {
    private EngineFactory() {}

    static Engine create(Workspace ws, StateOptions state, Clock clock, Sleeper sleeper, EngineListener listener) {
        Probes probes = new DefaultProbes(ws.provider(), clock, sleeper, new HttpTcpChecks(clock));
        return new Engine(ws, store(ws.plan(), state, clock), clock, sleeper, probes, listener, digest(ws.plan().file()),
                WebhookNotifier.forPlan(ws.plan(), System::getenv));
    }

    /**
     * An engine for commands that only read or append to the journal (status, approve): it is given no
     * provider and contacts none.
     */
    static Engine journalOnly(dev.migrate.plan.Plan plan, StateOptions state, Clock clock) {
        return new Engine(Workspace.of(plan, null), store(plan, state, clock), clock, Sleeper.REAL,
                new DefaultProbes(null, clock, Sleeper.REAL, null), EngineListener.SILENT, digest(plan.file()));
    }

    /** The directory beside the plan, or the one --state, MIGRATE_STATE or the plan's state: names. */
    static StateStore store(dev.migrate.plan.Plan plan, StateOptions state, Clock clock) {
        return state.store(plan, clock);
    }

    /** SHA-256 of the plan file: an approval is for exactly the plan that was reviewed. */
    static String digest(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }
}
