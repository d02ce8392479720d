package dev.migrate.cli;

import dev.migrate.engine.Workspace;
import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.Providers;
import java.nio.file.Path;
import java.time.Clock;
import picocli.CommandLine.Parameters;

/** The PLAN positional parameter and how commands turn it into a loaded plan and provider. */
public final class PlanFileOption {
    @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file (YAML).")
    Path planFile;

    /** Loads the plan; each adapter checks its own settings' values there (errors at their line and column). */
    Plan load(Providers providers) throws PlanException {
        return new PlanLoader(providers.all()).load(planFile);
    }

    Workspace open(Providers providers, Clock clock) throws PlanException, ProviderException {
        Plan plan = load(providers);
        return Workspace.open(plan, providers, System::getenv, clock);
    }
}
