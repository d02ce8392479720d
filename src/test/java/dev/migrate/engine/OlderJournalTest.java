package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.count;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.key;
import static dev.migrate.engine.EngineFixture.readZone;
import static dev.migrate.engine.EngineFixture.withoutSerial;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal written by migrate 0.1.0 (before the engine was split into rooms), stopped right after its
 * swap: today's code reads it, carries the timeline on from it, and rolls back exactly from it. The fixture
 * in src/test/resources/fixtures/journal-0.1.0 was made by that release's jar and is never regenerated.
 */
class OlderJournalTest {
    static final String CONFIRM = "2026-12-01T02:05:00Z";
    static final String RESTORE = "2026-12-02T02:00:00Z";

    @TempDir
    Path dir;
    Path plan;
    Path zoneFile;
    Path stateDir;

    @BeforeEach
    void setUp() throws IOException {
        Path fixture = EngineFixture.projectDir().resolve("src/test/resources/fixtures/journal-0.1.0");
        Files.createDirectories(dir.resolve("zones"));
        Files.copy(fixture.resolve("web.yaml"), dir.resolve("web.yaml"));
        Files.copy(fixture.resolve("zones/example.com.zone"), dir.resolve("zones/example.com.zone"));
        stateDir = Files.createDirectories(dir.resolve(".migrate/web-and-mail"));
        Files.copy(fixture.resolve("journal.jsonl"), stateDir.resolve("journal.jsonl"));
        plan = dir.resolve("web.yaml");
        zoneFile = dir.resolve("zones/example.com.zone");
    }

    static ZoneSnapshot original() {
        return readZone(EngineFixture.projectDir().resolve("plans/zones/example.com.zone"));
    }

    @Test
    void statusReadsTheOlderJournal() throws Exception {
        Run s = cli("status", plan.toString(), "--now", CONFIRM, "--output", "json");
        assertThat(s.exit()).as(s.all()).isZero();
        JsonNode st = EngineFixture.JSON.readTree(s.out());
        assertThat(Stream.of(0, 1, 2).map(i -> st.get("phases").get(i).get("state").asText())).containsOnly("done");
        assertThat(st.get("next").get("id").asText()).isEqualTo("confirm");
        assertThat(st.get("earliestSafeSwap").asText()).isEqualTo("2026-11-28T06:24:00Z");
    }

    @Test
    void applyCarriesTheTimelineOnToTheEnd() throws Exception {
        Run r = cli("apply", plan.toString(), "--now", CONFIRM);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("confirm: done");
        r = cli("apply", plan.toString(), "--now", RESTORE);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("restore-ttl: done").contains("the timeline is complete");
        Map<RRsetKey, RRset> z = withoutSerial(readZone(zoneFile));
        // original TTLs from the older journal's lower-ttl batch, new data from its swap batch
        assertThat(z.get(key("www.example.com.", "A"))).isEqualTo(new RRset("www.example.com.", "A", 3600, List.of("198.51.100.20")));
        assertThat(z.get(key("mail.example.com.", "A"))).isEqualTo(new RRset("mail.example.com.", "A", 14400, List.of("198.51.100.25")));
        assertThat(z.get(key("www.example.com.", "AAAA")).ttl()).isEqualTo(3600);
        List<JsonNode> events = journal(stateDir);
        assertThat(count(events, "phase-finished", "restore-ttl")).isEqualTo(1);
        assertThat(count(events, "intent", null)).isEqualTo(count(events, "commit", null)).isEqualTo(3);
    }

    @Test
    void rollbackFromTheOlderJournalRestoresEveryRRset() throws Exception {
        Run r = cli("rollback", plan.toString(), "--now", CONFIRM);
        assertThat(r.exit()).as(r.all()).isZero();
        // the old data is back at once; the lowered TTLs stay a day (issue 11), then apply puts them back
        Map<RRsetKey, RRset> back = withoutSerial(readZone(zoneFile));
        assertThat(back.get(key("www.example.com.", "A"))).isEqualTo(new RRset("www.example.com.", "A", 300, List.of("203.0.113.10")));
        r = cli("apply", plan.toString(), "--now", RESTORE);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("--restart");
        r = cli("apply", plan.toString(), "--now", "2026-12-02T02:06:00Z");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(withoutSerial(readZone(zoneFile))).containsExactlyInAnyOrderEntriesOf(withoutSerial(original()));
    }
}
