package dev.migrate.cli;

import dev.migrate.plan.Plan;
import dev.migrate.provider.Providers;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalSession;
import dev.migrate.state.LockHeldException;
import dev.migrate.state.StateStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Moves a migration's journal between state backends, e.g. from the directory on a laptop to the shared
 * database: {@code migrate state export PLAN --state file: > web.jsonl}, then {@code migrate state import
 * PLAN --state postgresql://... < web.jsonl}. The lines are the file journal's own.
 */
@Command(name = "state", mixinStandardHelpOptions = true,
        description = "Export or import a migration's journal as JSON lines (to move it between state backends).",
        subcommands = {StateCommand.Export.class, StateCommand.Import.class})
public final class StateCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: export or import");
    }

    @Command(name = "export", mixinStandardHelpOptions = true,
            description = "Print the migration's current journal as JSON lines (the file journal's format). Takes no lock.")
    static final class Export implements Callable<Integer> {
        @Mixin
        PlanFileOption plan;

        @Mixin
        StateOptions state;

        @Option(names = "--to", paramLabel = "FILE", description = "Write to FILE (mode 0600) instead of standard output.")
        Path to;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Plan p = plan.load(Providers.discover());
            StateStore store = state.store(p, Clock.systemUTC());
            List<Event> events;
            try {
                events = store.read();
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, e.getMessage(), e);
            }
            StringBuilder text = new StringBuilder();
            for (Event e : events) text.append(Journal.line(e)).append('\n');
            if (to == null) {
                PrintWriter out = spec.commandLine().getOut();
                out.print(text);
                out.flush();
            } else {
                write(to, text.toString());
            }
            spec.commandLine().getErr().println("exported " + events.size() + " event" + (events.size() == 1 ? "" : "s")
                    + " of " + store.describe());
            return ExitCode.OK;
        }

        private static void write(Path f, String text) {
            try {
                Files.deleteIfExists(f);
                try {
                    Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                } catch (UnsupportedOperationException e) {
                    Files.createFile(f);
                }
                Files.writeString(f, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot write " + f + ": " + e.getMessage(), e);
            }
        }
    }

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Read a journal of JSON lines (from 'state export') into the migration's state, which must"
                    + " hold no journal yet. Takes the lock.")
    static final class Import implements Callable<Integer> {
        @Mixin
        PlanFileOption plan;

        @Mixin
        StateOptions state;

        @Option(names = "--from", paramLabel = "FILE", description = "Read FILE instead of standard input.")
        Path from;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            Plan p = plan.load(Providers.discover());
            List<Event> events = read();
            // Each event keeps its own time: the store takes "now" from this clock, set before each append.
            ReplayClock clock = new ReplayClock(Instant.now());
            StateStore store = state.store(p, clock);
            try (JournalSession s = store.open("state import")) {
                if (!s.eventsAtOpen().isEmpty()) {
                    throw new CliException(ExitCode.BLOCKED, s.location() + " already holds a journal of "
                            + s.eventsAtOpen().size() + " events; import writes only into an empty one (export and"
                            + " compare it, or choose another --state)");
                }
                for (Event e : events) {
                    clock.now = e.at();
                    Event written = s.append(e.type(), e.phase(), e.batch(), e.zone(), e.changes(), e.info());
                    if (written.seq() != e.seq()) {
                        throw new CliException(ExitCode.FAILURE, "event " + e.seq() + " was stored as " + written.seq()
                                + " in " + s.location() + "; the import stopped there");
                    }
                }
                spec.commandLine().getErr().println("imported " + events.size() + " event" + (events.size() == 1 ? "" : "s")
                        + " into " + s.location());
            } catch (LockHeldException e) {
                throw new CliException(ExitCode.LOCKED, e.getMessage());
            } catch (IOException e) {
                throw new CliException(ExitCode.FAILURE, e.getMessage(), e);
            }
            return ExitCode.OK;
        }

        /** Every line, checked before anything is written: whole events, numbered 1, 2, 3, ... */
        private List<Event> read() {
            String where = from == null ? "standard input" : from.toString();
            List<String> lines;
            try {
                lines = from == null
                        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).lines().toList()
                        : Files.readAllLines(from, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException(ExitCode.INVALID, where + ": no such file");
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new CliException(ExitCode.FAILURE, "cannot read " + where + ": " + e.getMessage());
            }
            List<Event> out = new ArrayList<>();
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                Event e;
                try {
                    e = Journal.parse(lines.get(i));
                } catch (IOException ex) {
                    throw new CliException(ExitCode.INVALID, where + ":" + (i + 1) + ": " + ex.getMessage()
                            + "; nothing was imported");
                }
                if (e.seq() != out.size() + 1) {
                    throw new CliException(ExitCode.INVALID, where + ":" + (i + 1) + ": event " + e.seq() + " where event "
                            + (out.size() + 1) + " was expected (a journal is numbered from 1 without gaps); nothing was"
                            + " imported");
                }
                out.add(e);
            }
            if (out.isEmpty()) throw new CliException(ExitCode.INVALID, where + " holds no events; nothing was imported");
            return out;
        }
    }

    /**
     * A clock that says what it is told: each imported event's own instant, even an earlier one than the
     * last (a journal written with --now need not be in time order), which VirtualClock refuses.
     */
    static final class ReplayClock extends Clock {
        volatile Instant now;

        ReplayClock(Instant start) {
            this.now = start;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
