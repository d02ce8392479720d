package dev.migrate.cli;

import dev.migrate.plan.Plan;
import dev.migrate.state.StateLocation;
import dev.migrate.state.StateStore;
import dev.migrate.state.StateStores;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;
import picocli.CommandLine.Option;

/** Where a plan's state (journal, lock) lives: a directory beside the plan, or a shared database. */
public final class StateOptions {
    @Option(names = "--state", paramLabel = "URL",
            description = "Where the journal and lock live: file: (default: .migrate/ beside the plan), file:DIR, or"
                    + " postgresql://HOST[:PORT]/DATABASE?user=NAME (password from PGPASSWORD, ~/.pgpass or"
                    + " passwordFile=FILE). Also MIGRATE_STATE, or state: in the plan.")
    String state;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "State directory (default .migrate/ beside the plan file; also MIGRATE_STATE_DIR). Same as --state file:DIR.")
    Path stateDir;

    /** The environment; tests hand in their own. */
    Function<String, String> env = System::getenv;

    /** Where the state of {@code plan} is: the command line, else the environment, else the plan, else beside it. */
    StateLocation location(Plan plan) {
        try {
            return StateStores.choose(state, stateDir, env, plan == null ? null : plan.state(), Path.of("").toAbsolutePath());
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INVALID, e.getMessage());
        }
    }

    /** The store of {@code plan}'s migration. */
    StateStore store(Plan plan, Clock clock) {
        try {
            return StateStores.of(location(plan), plan.name(), plan.baseDir(), EngineFactory.digest(plan.file()), clock, env);
        } catch (IllegalArgumentException e) {
            throw new CliException(ExitCode.INVALID, "state " + location(plan) + ": " + e.getMessage());
        }
    }
}
