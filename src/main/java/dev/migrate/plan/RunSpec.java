package dev.migrate.plan;

import java.util.List;
import java.util.Map;

/**
 * What an {@code action: run} phase runs.
 *
 * @param argv  the program and its arguments, run directly (no shell); with {@code shell}, exactly one
 *              element: the script handed to {@code /bin/sh -c}
 * @param shell the plan asked for a shell ({@code shell: true})
 * @param env   variables the plan passes to the command, beyond the MIGRATE_* ones, in plan order
 */
public record RunSpec(List<String> argv, boolean shell, Map<String, EnvValue> env) {
    private static final java.util.regex.Pattern NEEDS_QUOTES =
            java.util.regex.Pattern.compile("[\\s'\"\\\\$`;&|<>*?(){}\\[\\]!#~]");

    public RunSpec {
        argv = List.copyOf(argv);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
    }

    /** The command as the plan wrote it, for messages and the journal (it holds no secret: secrets go by env). */
    public String display() {
        if (shell) return "sh -c " + quote(argv.get(0));
        StringBuilder b = new StringBuilder();
        for (String a : argv) {
            if (b.length() > 0) b.append(' ');
            b.append(a.isEmpty() || NEEDS_QUOTES.matcher(a).find() ? quote(a) : a);
        }
        return b.toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** One variable's value: written in the plan, or a secret read from migrate's environment or a file. */
    public sealed interface EnvValue {
        /** A value written in the plan itself (not a secret: the plan file is not a secret). */
        record Plain(String value) implements EnvValue {}

        /** A secret: never journaled, blanked out of the command's captured output. */
        record FromSecret(SecretRef ref) implements EnvValue {}
    }
}
