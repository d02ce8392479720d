package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apply --dry-run} of a plan with two steps on one RRset, on the zone-file provider: it says what apply
 * does, the step gate included (the second step waits for the first one's confirm + the lowered TTL + margin).
 */
class DryRunOfStepsTest {
    @TempDir
    Path dir;

    Path plan() throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("zones/example.org.zone"), """
                $ORIGIN example.org.
                $TTL 3600
                @     IN SOA ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300
                @     IN NS  ns1.example.org.
                ns1   IN A   192.0.2.53
                @     IN MX  10 mail.example.org.
                """);
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, """
                name: dry-steps
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.org]
                ttl: { lowered: 300 }
                phases:
                  - { id: lower-ttl, at: T-72h,   action: lower-ttl }
                  - { id: hold,      at: T,       action: swap,
                      changes: [ { name: "@", type: MX, from: ["10 mail.example.org."], to: ["10 hold.example.org."] } ] }
                  - { id: hold-live, at: hold+1m, action: confirm }
                  - { id: open,      at: hold-live+ttl, action: swap,
                      changes: [ { name: "@", type: MX, from: ["10 hold.example.org."], to: ["10 mx2.example.org."] } ] }
                """);
        return p;
    }

    static Run run(String... args) {
        return migrate(args);
    }

    @Test
    void aDryRunHoldsTheSecondStepWhereApplyDoes() throws Exception {
        Path plan = plan();
        for (String at : List.of("2026-11-28T02:00:00Z", "2026-12-01T02:00:00Z", "2026-12-01T02:01:00Z")) {
            assertThat(run("apply", plan.toString(), "--now", at).code()).isZero();
        }
        // due by the plan at hold-live + 300 s; the gate holds it 5 min more (the margin)
        Run dry = run("apply", plan.toString(), "--now", "2026-12-01T02:06:00Z", "--dry-run");
        Run real = run("apply", plan.toString(), "--now", "2026-12-01T02:06:00Z");
        assertThat(real.code()).as(real.all()).isEqualTo(4);
        assertThat(dry.code()).as(dry.all()).isEqualTo(4);
        assertThat(dry.all()).contains("unsafe until 2026-12-01T02:11:00Z").doesNotContain("would swap");
        Run later = run("apply", plan.toString(), "--now", "2026-12-01T02:11:00Z", "--dry-run");
        assertThat(later.code()).as(later.all()).isZero();
        assertThat(later.out()).contains("open: would run: would swap 1 RRset(s)");
    }
}
