package dev.migrate.cli;

import dev.migrate.plan.PlanError;
import dev.migrate.plan.PlanException;
import dev.migrate.provider.ProviderException;
import dev.migrate.secret.Redactor;
import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "migrate", mixinStandardHelpOptions = true, version = "migrate 0.1.0",
        description = "Runs DNS cutovers: lower TTLs, verify, swap, confirm, restore, and roll back from a journal.",
        subcommands = {PlanCommand.class, RehearseCommand.class, ApplyCommand.class, RollbackCommand.class, StatusCommand.class,
                ApproveCommand.class, LogCommand.class, CheckCommand.class, ProvidersCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 fine; 1 runtime failure; 2 invalid plan or usage; 3 a check or confirmation failed;",
                "4 blocked (unsafe, drift, or waiting for an approval); 5 another run holds the lock."})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "say what to do: plan, apply, rollback, status, ...");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean verbose = Arrays.asList(args).contains("--verbose") || Arrays.asList(args).contains("-v");
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("migrate: " + Redactor.global().redact(ex.getMessage()));
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
