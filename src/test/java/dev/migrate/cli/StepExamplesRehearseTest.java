package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.testing.Cli.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three example plans of issue 11 (the mail move, the round robin, the waves) rehearse offline through
 * {@code migrate rehearse}, and the fault options on the waves plan end as the README says: a lagging
 * secondary fails the canary's confirm and takes back the canary alone, a failing check of wave 2 keeps the
 * canary and runs no later wave.
 */
class StepExamplesRehearseTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** A copy of plans/ so that nothing a test does can touch the project's examples. */
    Path plan(String file) throws IOException {
        Path dir = tmp.resolve("plans");
        try (Stream<Path> s = Files.walk(PROJECT.resolve("plans"))) {
            for (Path p : s.toList()) {
                Path to = dir.resolve(PROJECT.resolve("plans").relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        return dir.resolve(file);
    }

    static List<String> phases(JsonNode j, String result) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : j.get("steps")) if (result == null || s.get("result").asText().equals(result)) out.add(s.get("phase").asText());
        return out;
    }

    @ParameterizedTest(name = "{0} rehearses cleanly")
    @ValueSource(strings = {"mail-move.yaml", "round-robin.yaml", "waves.yaml"})
    void eachStepExampleRehearsesCleanly(String file) throws IOException {
        Path plan = plan(file);
        Run r = migrate("rehearse", plan.toString());
        assertThat(r.code()).as(r.all()).isZero();
        assertThat(r.out()).contains("Verdict: the plan rehearsed cleanly");
        JsonNode j = JSON.readTree(migrate("rehearse", plan.toString(), "--output", "json").out());
        assertThat(phases(j, null)).isEqualTo(phases(j, "done")).contains("lower-ttl", "restore-ttl");
        assertThat(plan.resolveSibling(".migrate")).doesNotExist();
    }

    @Test
    void theMailMoveRehearsesBothStepsEachFromThePreviousOnesAfterImage() throws IOException {
        JsonNode j = JSON.readTree(migrate("rehearse", plan("mail-move.yaml").toString(), "--output", "json").out());
        assertThat(phases(j, "done")).containsExactly("lower-ttl", "verify", "hold", "hold-live", "verify-new", "open",
                "open-live", "restore-ttl");
        List<String> mx = new ArrayList<>();
        for (JsonNode w : j.get("writes")) {
            for (JsonNode c : w.get("changes")) {
                mx.add(c.get("before").get("rdata").get(0).asText() + " -> " + c.get("after").get("rdata").get(0).asText()
                        + " TTL " + c.get("after").get("ttl").asLong());
            }
        }
        assertThat(mx).containsExactly("10 mail.example.org. -> 10 mail.example.org. TTL 300",
                "10 mail.example.org. -> 10 hold.example.org. TTL 300",
                "10 hold.example.org. -> 10 mx2.example.org. TTL 300",
                "10 mx2.example.org. -> 10 mx2.example.org. TTL 3600");
    }

    @Test
    void aLaggingSecondaryFailsTheCanarysConfirmTakesBackTheCanaryAloneAndNoLaterWaveRuns() throws IOException {
        Run r = migrate("rehearse", plan("waves.yaml").toString(), "--lagging-server", "--output", "json");
        assertThat(r.code()).as(r.all()).isEqualTo(3);
        JsonNode j = JSON.readTree(r.out());
        assertThat(phases(j, null)).containsExactly("lower-ttl", "verify", "canary", "canary-live");
        JsonNode last = j.get("steps").get(3);
        assertThat(last.get("result").asText()).isEqualTo("rolled back");
        assertThat(last.get("message").asText()).contains("Rolled back canary only", "at the lowered TTL (300 s)",
                "restore-ttl at", "sandbox-secondary-1");
        // lower-ttl (one batch per zone), the canary, and its undo: site1 only, back at the lowered TTL
        JsonNode writes = j.get("writes");
        JsonNode undo = writes.get(writes.size() - 1);
        assertThat(undo.get("zone").asText()).isEqualTo("site1.example.");
        for (JsonNode c : undo.get("changes")) {
            assertThat(c.get("after").get("rdata").get(0).asText()).isEqualTo("203.0.113.10");
            assertThat(c.get("after").get("ttl").asLong()).isEqualTo(300);
        }
        for (JsonNode w : writes) assertThat(w.get("zone").asText()).as("no later wave wrote").isIn(List.of(
                "site1.example.", "site2.example.", "site3.example.", "site4.example.", "site5.example."));
        assertThat(writes).hasSize(5 + 2);
    }

    @Test
    void aFailingCheckOfWaveTwoKeepsTheCanaryAndRunsNoLaterWave() throws IOException {
        Run r = migrate("rehearse", plan("waves.yaml").toString(), "--fail-check", "site@site2.example", "--output", "json");
        assertThat(r.code()).as(r.all()).isEqualTo(3);
        JsonNode j = JSON.readTree(r.out());
        assertThat(phases(j, "done")).containsExactly("lower-ttl", "verify", "canary", "canary-live");
        assertThat(phases(j, "failed")).containsExactly("wave-2-ready");
        assertThat(phases(j, null)).doesNotContain("wave-2", "the-rest");
        JsonNode writes = j.get("writes");
        assertThat(writes).hasSize(5 + 1); // the lowering of five zones, the canary; nothing taken back
        assertThat(writes.get(5).get("zone").asText()).isEqualTo("site1.example.");
    }

    @Test
    void aFailingCheckOfTheCanaryStopsBeforeAnyWave() throws IOException {
        Run r = migrate("rehearse", plan("waves.yaml").toString(), "--fail-check", "site@site1.example");
        assertThat(r.code()).as(r.all()).isEqualTo(3);
        assertThat(r.out()).contains("verify       failed").doesNotContain("canary       done");
    }
}
