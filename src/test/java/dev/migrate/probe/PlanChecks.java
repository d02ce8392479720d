package dev.migrate.probe;

import dev.migrate.plan.CheckSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.PlanException;
import dev.migrate.plan.PlanLoader;
import dev.migrate.provider.zonefile.ZoneFileProviderFactory;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Checks as an operator writes them: a plan around a {@code checks:} block, loaded by the real loader. */
final class PlanChecks {
    private PlanChecks() {}

    static Plan plan(Path dir, List<String> zones, String checksYaml) {
        String yaml = """
                name: checks
                cutover: 2030-01-10T12:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: %s
                ttl: { lowered: 300 }
                checks:
                %s
                """.formatted(zones, checksYaml.indent(2));
        try {
            return new PlanLoader(Map.of("zonefile", new ZoneFileProviderFactory().keys()))
                    .load(new StringReader(yaml), dir.resolve("plan.yaml"));
        } catch (PlanException e) {
            throw new AssertionError("the plan did not load:\n" + e.getMessage() + "\n" + yaml, e);
        }
    }

    static List<CheckSpec> checks(Path dir, String checksYaml) {
        return plan(dir, List.of("example.test"), checksYaml).checks();
    }
}
