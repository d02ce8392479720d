package dev.migrate.cli;

import dev.migrate.engine.Workspace;
import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.Providers;
import java.nio.file.Path;
import java.time.Clock;
import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The PLAN positional parameter and how commands turn it into a loaded plan and provider. */
public final class PlanFileOption {
    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    /** The command this option belongs to: its stderr is where a provider's instructions to the operator go. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** Loads the plan; each adapter checks its own settings' values there (errors at their line and column). */
    Plan load(Providers providers) throws PlanException {
        return new PlanLoader(providers.all()).load(planFile);
    }

    Workspace open(Providers providers, Clock clock) throws PlanException, ProviderException {
        Plan plan = load(providers);
        return Workspace.open(plan, providers, System::getenv, clock, operator());
    }

    /**
     * Instructions for the operator (the manual provider's "set these records"), on the command's standard
     * error: never mixed into JSON output, and seen on a terminal and in cron mail.
     */
    Consumer<String> operator() {
        PrintWriter err = command == null ? null : command.commandLine().getErr();
        if (err == null) return dev.migrate.provider.ProviderConfig.STDERR;
        return text -> {
            err.println(text);
            err.flush();
        };
    }
}
