package dev.migrate.engine;

import static dev.migrate.testing.Cli.migrate;

import dev.migrate.testing.Cli.Run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate rehearse} on the example plan: a clean run, each fault option with its documented outcome,
 * and the rehearsal's record of changes against what apply does to the zone-file provider.
 */
class RehearsalTest {
    static final Path PROJECT = Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath();
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static JsonNode json(Run r) throws IOException {
        return JSON.readTree(r.out());
    }

    /** A copy of plans/ so that nothing a test does can touch the project's example. */
    Path examplePlan() throws IOException {
        Path dir = tmp.resolve("plans");
        try (Stream<Path> s = Files.walk(PROJECT.resolve("plans"))) {
            for (Path p : s.toList()) {
                Path to = dir.resolve(PROJECT.resolve("plans").relativize(p).toString());
                if (Files.isDirectory(p)) Files.createDirectories(to);
                else Files.copy(p, to);
            }
        }
        return dir.resolve("example.yaml");
    }

    @Test
    void theExamplePlanRehearsesCleanlyAndLeavesTheRealZoneFileAlone() throws IOException {
        Path plan = examplePlan();
        byte[] before = Files.readAllBytes(plan.resolveSibling("zones/example.com.zone"));
        Run r = migrate("rehearse", plan.toString());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("Verdict: the plan rehearsed cleanly")
                .contains("lower-ttl").contains("swap").contains("confirm").contains("restore-ttl")
                .contains("earliest safe swap");
        assertThat(Files.readAllBytes(plan.resolveSibling("zones/example.com.zone"))).isEqualTo(before);
        assertThat(plan.resolveSibling(".migrate")).doesNotExist();

        JsonNode j = json(migrate("rehearse", plan.toString(), "--output", "json"));
        List<String> phases = new ArrayList<>();
        for (JsonNode s : j.get("steps")) {
            assertThat(s.get("result").asText()).as(s.toString()).isEqualTo("done");
            phases.add(s.get("phase").asText());
        }
        assertThat(phases).containsExactly("lower-ttl", "verify", "swap", "confirm", "restore-ttl");
        assertThat(j.get("actualSwap").asText()).isEqualTo(j.get("plannedSwap").asText());
    }

    @Test
    void aFailingCheckStopsBeforeTheSwapWithExitThree() throws IOException {
        Path plan = examplePlan();
        Run r = migrate("rehearse", plan.toString(), "--fail-check", "web", "--output", "json");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
        JsonNode j = json(r);
        JsonNode last = j.get("steps").get(j.get("steps").size() - 1);
        assertThat(last.get("phase").asText()).isEqualTo("verify");
        assertThat(last.get("result").asText()).isEqualTo("failed");
        assertThat(last.get("message").asText()).contains("web");
        for (JsonNode s : j.get("steps")) assertThat(s.get("phase").asText()).isNotEqualTo("swap");
        // Only lower-ttl wrote anything.
        assertThat(j.get("writes")).hasSize(1);
        assertThat(j.get("actualSwap").isNull()).isTrue();
    }

    @Test
    void aLaggingServerFailsConfirmByNameAndTheSwapIsRolledBack() throws IOException {
        Path plan = examplePlan();
        Run r = migrate("rehearse", plan.toString(), "--lagging-server", "--output", "json");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(3);
        JsonNode j = json(r);
        JsonNode last = j.get("steps").get(j.get("steps").size() - 1);
        assertThat(last.get("phase").asText()).isEqualTo("confirm");
        assertThat(last.get("result").asText()).isEqualTo("rolled back");
        assertThat(last.get("message").asText()).contains("sandbox-secondary-1");
        // Confirm waited until its deadline (30m) in virtual time.
        Duration waited = Duration.between(Instant.parse(last.get("at").asText()), Instant.parse(last.get("finishedAt").asText()));
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
        // The rollback took back the swap only: the lowering stays, so a retry needs no new 72 hours (issue 11).
        int writes = j.get("writes").size();
        assertThat(writes).isEqualTo(3); // lower-ttl, swap, undo swap
        JsonNode swap = j.get("writes").get(1).get("changes");
        JsonNode undoSwap = j.get("writes").get(2).get("changes");
        assertThat(undoSwap).hasSize(swap.size());
        for (JsonNode c : undoSwap) {
            if (!c.get("after").isNull()) assertThat(c.get("after").get("ttl").asLong()).as(c.toString()).isEqualTo(300);
        }
        assertThat(last.get("message").asText()).contains("at the lowered TTL (300 s)").contains("restore-ttl at");
    }

    @Test
    void aLateLoweringPushesTheSwapPastItsPlannedTimeAndTheRehearsalSaysUnsafe() throws IOException {
        Path plan = examplePlan();
        Run r = migrate("rehearse", plan.toString(), "--late", "lower-ttl=70h", "--output", "json");
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(4);
        JsonNode j = json(r);
        Instant planned = Instant.parse(j.get("plannedSwap").asText());
        Instant actual = Instant.parse(j.get("actualSwap").asText());
        Instant earliest = Instant.parse(j.get("earliestSafeSwap").asText());
        assertThat(actual).isAfter(planned).isEqualTo(earliest);
        // lowered at T-2h; the largest original TTL is 14400 s (mail, smtp, imap) and the margin 10% of it.
        Instant loweredAt = planned.minus(Duration.ofHours(2));
        assertThat(earliest).isAfterOrEqualTo(loweredAt.plusSeconds(14400 + 1440));
        assertThat(j.get("notes").toString()).contains("blocked");
        List<String> results = new ArrayList<>();
        j.get("steps").forEach(s -> results.add(s.get("phase").asText() + ":" + s.get("result").asText()));
        assertThat(results).contains("swap:blocked", "swap:done", "restore-ttl:done");
    }

    @Test
    void theRehearsalWritesWhatApplyWritesToZoneFilesAtTheSameInstants() throws IOException {
        Path plan = examplePlan();
        // The example's checks point at real servers; this comparison is about DNS changes, so drop them.
        List<String> kept = Files.readAllLines(plan).stream()
                .filter(l -> !l.startsWith("checks:") && !l.contains(" http: ") && !l.contains(" tcp: "))
                .map(l -> l.replace(", checks: [web, smtp]", "")).toList();
        Files.write(plan, kept);
        assertThat(String.join("\n", kept)).doesNotContain("connectTo").contains("action: verify");
        JsonNode j = json(migrate("rehearse", plan.toString(), "--output", "json"));
        assertThat(j.get("exitCode").asInt()).isZero();
        Set<String> instants = new LinkedHashSet<>();
        j.get("steps").forEach(s -> instants.add(s.get("at").asText()));
        for (String at : instants) {
            Run a = migrate("apply", plan.toString(), "--now", at);
            assertThat(a.code()).as(a.out() + a.err()).isZero();
        }
        List<String> rehearsed = new ArrayList<>();
        for (JsonNode w : j.get("writes")) for (JsonNode c : w.get("changes")) rehearsed.add(canon(c));
        List<String> applied = new ArrayList<>();
        for (String line : Files.readAllLines(plan.resolveSibling(".migrate/example-web-and-mail/journal.jsonl"))) {
            JsonNode e = JSON.readTree(line);
            if (!e.get("event").asText().equals("intent")) continue;
            for (JsonNode c : e.get("changes")) applied.add(canon(c));
        }
        assertThat(rehearsed).isNotEmpty().containsExactlyElementsOf(applied);
    }

    private static String canon(JsonNode c) {
        return c.get("name").asText() + " " + c.get("type").asText() + " " + c.get("before") + " -> " + c.get("after");
    }
}
