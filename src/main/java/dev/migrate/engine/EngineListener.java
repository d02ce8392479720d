package dev.migrate.engine;

import dev.migrate.probe.PropagationCheck;

/** Where the engine reports what it is doing while it does it. The engine itself never prints. */
public interface EngineListener {

    void event(EngineEvent e);

    /** Live progress while propagation is awaited (a terminal line), or nothing. */
    default PropagationCheck.Listener progress() {
        return PropagationCheck.Listener.NONE;
    }

    EngineListener SILENT = e -> {};
}
