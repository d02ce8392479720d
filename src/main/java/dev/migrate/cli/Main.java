package dev.migrate.cli;

import dev.migrate.plan.PlanError;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.Suggest;
import dev.migrate.provider.ProviderException;
import dev.migrate.secret.Redactor;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Runs DNS cutovers: lower TTLs, verify, swap, confirm, restore, and roll back from a journal.",
        subcommands = {PlanCommand.class, RehearseCommand.class, ApplyCommand.class, RollbackCommand.class, StatusCommand.class,
                ApproveCommand.class, LogCommand.class, CheckCommand.class, ProvidersCommand.class, InitCommand.class, SchemaCommand.class,
                StateCommand.class, CompletionCommand.class, CompletionCommand.Phases.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 fine; 1 runtime failure; 2 invalid plan or usage; 3 a check or confirmation failed;",
                "4 blocked (unsafe, drift, or waiting for an approval); 5 another run holds the lock."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--no-color", scope = CommandLine.ScopeType.INHERIT,
            description = "No colour, even on a terminal (also NO_COLOR).")
    boolean noColor;

    private Colour colour = Colour.NONE;

    Colour colour() {
        return colour;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: plan, apply, rollback, status, ...");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.console() != null));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, false);
    }

    /** @param terminal true when {@code out} is this process's terminal: the only case for colour */
    static int run(String[] args, PrintWriter out, PrintWriter err, boolean terminal) {
        boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
        Main main = new Main();
        main.colour = Colour.decide(terminal, System.getenv(), Arrays.asList(args).contains("--no-color"));
        CommandLine cl = commandLine(main);
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            String unknown = unknownCommand(ex);
            err.println("migrate: " + (unknown != null ? unknown : Redactor.global().redact(ex.getMessage())));
            err.println("Try 'migrate " + (ex.getCommandLine().getCommandName().equals("migrate") ? ""
                    : ex.getCommandLine().getCommandName() + " ") + "--help'.");
            return ExitCode.INVALID;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, err, verbose));
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** The command tree as every caller sees it (the man pages and completion script are written from it). */
    static CommandLine commandLine() {
        return commandLine(new Main());
    }

    private static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        HelpText.install(cl);
        return cl;
    }

    /**
     * "unknown command 'x'; commands are ..." for a first word that names no command (picocli would say
     * "Unmatched argument at index 0"); null for any other usage error.
     */
    private static String unknownCommand(CommandLine.ParameterException ex) {
        if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getCommandLine().getParent() != null) return null;
        List<String> words = u.getUnmatched();
        if (words.isEmpty() || words.get(0).startsWith("-")) return null;
        List<String> commands = new ArrayList<>();
        u.getCommandLine().getSubcommands().forEach((name, sub) -> {
            if (!sub.getCommandSpec().usageMessage().hidden()) commands.add(name);
        });
        String typed = words.get(0);
        return "unknown command '" + Redactor.global().redact(typed) + "'; commands are " + String.join(", ", commands)
                + Suggest.didYouMean(typed, commands);
    }

    /** The version in the jar's manifest (Implementation-Version), or the build's when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"migrate " + version()};
        }

        static String version() {
            String v = Main.class.getPackage().getImplementationVersion();
            if (v != null) return v;
            try (java.io.InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    java.util.Properties p = new java.util.Properties();
                    p.load(in);
                    return p.getProperty("version", "unknown");
                }
            } catch (java.io.IOException e) {
                // fall through
            }
            return "unknown";
        }
    }

    static int report(Exception ex, PrintWriter err, boolean verbose) {
        Redactor r = Redactor.global();
        int code;
        if (ex instanceof CliException c) {
            if (c.getMessage() != null && !c.getMessage().isEmpty()) err.println("migrate: " + r.redact(c.getMessage()));
            code = c.exitCode();
        } else if (ex instanceof PlanException p) {
            for (PlanError e : p.errors()) err.println(r.redact(e.toString()));
            err.println("migrate: the plan has " + p.errors().size() + " error" + (p.errors().size() == 1 ? "" : "s")
                    + "; nothing was done");
            code = ExitCode.INVALID;
        } else if (ex instanceof ProviderException p) {
            err.println("migrate: " + r.redact(p.getMessage()));
            code = p.kind() == ProviderException.Kind.CONFLICT ? ExitCode.BLOCKED : ExitCode.FAILURE;
        } else {
            err.println("migrate: unexpected " + ex.getClass().getSimpleName() + ": " + r.redact(String.valueOf(ex.getMessage()))
                    + (verbose ? "" : " (run with --verbose for details)"));
            code = ExitCode.FAILURE;
        }
        if (verbose) {
            java.io.StringWriter sw = new java.io.StringWriter();
            ex.printStackTrace(new PrintWriter(sw));
            err.println(r.redact(sw.toString()));
        }
        err.flush();
        return code;
    }
}
