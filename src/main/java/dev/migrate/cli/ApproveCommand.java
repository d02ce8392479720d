package dev.migrate.cli;

import dev.migrate.engine.Engine;
import dev.migrate.provider.Providers;
import dev.migrate.state.Event;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Record that PHASE may run. The approval is for this exact plan file: if the file changes,",
                "the phase needs approving again."})
public final class ApproveCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Parameters(index = "1", paramLabel = "PHASE", description = "The phase id to approve.")
    String phase;

    @Option(names = "--by", paramLabel = "WHO", description = "Who approves (default: $USER@hostname).")
    String by;

    @Mixin
    CommonOptions common;

    @Mixin
    StateOptions state;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = common.clock();
        var loaded = plan.load(Providers.discover());
        Engine engine = EngineFactory.journalOnly(loaded, state, clock);
        String who = by != null ? by : defaultApprover();
        Event e = ApplyCommand.run(() -> engine.approve(phase, who));
        out.println("approved " + phase + " by " + who + " at " + e.at()
                + ("false".equals(e.info("required")) ? " (this phase does not require approval)" : ""));
        return ExitCode.OK;
    }

    private static String defaultApprover() {
        String user = System.getenv("USER");
        String host = System.getenv("HOSTNAME");
        if (host == null) {
            try {
                host = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
        }
        return (user == null ? "unknown" : user) + "@" + host;
    }
}
