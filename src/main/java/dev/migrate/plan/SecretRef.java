package dev.migrate.plan;

import dev.migrate.secret.Secret;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a plan says a secret is: an environment variable or a file. A plan never holds the value itself;
 * it is read when it is needed, registered with the redactor at once, and only ever named by its source.
 *
 * @param name the variable's name, or the file as written in the plan
 * @param file the file resolved against the plan's directory (null for a variable)
 */
public record SecretRef(Kind kind, String name, Path file) {

    public enum Kind { ENV, FILE }

    public static SecretRef env(String variable) {
        return new SecretRef(Kind.ENV, variable, null);
    }

    public static SecretRef file(String written, Path resolved) {
        return new SecretRef(Kind.FILE, written, resolved);
    }

    /** Safe to print: {@code environment variable SLACK_URL}, {@code file secrets/hook.url}. */
    public String describe() {
        return kind == Kind.ENV ? "environment variable " + name : "file " + name;
    }

    /**
     * Reads the value (a file's content without its trailing newline).
     *
     * @throws IllegalStateException naming the source, never a value, when it is unset, empty or unreadable
     */
    public Secret load(Function<String, String> environment) {
        String value;
        if (kind == Kind.ENV) {
            value = environment.apply(name);
            if (value == null || value.isBlank()) throw new IllegalStateException(describe() + " is not set");
        } else {
            try {
                value = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + describe() + " (" + e.getClass().getSimpleName() + ")");
            }
            if (value.isBlank()) throw new IllegalStateException(describe() + " is empty");
        }
        return Secret.of(value, describe());
    }
}
