package dev.migrate.cli;

import dev.migrate.provider.Capabilities;
import dev.migrate.provider.ProviderFactory;
import dev.migrate.provider.Providers;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "providers", mixinStandardHelpOptions = true,
        description = "List the installed DNS provider adapters and what each can do.")
public final class ProvidersCommand implements Callable<Integer> {
    @Mixin
    OutputOptions output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Providers providers = Providers.discover();
        if (output.json()) {
            var root = Json.MAPPER.createObjectNode();
            var arr = root.putArray("providers");
            for (ProviderFactory f : providers.all()) {
                Capabilities c = f.capabilities();
                var o = arr.addObject();
                o.put("type", f.type());
                o.put("description", f.description());
                o.put("atomicBatch", c.atomicBatch());
                o.put("compareAndSet", c.compareAndSet());
                o.put("minTtl", c.minTtl());
                o.put("maxTtl", c.maxTtl());
                var types = o.putArray("recordTypes");
                c.recordTypes().stream().sorted().forEach(types::add);
                o.put("meaningfulSerial", c.meaningfulSerial());
                o.put("maxBatch", c.maxBatch());
                var keys = o.putArray("keys");
                f.keys().stream().sorted().forEach(keys::add);
            }
            out.println(Json.write(root));
            return ExitCode.OK;
        }
        for (ProviderFactory f : providers.all()) {
            Capabilities c = f.capabilities();
            out.printf("%-11s %s%n", f.type(), f.description());
            out.printf("            atomic batch: %s; compare-and-set: %s; TTL %d..%d; types: %s; serial meaningful: %s;"
                            + " batch up to %d%n",
                    yes(c.atomicBatch()), c.compareAndSet() ? "yes" : "no (read, compare, write, read back)",
                    c.minTtl(), c.maxTtl(), c.recordTypes().isEmpty() ? "any" : String.join(" ", c.recordTypes().stream().sorted().toList()),
                    yes(c.meaningfulSerial()), c.maxBatch());
            out.printf("            keys: %s%n", String.join(", ", f.keys().stream().sorted().toList()));
        }
        return ExitCode.OK;
    }

    private static String yes(boolean b) {
        return b ? "yes" : "no";
    }
}
