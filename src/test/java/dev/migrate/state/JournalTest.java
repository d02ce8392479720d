package dev.migrate.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file itself: append-only JSON lines, and what a torn last line (power cut mid-write) does. */
class JournalTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T02:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aTornLastLineIsIgnoredAndTheNextAppendStartsOnAFreshLine() throws Exception {
        Path state = dir.resolve("state");
        Journal j = Journal.open(state, CLOCK);
        j.append(Event.PHASE_STARTED, "swap", Map.of());
        j.append(Event.PHASE_FINISHED, "swap", Map.of());
        Path file = state.resolve("journal.jsonl");
        // the machine lost power while the third line was being written: half a line, no newline
        Files.writeString(file, "{\"seq\":3,\"at\":\"2026-12-01T02:00:00Z\",\"event\":\"phase-sta", StandardOpenOption.APPEND);

        Journal reopened = Journal.open(state, CLOCK);
        assertThat(reopened.events()).hasSize(2);
        Event next = reopened.append(Event.PHASE_STARTED, "confirm", Map.of());
        assertThat(next.seq()).isEqualTo(3);

        // the journal stays readable after more writes: the torn text does not glue onto a later line
        Journal.open(state, CLOCK).append(Event.PHASE_FINISHED, "confirm", Map.of());
        List<Event> events = Journal.eventsIn(state);
        assertThat(events).extracting(Event::type)
                .containsExactly("phase-started", "phase-finished", "phase-started", "phase-finished");
        assertThat(events).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).as("the torn text is gone").hasSize(4);
        for (String l : lines) assertThat(json.readTree(l).get("seq").isNumber()).as(l).isTrue();
    }

    @Test
    void aWholeLastEventMissingOnlyItsNewlineIsKept() throws Exception {
        Path state = dir.resolve("state");
        Journal.open(state, CLOCK).append(Event.PHASE_STARTED, "swap", Map.of());
        Path file = state.resolve("journal.jsonl");
        Files.writeString(file, "{\"seq\":2,\"at\":\"2026-12-01T02:00:00Z\",\"event\":\"phase-finished\",\"phase\":\"swap\"}",
                StandardOpenOption.APPEND);
        Journal.open(state, CLOCK).append(Event.PHASE_STARTED, "confirm", Map.of());
        assertThat(Journal.eventsIn(state)).extracting(Event::type)
                .containsExactly("phase-started", "phase-finished", "phase-started");
        assertThat(Journal.eventsIn(state)).extracting(Event::seq).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aBadLineBeforeTheLastIsReportedAsDamage() throws Exception {
        Path state = dir.resolve("state");
        Journal j = Journal.open(state, CLOCK);
        j.append(Event.PHASE_STARTED, "swap", Map.of());
        Path file = state.resolve("journal.jsonl");
        Files.writeString(file, "not json\n", StandardOpenOption.APPEND);
        j.append(Event.PHASE_FINISHED, "swap", Map.of());
        assertThatThrownBy(() -> Journal.eventsIn(state)).isInstanceOf(IOException.class)
                .hasMessageContaining("journal.jsonl:2").hasMessageContaining("damaged");
    }
}
