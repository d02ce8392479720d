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
        description = {"Record that PHASE may run.",
                "The approval is for this exact plan file: if the file changes, the phase needs approving again."})
public final class ApproveCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Parameters(index = "1", paramLabel = "PHASE", description = "The phase id to approve.")
    String phase;

    @Option(names = "--by", paramLabel = "WHO",
            description = "Who approves (default: $USER@hostname; without $USER the login name, else the uid).")
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
        out.println(Colour.of(spec).good("approved") + " " + phase + " by " + who + " at " + e.at()
                + ("false".equals(e.info("required")) ? " (this phase does not require approval)" : ""));
        return ExitCode.OK;
    }

    private static String defaultApprover() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.nio.file.Files.readString(java.nio.file.Path.of("/etc/hostname")).strip();
            } catch (java.io.IOException e) {
                host = "localhost";
            }
        }
        return approver(System.getenv(), System.getProperty("user.name"), ApproveCommand::uid) + "@" + host;
    }

    /**
     * Who runs this, as the approval records it: {@code $USER}, else the login name ({@code $LOGNAME}, else the
     * account of the process's user id as Java knows it), else {@code uid N}. Never "unknown": an approval
     * that cannot say who gave it is worth little.
     */
    static String approver(java.util.Map<String, String> env, String accountName, java.util.function.IntSupplier uid) {
        for (String v : new String[] {env.get("USER"), env.get("LOGNAME"), accountName}) {
            // Java says "?" when the user id has no account (a container's arbitrary uid).
            if (v != null && !v.isBlank() && !v.equals("?")) return v.strip();
        }
        return "uid " + uid.getAsInt();
    }

    /** The process's user id, from the owner of /proc/self; -1 where there is no such file. */
    private static int uid() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self"), "unix:uid");
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }
}
