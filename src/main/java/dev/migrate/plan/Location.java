package dev.migrate.plan;

import java.nio.file.Path;

/** A place in a plan file, 1-based, for errors an operator can jump to. */
public record Location(Path file, int line, int column) {
    @Override
    public String toString() {
        // As short as it can be while pointing at the same file (relative to the current directory, never a/../b).
        return (file == null ? "" : dev.migrate.support.Paths.show(file)) + ":" + line + ":" + column;
    }
}
