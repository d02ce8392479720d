package dev.migrate.cli;

import dev.migrate.engine.Autopilot;
import dev.migrate.engine.Engine;
import dev.migrate.engine.EngineEvent;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.EngineListener;
import dev.migrate.engine.PhaseResult;
import dev.migrate.engine.RunReport;
import dev.migrate.engine.Verdict;
import dev.migrate.engine.Workspace;
import dev.migrate.provider.Providers;
import dev.migrate.support.Durations;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
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

    @Option(names = "--original-ttl", paramLabel = "SECONDS", description = "The TTL the records had before a lowering"
            + " whose journal was lost (lower-ttl refuses to guess it).")
    Long originalTtl;

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
            EngineListener listener = output.json() || quiet ? EngineListener.SILENT : withLiveLine(out, err);
            boolean terminal = System.console() != null && !output.json();
            Countdown countdown = new Countdown(out, clock, terminal);
            Engine engine = EngineFactory.create(ws, state, clock, Sleeper.REAL, listener);
            if (restart) {
                Engine.Restart r = run(engine::restart);
                if (!quiet) {
                    out.println(r.archivedTo() != null ? "started again; the previous journal is kept as " + r.archivedTo()
                            : "started again from " + r.fromPhase() + " without a new lowering: the lowered TTLs are still"
                                    + " in force, and the journal keeps what was done before");
                }
            }
            if (!waitForAll) return report(ws, out, err, clock.instant(), run(() -> engine.apply(options())));
            return waitLoop(engine, ws, out, err, clock, countdown);
        }
    }

    /** Prints the engine's lines; while propagation is awaited on a terminal, the live line on stderr. */
    private static EngineListener withLiveLine(PrintWriter out, PrintWriter err) {
        ProgressLine live = ProgressLine.forConsole(err);
        return new EngineListener() {
            @Override
            public void event(EngineEvent e) {
                if (live != null) live.done();
                EventText.print(out, e);
            }

            @Override
            public dev.migrate.probe.PropagationCheck.Listener progress() {
                return live != null ? live : dev.migrate.probe.PropagationCheck.Listener.NONE;
            }
        };
    }

    private Engine.Options options() {
        if (originalTtl != null && (originalTtl < 0 || originalTtl > dev.migrate.dns.RRset.MAX_TTL)) {
            throw new CliException(ExitCode.INVALID, "--original-ttl " + originalTtl + ": expected 0.."
                    + dev.migrate.dns.RRset.MAX_TTL + " seconds (RFC 2181 §8)");
        }
        return new Engine.Options(dryRun, phase, force, originalTtl);
    }

    private int report(Workspace ws, PrintWriter out, PrintWriter err, Instant now, RunReport r) {
        if (output.json()) out.println(Json.write(RunOutput.json(ws.plan().name(), r, now)));
        else RunOutput.text(out, err, r, now, quiet, limit, Colour.of(spec));
        return r.verdict().exitCode();
    }

    /**
     * {@code --wait}: the autopilot runs due phases and sleeps until the next one, until the timeline is
     * done or something stops it. A swap held back only by its earliest safe instant (the lowering came
     * late) is not a stop here: the operator asked to wait, so it waits for that instant.
     */
    private int waitLoop(Engine engine, Workspace ws, PrintWriter out, PrintWriter err, Clock clock, Countdown countdown) {
        RunReport last = run(() -> {
            try {
                return new Autopilot(engine, clock, countdown, false).run(new Autopilot.Driver() {
                    @Override
                    public Instant when(dev.migrate.engine.Scheduler.Next next) {
                        return notifyWakeUp(ws.plan(), engine.timeline(), next, clock.instant());
                    }

                    @Override
                    public void waiting(dev.migrate.engine.Scheduler.Next next, Instant at) {
                        countdown.phase = next.id();
                    }

                    @Override
                    public void round(Instant startedAt, RunReport r, boolean held) {
                        if (!held) {
                            report(ws, out, err, clock.instant(), r);
                            return;
                        }
                        List<PhaseResult> ran = r.phases().subList(0, r.phases().size() - 1);
                        PhaseResult waiting = r.phases().get(r.phases().size() - 1);
                        report(ws, out, err, clock.instant(), new RunReport(ran, Verdict.OK, waiting.phase(), r.retryAt(), r.notes()));
                        if (!quiet && !output.json()) out.println(waiting.phase() + ": waiting: " + waiting.message());
                        countdown.phase = waiting.phase();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted");
            }
        });
        return last.verdict().exitCode();
    }

    /**
     * When {@code --wait} runs its next round: the phase's instant, except that a plan with webhooks wakes an
     * hour before its swap, so the round that finds nothing due tells them the swap is coming.
     */
    static Instant notifyWakeUp(dev.migrate.plan.Plan plan, dev.migrate.plan.Timeline timeline,
            dev.migrate.engine.Scheduler.Next next, Instant now) {
        boolean swap = timeline.phase(next.id()).map(p -> p.action() == dev.migrate.plan.Action.SWAP).orElse(false);
        if (plan.notifications().isEmpty() || !swap) return next.at();
        Instant reminder = next.at().minus(dev.migrate.engine.Notice.SWAP_WARNING);
        return now.isBefore(reminder) ? reminder : next.at();
    }

    /** Real sleep; on a terminal, a line counting down to the next phase. */
    private static final class Countdown implements Sleeper {
        private final PrintWriter out;
        private final Clock clock;
        private final boolean terminal;
        String phase = "the next phase";

        Countdown(PrintWriter out, Clock clock, boolean terminal) {
            this.out = out;
            this.clock = clock;
            this.terminal = terminal;
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            if (!terminal) {
                Sleeper.REAL.sleep(d);
                return;
            }
            Instant until = clock.instant().plus(d);
            Duration left = d;
            while (!left.isNegative() && !left.isZero()) {
                out.print("\rwaiting for " + phase + ": " + Durations.human(left) + "   ");
                out.flush();
                Thread.sleep(Math.max(1, Math.min(1000, left.toMillis())));
                left = Duration.between(clock.instant(), until);
            }
            out.print("\r\033[K");
        }
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
