package dev.migrate.cli;

import dev.migrate.engine.Engine;
import dev.migrate.engine.EngineListener;
import dev.migrate.engine.RunReport;
import dev.migrate.engine.Workspace;
import dev.migrate.provider.Providers;
import dev.migrate.support.Sleeper;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = {"Put back the before-image of every change the journal records, newest first, through the same",
                "journaled path. A record someone else changed since is not overwritten (exit 4) unless --force.",
                "Afterwards apply does nothing until 'migrate apply --restart'."})
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
            RunReport r = ApplyCommand.run(() -> engine.rollback(dryRun, force));
            if (output.json()) out.println(Json.write(RunOutput.json(ws.plan().name(), r, clock.instant())));
            else RunOutput.text(out, err, r, clock.instant(), false, Integer.MAX_VALUE);
            return r.verdict().exitCode();
        }
    }
}
