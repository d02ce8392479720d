package dev.migrate.cli;

import dev.migrate.engine.Engine;
import dev.migrate.engine.EngineListener;
import dev.migrate.engine.RunReport;
import dev.migrate.engine.Workspace;
import dev.migrate.provider.Providers;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
import dev.migrate.support.Durations;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Take the swaps back, newest first, through the same journaled path, keeping the lowered TTLs so a",
                "retry is fast; confirm the old records on every authoritative address (exit 3 if not by the deadline);",
                "the TTLs go back up later (--restore-ttl). A record someone else changed since the tool wrote it is",
                "not overwritten (exit 4) unless --force. Afterwards apply does nothing else until 'migrate apply --restart'."})
public final class RollbackCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    CommonOptions common;

    @Mixin
    OutputOptions output;

    @Mixin
    StateOptions state;

    @Option(names = "--dry-run", description = "Show what would be put back; change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Overwrite records that someone else changed since the tool wrote them.")
    boolean force;

    @Option(names = "--to", paramLabel = "PHASE", description = "Go back to the state right after PHASE: undo only the"
            + " swap steps after it.")
    String to;

    @Option(names = "--restore-ttl", paramLabel = "WHEN", defaultValue = "24h", description = "When the lowered TTLs go"
            + " back up after the revert: a duration (default 24h; apply runs it when due) or 'now'.")
    String restoreTtl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Clock clock = common.clock();
        try (Workspace ws = plan.open(Providers.discover(), clock)) {
            Engine engine = EngineFactory.create(ws, state, clock, Sleeper.REAL,
                    output.json() ? EngineListener.SILENT : e -> EventText.print(out, e));
            Duration restoreAfter;
            try {
                restoreAfter = restoreTtl.trim().equals("now") ? Duration.ZERO : Durations.parse(restoreTtl);
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCode.INVALID, "--restore-ttl: " + e.getMessage() + ", or 'now'");
            }
            RunReport r = ApplyCommand.run(() -> engine.rollback(new Engine.RollbackOptions(dryRun, force, to, restoreAfter)));
            if (output.json()) out.println(Json.write(RunOutput.json(ws.plan().name(), r, clock.instant())));
            else RunOutput.text(out, err, r, clock.instant(), false, Integer.MAX_VALUE, Colour.of(spec));
            return r.verdict().exitCode();
        }
    }
}
