package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code approve} records who approved: never "unknown". */
class ApproverTest {
    @Test
    void userThenLoginNameThenAccountThenUid() {
        assertThat(ApproveCommand.approver(Map.of("USER", "alice", "LOGNAME", "bob"), "carol", () -> 1000)).isEqualTo("alice");
        assertThat(ApproveCommand.approver(Map.of("LOGNAME", "bob"), "carol", () -> 1000)).isEqualTo("bob");
        assertThat(ApproveCommand.approver(Map.of("USER", " "), "carol", () -> 1000)).isEqualTo("carol");
        assertThat(ApproveCommand.approver(Map.of(), "?", () -> 1000)).isEqualTo("uid 1000");
        assertThat(ApproveCommand.approver(Map.of(), null, () -> 0)).isEqualTo("uid 0");
    }

    @Test
    void theJournalRecordsARealIdentity(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.copy(Path.of(System.getProperty("migrate.project.dir", ".")).resolve("plans/zones/example.com.zone"),
                dir.resolve("zones/example.com.zone"));
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: approve-who
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                phases:
                  - { id: swap, at: T, action: swap, approval: required }
                """);
        Cli.Run r = Cli.migrate("approve", plan.toString(), "swap", "--now", "2026-11-30T00:00:00Z");
        assertThat(r.code()).as(r.all()).isZero();
        String who = ApproveCommand.approver(System.getenv(), System.getProperty("user.name"), () -> -1);
        assertThat(r.out()).startsWith("approved swap by " + who + "@").doesNotContain("unknown");
        String journal = Files.readString(dir.resolve(".migrate/approve-who/journal.jsonl"));
        assertThat(journal).contains(who + "@").doesNotContain("unknown@");
    }
}
