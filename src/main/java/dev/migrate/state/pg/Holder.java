package dev.migrate.state.pg;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Who holds a migration's lock, in the words a refused run prints: host, pid, command, since when. */
final class Holder {
    private Holder() {}

    static String describe(String command, Instant since) {
        return "host " + hostName() + " pid " + ProcessHandle.current().pid() + " (" + command + ") since " + since;
    }

    /** The kernel's host name: asking the resolver would send a query off this machine. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.strip();
        try {
            return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown-host";
        }
    }
}
