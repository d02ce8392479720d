package dev.migrate.cli;

import dev.migrate.plan.PlanSchema;
import dev.migrate.provider.Providers;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code migrate schema}: the JSON Schema of plan files, with the provider blocks of the adapters installed
 * here. Save it and point a YAML editor at it with the first line of a plan:
 * {@code # yaml-language-server: $schema=plan.schema.json}.
 */
@Command(name = "schema", mixinStandardHelpOptions = true,
        description = {"Print the JSON Schema (draft-07) of plan files, for YAML editors.",
                "Save it (migrate schema > plan.schema.json) and start a plan with the line",
                "'# yaml-language-server: $schema=plan.schema.json' to get completion and checks as you type.",
                "The plan loader stays the judge: 'migrate plan' checks what a schema cannot (record data, references)."})
public final class SchemaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(PlanSchema.text(Providers.discover().keysByType()));
        spec.commandLine().getOut().flush();
        return ExitCode.OK;
    }
}
