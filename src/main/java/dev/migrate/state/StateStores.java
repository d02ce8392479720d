package dev.migrate.state;

import dev.migrate.state.pg.PostgresStateStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Function;

/**
 * Picks a migration's state store: the command line ({@code --state URL} or {@code --state-dir DIR}), else
 * the environment ({@code MIGRATE_STATE} or {@code MIGRATE_STATE_DIR}), else {@code state:} in the plan,
 * else the directory {@code .migrate/<plan name>} beside the plan.
 */
public final class StateStores {
    private StateStores() {}

    /**
     * Where the state is. Each level may say it one way only: {@code --state} with {@code --state-dir}, or
     * {@code MIGRATE_STATE} with {@code MIGRATE_STATE_DIR}, is refused rather than one silently winning.
     *
     * @param stateOption {@code --state}, or null
     * @param stateDirOption {@code --state-dir}, or null
     * @param fromPlan the plan's {@code state:}, or null
     * @param cwd what relative paths on the command line and in the environment are taken against
     * @throws IllegalArgumentException naming the option or variable; the message never shows a password
     */
    public static StateLocation choose(String stateOption, Path stateDirOption, Function<String, String> env,
            StateLocation fromPlan, Path cwd) {
        StateLocation cli = one("--state", stateOption, "--state-dir", stateDirOption == null ? null : stateDirOption.toString(), cwd);
        if (cli != null) return cli;
        StateLocation fromEnv = one("MIGRATE_STATE", blankIsNull(env.apply("MIGRATE_STATE")), "MIGRATE_STATE_DIR",
                blankIsNull(env.apply("MIGRATE_STATE_DIR")), cwd);
        if (fromEnv != null) return fromEnv;
        return fromPlan != null ? fromPlan : StateLocation.DEFAULT;
    }

    private static StateLocation one(String urlName, String url, String dirName, String dir, Path cwd) {
        if (url != null && dir != null) {
            throw new IllegalArgumentException(urlName + " and " + dirName + " both say where the state is: give one");
        }
        if (dir != null) return new StateLocation.Directory(cwd.resolve(dir).normalize());
        if (url == null) return null;
        try {
            return StateLocation.parse(url, cwd);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(urlName + ": " + e.getMessage());
        }
    }

    private static String blankIsNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The store of migration {@code name} at {@code location}.
     *
     * @param planBaseDir the plan file's directory (the default state directory is beside it)
     * @param planDigest the plan file's SHA-256, kept with a database migration's row (may be null)
     * @throws IllegalArgumentException when a password file cannot be read (message safe to print)
     */
    public static StateStore of(StateLocation location, String name, Path planBaseDir, String planDigest, Clock clock,
            Function<String, String> env) {
        if (location instanceof StateLocation.Database db) {
            return PostgresStateStore.of(db.url(), name, planDigest, clock, env);
        }
        Path root = ((StateLocation.Directory) location).root();
        return new FileStateStore((root == null ? planBaseDir.resolve(".migrate") : root).resolve(name), clock);
    }
}
