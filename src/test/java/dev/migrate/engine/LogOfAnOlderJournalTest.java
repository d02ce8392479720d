package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.engine.EngineFixture.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate log} reads a journal written by migrate 0.1.0 (the fixture OlderJournalTest uses), which
 * has none of the newer lines (checks, serials, commands, notifications), without the lock, and leaves
 * the journal as it was.
 */
class LogOfAnOlderJournalTest {
    @TempDir
    Path dir;

    @Test
    void theLogOfA010JournalShowsItsPhasesChangesAndApproval() throws Exception {
        Path fixture = EngineFixture.projectDir().resolve("src/test/resources/fixtures/journal-0.1.0");
        Files.copy(fixture.resolve("web.yaml"), dir.resolve("web.yaml"));
        Path state = Files.createDirectories(dir.resolve(".migrate/web-and-mail"));
        Files.copy(fixture.resolve("journal.jsonl"), state.resolve("journal.jsonl"));
        String before = Files.readString(state.resolve("journal.jsonl"));
        Path plan = dir.resolve("web.yaml");

        Run text = cli("log", plan.toString(), "-v");
        assertThat(text.exit()).as(text.all()).isZero();
        assertThat(text.out()).contains("11 journal lines",
                "2026-11-28T02:00:00Z  lower-ttl (lower-ttl, scheduled 2026-11-28T02:00:00Z): done",
                "earliest safe swap 2026-11-28T06:24:00Z", "2026-11-29T10:00:00Z  verify: approved by alice",
                "2026-12-01T02:00:00Z  swap (swap, scheduled 2026-12-01T02:00:00Z): done",
                "before  TTL 300  203.0.113.10", "after   TTL 300  198.51.100.20");

        JsonNode json = EngineFixture.JSON.readTree(cli("log", plan.toString(), "--output", "json").out());
        assertThat(json.path("lines").asInt()).isEqualTo(11);
        assertThat(json.path("history")).extracting(i -> i.path("kind").asText() + " " + i.path("phase").asText())
                .containsExactly("phase lower-ttl", "approval verify", "phase verify", "phase swap");
        JsonNode swap = json.path("history").get(3);
        assertThat(swap.path("result").asText()).isEqualTo("done");
        assertThat(swap.path("batches").get(0).path("status").asText()).isEqualTo("committed");
        assertThat(swap.path("batches").get(0).path("changes").get(0).path("after").path("rdata").get(0).asText())
                .isEqualTo("198.51.100.20");
        assertThat(json.path("history").get(0).path("safeSwap").path("maxOriginalTtl").asLong()).isEqualTo(14400);
        assertThat(Files.readString(state.resolve("journal.jsonl"))).isEqualTo(before);
        assertThat(state.resolve("lock")).doesNotExist();
    }
}
