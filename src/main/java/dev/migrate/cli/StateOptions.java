package dev.migrate.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a plan's state (journal, lock) lives. */
public final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory (default .migrate/ beside the plan file; also MIGRATE_STATE_DIR).")
    Path stateDir;

    Path override() {
        if (stateDir != null) return stateDir;
        String env = System.getenv("MIGRATE_STATE_DIR");
        return env == null || env.isBlank() ? null : Path.of(env);
    }
}
