package dev.migrate.support;

import java.nio.file.Path;

/** Paths in messages: as short as they can be while still pointing at the same file. */
public final class Paths {
    private Paths() {}

    /**
     * {@code path} normalised (never {@code a/../b}), relative to the current directory when it lies below it
     * (and that is shorter), else absolute: a relative form that climbs out ({@code ../../x}) says less than
     * the absolute one, and would make the same file read differently from one directory to the next.
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
        if (relative.equals("..") || relative.startsWith(".." + java.io.File.separator)) return absolute;
        return relative.length() < absolute.length() ? relative : absolute;
    }
}
