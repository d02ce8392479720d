package dev.migrate.support;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/**
 * Why a local file could not be read, in the operator's words ("no such file", "permission denied"),
 * never a Java exception's class name.
 */
public final class IoProblems {
    private IoProblems() {}

    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) return "no such file";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof NotDirectoryException) return "a part of its path is not a directory";
        if (e instanceof FileSystemLoopException) return "its symbolic links go round in a loop";
        if (e instanceof CharacterCodingException) return "it is not text (UTF-8)";
        if (e instanceof FileSystemException f && f.getReason() != null) {
            String r = f.getReason().strip();
            if (r.equalsIgnoreCase("Is a directory")) return "it is a directory";
            return r.isEmpty() ? "cannot be read" : r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) return "cannot be read";
        if (m.contains("Is a directory")) return "it is a directory";
        if (m.contains("Permission denied")) return "permission denied";
        if (m.contains("No such file")) return "no such file";
        return m.strip();
    }
}
