package dev.migrate.support;

import java.nio.file.Path;

/** Paths in messages: as short as they can be while still pointing at the same file. */
public final class Paths {
    private Paths() {}

    /**
     * {@code path} normalised (never {@code a/../b}), relative to the current directory when that is
     * shorter than the absolute form, else absolute.
     */
    public static String show(Path path) {
        return show(path, Path.of("").toAbsolutePath());
    }

    /** As {@link #show(Path)}, relative to {@code cwd} (absolute) instead of the current directory. */
    public static String show(Path path, Path cwd) {
        if (path == null) return "";
        Path abs = cwd.resolve(path).normalize();
        String absolute = abs.toString();
        String relative;
        try {
            relative = cwd.normalize().relativize(abs).toString();
        } catch (IllegalArgumentException e) {
            return absolute;
        }
        if (relative.isEmpty()) relative = ".";
        return relative.length() < absolute.length() ? relative : absolute;
    }
}
