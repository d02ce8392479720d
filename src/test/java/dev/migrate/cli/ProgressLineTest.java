package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressLineTest {
    @Test
    void rendersInSyncLaggardsElapsedAndDeadline() {
        String line = ProgressLine.render(3, 4, List.of("ns2.example.com. 192.0.2.2:53 stale: www A TTL 3600, expected 300"),
                Duration.ofSeconds(80), Instant.parse("2026-12-01T02:35:00.123Z"));
        assertThat(line).isEqualTo("in sync 3/4 | waiting for ns2.example.com. 192.0.2.2:53 stale | 1m 20s elapsed"
                + " | deadline 2026-12-01T02:35:00Z");
        String many = ProgressLine.render(0, 5, List.of("a x: 1", "b y: 2", "c z: 3", "d w: 4", "e v: 5"), Duration.ZERO, null);
        assertThat(many).isEqualTo("in sync 0/5 | waiting for a x, b y, c z, +2 more | 0s elapsed");
    }

    @Test
    void redrawsInPlaceAndEndsTheLine() {
        StringWriter w = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(w), 60);
        p.progress(1, 2, List.of("ns2 127.0.0.1:5302 stale: " + "x".repeat(100)), Duration.ofSeconds(5), null);
        p.done();
        assertThat(w.toString()).startsWith("\r\033[Kin sync 1/2").endsWith("...\n".replace("\n", System.lineSeparator()));
        assertThat(w.toString().strip().length()).isLessThan(70);
    }
}
