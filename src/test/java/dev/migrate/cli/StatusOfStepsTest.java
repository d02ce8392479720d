package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate status} of plans with steps anchored on other phases, and of plans without a lower-ttl
 * phase, on the zone-file provider: what it says is what apply will do.
 */
class StatusOfStepsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    Path plan(String head, String phases) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("zones/example.org.zone"), """
                $ORIGIN example.org.
                $TTL 300
                @     IN SOA ns1.example.org. hostmaster.example.org. 1 7200 900 1209600 300
                @     IN NS  ns1.example.org.
                ns1   IN A   192.0.2.53
                @     IN MX  10 mail.example.org.
                www   IN A   203.0.113.10
                """);
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, """
                name: status-steps
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.org]
                ttl: { lowered: 300 }
                """ + head + phases);
        return p;
    }

    static Run ok(String... args) {
        Run r = migrate(args);
        assertThat(r.code()).as("%s:%n%s", List.of(args), r.all()).isZero();
        return r;
    }

    @Test
    void aPhaseAnchoredOnAnotherIsDueAtThatPhasesActualFinishNotAtItsPlannedInstant() throws Exception {
        Path plan = plan("", """
                phases:
                  - { id: hold,      at: T,       action: swap,
                      changes: [ { name: "@", type: MX, from: ["10 mail.example.org."], to: ["10 hold.example.org."] } ] }
                  - { id: hold-live, at: hold+1m, action: confirm }
                  - { id: open,      at: hold-live+ttl, action: swap,
                      changes: [ { name: "@", type: MX, from: ["10 hold.example.org."], to: ["10 mx2.example.org."] } ] }
                """);
        // hold runs 30 minutes late: hold-live is due a minute after it really finished, open after that
        ok("apply", plan.toString(), "--now", "2026-12-01T02:30:00Z");
        Run s = ok("status", plan.toString(), "--now", "2026-12-01T02:30:10Z");
        assertThat(s.out()).containsPattern("hold-live\\s+confirm\\s+pending\\s+at 2026-12-01T02:31:00Z \\(in 50s\\)")
                .containsPattern("open\\s+swap\\s+pending\\s+at 2026-12-01T02:36:00Z \\(in 5m 50s, expected")
                .contains("next: hold-live at 2026-12-01T02:31:00Z");
        JsonNode j = JSON.readTree(ok("status", plan.toString(), "--now", "2026-12-01T02:30:10Z", "--output", "json").out());
        assertThat(j.get("phases").get(1).get("state").asText()).isEqualTo("pending");
        assertThat(j.get("phases").get(1).get("at").asText()).isEqualTo("2026-12-01T02:31:00Z");
        // a minute later it is due, and apply runs it
        Run due = ok("status", plan.toString(), "--now", "2026-12-01T02:31:00Z");
        assertThat(due.out()).containsPattern("hold-live\\s+confirm\\s+due\\s+at 2026-12-01T02:31:00Z");
    }

    @Test
    void withoutALowerTtlPhaseStatusDoesNotWaitForOne() throws Exception {
        Path plan = plan("""
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                """, """
                phases:
                  - { id: swap,    at: T,    action: swap }
                  - { id: confirm, at: T+5m, action: confirm }
                """);
        Run s = ok("status", plan.toString(), "--now", "2026-11-30T00:00:00Z");
        assertThat(s.out()).doesNotContain("lower-ttl").doesNotContain("earliest safe swap: known once")
                .contains("earliest safe swap: at its time (the plan lowers no TTLs first)");
        Run p = ok("plan", plan.toString(), "--now", "2026-11-30T00:00:00Z");
        assertThat(p.out()).contains("earliest safe swap    any time (no TTL needs lowering)");
    }
}
