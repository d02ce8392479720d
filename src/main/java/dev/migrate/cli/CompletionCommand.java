package dev.migrate.cli;

import dev.migrate.plan.PlanLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code migrate generate-completion [bash|zsh]}: the shell completion script. */
@Command(name = "generate-completion", mixinStandardHelpOptions = true,
        description = {"Print the shell completion script for bash (default) or zsh.",
                "It completes commands, options, plan files and the phase ids of the plan on the line.",
                "Load it from ~/.bashrc with: source <(migrate generate-completion)",
                "or from ~/.zshrc with: source <(migrate generate-completion zsh)"})
public final class CompletionCommand implements Callable<Integer> {
    public enum Shell { bash, zsh }

    @Parameters(index = "0", arity = "0..1", paramLabel = "SHELL", defaultValue = "bash",
            description = "bash (default) or zsh.")
    Shell shell = Shell.bash;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(Completion.script(spec.root(), shell.name()));
        out.flush();
        return ExitCode.OK;
    }

    /** The completion script's helper: the phase ids of a plan file, one a line; nothing for a bad file. */
    @Command(name = "complete-phases", hidden = true, description = "Print the phase ids of PLAN, one a line (for completion).")
    public static final class Phases implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLAN", description = "The plan file.")
        Path plan;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PlanLoader.phaseIds(plan).forEach(out::println);
            out.flush();
            return ExitCode.OK;
        }
    }
}
