package dev.migrate.cli;

import dev.migrate.engine.Engine;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseResult;
import dev.migrate.engine.RunReport;
import dev.migrate.engine.Verdict;
import dev.migrate.engine.Workspace;
import dev.migrate.provider.Providers;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = {"Run every phase whose time has come and that has not run yet, in timeline order; each change",
                "is journaled before the provider sees it. Safe to run again: it does nothing new. Made for cron:",
                "  */5 * * * * migrate apply /etc/migrate/web.yaml --quiet"})
public final class ApplyCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    CommonOptions common;

    @Mixin
    OutputOptions output;

    @Mixin
    StateOptions state;

    @Option(names = "--dry-run", description = "Show what would run now and every RRset it would change; change nothing.")
    boolean dryRun;

    @Option(names = "--phase", paramLabel = "ID", description = "Run only this phase, now (every earlier phase must be done).")
    String phase;

    @Option(names = "--wait", description = "Stay in the foreground until the whole timeline is done, sleeping until each phase.")
    boolean waitForAll;

    @Option(names = {"-q", "--quiet"}, description = "Print nothing when nothing happened (for cron). Errors always go to stderr.")
    boolean quiet;

    @Option(names = "--force", description = "Run the swap before its earliest safe instant. Loud, and journaled.")
    boolean force;

    @Option(names = "--restart", description = "After a rollback: keep the old journal aside and start the timeline again.")
    boolean restart;

    @Option(names = "--limit", defaultValue = "50", description = "Most RRsets listed per phase in text output.")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (waitForAll && common.fixedClock()) {
            throw new CliException(ExitCode.INVALID, "--wait runs on real time: drop --now / MIGRATE_NOW");
        }
        if (waitForAll && dryRun) throw new CliException(ExitCode.INVALID, "--wait and --dry-run do not go together");
        Clock clock = common.clock();
        try (Workspace ws = plan.open(Providers.discover(), clock)) {
            Engine.Listener listener = output.json() || quiet ? Engine.Listener.SILENT : withLiveLine(out, err);
            if (output.json() || quiet) listener = Engine.Listener.SILENT;
            Engine engine = EngineFactory.create(ws, state, clock, Sleeper.REAL, listener);
            if (restart) {
                Path archived = run(() -> engine.restart());
                if (!quiet) out.println("started again; the previous journal is kept as " + archived);
            }
            if (!waitForAll) return report(engine, ws, out, err, clock.instant(), run(() -> engine.apply(options())));
            return waitLoop(engine, ws, out, err, clock);
        }
    }

    /** Prints the engine's lines; while propagation is awaited on a terminal, the live line on stderr. */
    private static Engine.Listener withLiveLine(PrintWriter out, PrintWriter err) {
        ProgressLine live = ProgressLine.forConsole(err);
        return new Engine.Listener() {
            @Override
            public void say(String line) {
                if (live != null) live.done();
                out.println(line);
            }

            @Override
            public dev.migrate.probe.PropagationCheck.Listener progress() {
                return live != null ? live : dev.migrate.probe.PropagationCheck.Listener.NONE;
            }
        };
    }

    private Engine.Options options() {
        return new Engine.Options(dryRun, phase, force);
    }

    private int report(Engine engine, Workspace ws, PrintWriter out, PrintWriter err, Instant now, RunReport r) {
        if (output.json()) out.println(Json.write(RunOutput.json(ws.plan().name(), r, now)));
        else RunOutput.text(out, err, r, now, quiet, limit);
        return r.verdict().exitCode();
    }

    /**
     * Runs due phases, then sleeps until the next one, until the timeline is done or something stops it.
     * A swap held back only by its earliest safe instant (the lowering came late) is not a stop here: the
     * operator asked to wait, so it sleeps until that instant and tries again.
     */
    private int waitLoop(Engine engine, Workspace ws, PrintWriter out, PrintWriter err, Clock clock) throws Exception {
        boolean terminal = System.console() != null && !output.json();
        // Bounded: every round runs at least one phase or sleeps until one is due (or safe); phases are finite.
        for (int round = 0; round < 4 * ws.plan().phases().size() + 4; round++) {
            RunReport r = run(() -> engine.apply(options()));
            if (r.verdict() == Verdict.BLOCKED && r.retryAt() != null) {
                List<PhaseResult> ran = r.phases().subList(0, r.phases().size() - 1);
                PhaseResult held = r.phases().get(r.phases().size() - 1);
                report(engine, ws, out, err, clock.instant(),
                        new RunReport(ran, Verdict.OK, held.phase(), r.retryAt(), r.notes()));
                if (!quiet && !output.json()) out.println(held.phase() + ": waiting: " + held.message());
                sleepUntil(held.phase(), r.retryAt(), out, clock, terminal);
                continue;
            }
            int code = report(engine, ws, out, err, clock.instant(), r);
            if (code != 0 || r.nextPhase() == null) return code;
            sleepUntil(r.nextPhase(), r.nextAt(), out, clock, terminal);
        }
        throw new CliException(ExitCode.FAILURE, "--wait made no progress; stopping");
    }

    private static void sleepUntil(String phase, Instant at, PrintWriter out, Clock clock, boolean terminal)
            throws InterruptedException {
        Duration left = Duration.between(clock.instant(), at);
        while (!left.isNegative() && !left.isZero()) {
            if (terminal) {
                out.print("\rwaiting for " + phase + ": " + Durations.human(left) + "   ");
                out.flush();
            }
            Duration step = terminal ? (left.compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1) : left) : left;
            Thread.sleep(Math.max(1, step.toMillis()));
            left = Duration.between(clock.instant(), at);
        }
        if (terminal) out.print("\r\033[K");
    }

    interface EngineCall<T> {
        T call() throws EngineException;
    }

    static <T> T run(EngineCall<T> c) {
        try {
            return c.call();
        } catch (EngineException e) {
            throw new CliException(e.verdict() == Verdict.OK ? 1 : e.verdict().exitCode(), e.getMessage(), e);
        }
    }
}
