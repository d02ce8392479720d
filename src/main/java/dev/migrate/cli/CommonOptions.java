package dev.migrate.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/** Options every command that looks at time shares: {@code --now} (or MIGRATE_NOW) and {@code --verbose}. */
public final class CommonOptions {
    @Option(names = "--now", paramLabel = "INSTANT",
            description = "Pretend it is this instant (ISO-8601 with offset). Also MIGRATE_NOW. For previews and tests.")
    String now;

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces and protocol detail on errors.")
    boolean verbose;

    public Clock clock() {
        String n = now != null ? now : System.getenv("MIGRATE_NOW");
        if (n == null || n.isBlank()) return Clock.systemUTC();
        try {
            return Clock.fixed(OffsetDateTime.parse(n.trim()).toInstant(), ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new CliException(ExitCode.INVALID, "--now/MIGRATE_NOW '" + n
                    + "' is not an ISO-8601 instant with an offset, e.g. 2026-12-01T02:00:00Z");
        }
    }

    /** True when the clock was overridden: time does not pass by itself then. */
    public boolean fixedClock() {
        String n = now != null ? now : System.getenv("MIGRATE_NOW");
        return n != null && !n.isBlank();
    }

    public Instant instant() {
        return clock().instant();
    }
}
