package dev.migrate.exec;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs the command of an {@code action: run} phase. The real one starts a process ({@link ProcessCommands});
 * the rehearsal's only says what it would have run.
 */
public interface Commands {

    /**
     * Runs one command to its end or its deadline; never throws for the command's own failures (they are in
     * the {@link Outcome}).
     */
    Outcome run(Request request) throws InterruptedException;

    /**
     * @param argv      the program and its arguments, as the process receives them (a shell command is
     *                  {@code [/bin/sh, -c, script]})
     * @param display   the command as the plan wrote it, for messages
     * @param workdir   where it runs (the plan's directory)
     * @param variables MIGRATE_* and the plan's plain values; {@code secrets} come on top
     * @param secrets   variable name to where its value is (read only now, at the edge)
     */
    record Request(List<String> argv, String display, Path workdir, Map<String, String> variables,
            Map<String, dev.migrate.plan.SecretRef> secrets, Duration timeout) {
        public Request {
            argv = List.copyOf(argv);
            variables = Map.copyOf(variables);
            secrets = Map.copyOf(secrets);
        }
    }

    /** What the command's output streams held, bounded: the first and last bytes, with how many were left out. */
    record Captured(String text, long bytes, boolean truncated) {
        public static final Captured NONE = new Captured("", 0, false);

        /**
         * The last line that is not blank, or "" (for a one-line message), control characters shown as '?':
         * it reaches terminals and chat messages, where an escape sequence must not.
         */
        public String lastLine() {
            String[] lines = text.split("\n");
            for (int i = lines.length - 1; i >= 0; i--) {
                if (!lines[i].isBlank()) return lines[i].strip().replaceAll("[\\x00-\\x1f\\x7f\\x9b]", "?");
            }
            return "";
        }
    }

    /**
     * @param exitCode   the process's exit status; null when it never started
     * @param timedOut   it outlived its timeout and was killed, with every process of its group
     * @param startError why it did not start (no such program, a secret that is not set), or null
     * @param simulated  nothing ran (the rehearsal)
     */
    record Outcome(Integer exitCode, boolean timedOut, String startError, Duration took, Captured stdout, Captured stderr,
            boolean simulated) {

        public boolean succeeded() {
            return exitCode != null && exitCode == 0 && !timedOut && startError == null;
        }
    }

    /** The rehearsal's: nothing runs, and it says so. */
    Commands SIMULATED = r -> new Outcome(0, false, null, Duration.ZERO,
            new Captured("simulated: the rehearsal runs no command (" + r.display() + ")", 0, false), Captured.NONE, true);
}
