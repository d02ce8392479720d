package dev.migrate.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Process groups from {@code /proc} (Linux): Java can signal a process but knows nothing of groups, and a
 * child that outlived its parent is no longer anyone's descendant; it is still in its group.
 */
final class ProcessGroups {
    private ProcessGroups() {}

    /** The process group of {@code pid}, or -1 when it is gone or unreadable. */
    static long of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so count from the last ')'.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[2]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Every live process in one of {@code groups}. */
    static List<ProcessHandle> members(Set<Long> groups) {
        if (groups.isEmpty()) return List.of();
        return ProcessHandle.allProcesses().filter(h -> groups.contains(of(h.pid()))).toList();
    }
}
