package dev.migrate.cli;

import dev.migrate.dns.Names;
import dev.migrate.support.Times;
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
        Instant t;
        try {
            t = OffsetDateTime.parse(n.trim()).toInstant();
        } catch (DateTimeParseException e) {
            throw new CliException(ExitCode.INVALID, "--now/MIGRATE_NOW '" + Names.printable(n)
                    + "' is not an ISO-8601 instant with an offset, e.g. 2026-12-01T02:00:00Z");
        }
        if (!Times.inRange(t)) {
            throw new CliException(ExitCode.INVALID, "--now/MIGRATE_NOW '" + n.trim() + "' is outside the years "
                    + Times.RANGE + "; give an instant in them, e.g. 2026-12-01T02:00:00Z");
        }
        return Clock.fixed(t, ZoneOffset.UTC);
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
