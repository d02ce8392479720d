package dev.migrate.plan;

import java.nio.file.Path;

/** A place in a plan file, 1-based, for errors an operator can jump to. */
public record Location(Path file, int line, int column) {
    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
