package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.readZone;
import static dev.migrate.engine.EngineFixture.withoutSerial;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.engine.EngineFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A provider move's swap, written to both providers (zone files, both in batches of 20), SIGKILLed in the
 * middle: between the two providers, inside the old one's batches and inside the new one's. Every time the
 * next apply finishes the step at both providers, the two serve the same data, and a rollback takes both
 * back exactly: the old zone to the original, the new one to what the provider held before the copy.
 */
class TwoProviderCrashTest {
    static final int HOSTS = 60;
    static final int BATCH = 20;
    static final String COPY = "2026-11-24T02:00:00Z";
    static final String LOWER = "2026-11-28T02:00:00Z";
    static final String SWAP = "2026-12-01T02:00:00Z";
    static final String CONFIRM = "2026-12-01T02:05:00Z";
    static final String ROLLBACK = "2026-12-01T03:00:00Z";
    static final Duration CHILD_LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path root;

    /** One move in its own directory. */
    final class Case {
        final Path dir;
        final Path plan;
        final Path oldZone;
        final Path newZone;
        final Map<RRsetKey, RRset> original;
        final Map<RRsetKey, RRset> fresh;

        Case(String name) throws IOException {
            dir = Files.createDirectories(root.resolve(name));
            oldZone = Files.createDirectories(dir.resolve("zones")).resolve("example.com.zone");
            newZone = Files.createDirectories(dir.resolve("new-zones")).resolve("example.com.zone");
            Files.writeString(oldZone, oldText());
            Files.writeString(newZone, """
                    $ORIGIN example.com.
                    $TTL 3600
                    @ 3600 IN SOA ns1.new-dns.example. hostmaster.new-dns.example. 2026112401 10800 3600 604800 3600
                    @ 3600 IN NS  ns1.new-dns.example.
                    @ 3600 IN NS  ns2.new-dns.example.
                    """);
            plan = dir.resolve("move.yaml");
            Files.writeString(plan, """
                    name: bulk-provider-move
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones, batchSize: %1$d }
                    zones: [example.com]
                    ttl: { lowered: 60, restore: original }
                    rewrite:
                      - { from: 203.0.113.25, to: 198.51.100.25 }
                    move:
                      to: { type: zonefile, directory: new-zones, batchSize: %1$d }
                      nameservers: [ns1.new-dns.example., ns2.new-dns.example.]
                    phases:
                      - { id: copy,      at: T-7d,  action: copy-zone }
                      - { id: lower-ttl, at: T-72h, action: lower-ttl }
                      - { id: swap,      at: T,     action: swap }
                      - { id: confirm,   at: T+5m,  action: confirm, timeout: 30m }
                    """.formatted(BATCH));
            original = withoutSerial(readZone(oldZone));
            fresh = withoutSerial(readZone(newZone));
        }

        Run apply(String now) {
            return cli("apply", plan.toString(), "--now", now);
        }

        Map<RRsetKey, RRset> old() {
            return withoutSerial(readZone(oldZone));
        }

        Map<RRsetKey, RRset> neu() {
            return withoutSerial(readZone(newZone));
        }

        void killAt(String point, String... args) throws Exception {
            EngineFixture.killAt(dir, point, CHILD_LIMIT, args);
        }

        /** Every intent has exactly one outcome, and names the provider it went to as the test expects. */
        void assertSettled() throws IOException {
            Map<String, Integer> outcomes = new HashMap<>();
            List<String> intents = new ArrayList<>();
            for (JsonNode e : journal(dir.resolve(".migrate/bulk-provider-move"))) {
                String type = e.get("event").asText();
                if (type.equals("intent")) intents.add(e.get("batch").asText());
                if (type.equals("commit") || type.equals("aborted")) outcomes.merge(e.get("batch").asText(), 1, Integer::sum);
            }
            for (String b : intents) assertThat(outcomes.get(b)).as("outcomes of batch %s", b).isEqualTo(1);
        }

        /** How many swap intents went to each provider. */
        Map<String, Long> swapIntents() throws IOException {
            Map<String, Long> out = new TreeMap<>();
            for (JsonNode e : journal(dir.resolve(".migrate/bulk-provider-move"))) {
                if (!e.get("event").asText().equals("intent") || !e.get("phase").asText().equals("swap")) continue;
                String to = e.path("info").path("provider").asText("provider");
                out.merge(to, 1L, Long::sum);
            }
            return out;
        }
    }

    static String oldText() {
        StringBuilder z = new StringBuilder("""
                $ORIGIN example.com.
                $TTL 3600
                @       3600  IN SOA ns1.old-dns.example. hostmaster.example.com. 2026112001 7200 900 1209600 300
                @       86400 IN NS  ns1.old-dns.example.
                @       86400 IN NS  ns2.old-dns.example.
                www     3600  IN A   203.0.113.10
                @       3600  IN TXT "v=spf1 -all"
                """);
        for (int i = 1; i <= HOSTS; i++) z.append("host%03d 3600 IN A 203.0.113.25\n".formatted(i));
        return z.toString();
    }

    /** A zone without its SOA and apex NS: what both providers must hold the same. */
    static Map<RRsetKey, RRset> data(Map<RRsetKey, RRset> z) {
        Map<RRsetKey, RRset> m = new TreeMap<>(z);
        m.keySet().removeIf(k -> k.name().equals("example.com.") && (k.type().equals("SOA") || k.type().equals("NS")));
        return m;
    }

    static boolean moved(RRset s) {
        return s.rdata().contains("203.0.113.25");
    }

    static Map<RRsetKey, RRset> lowered(Map<RRsetKey, RRset> orig) {
        Map<RRsetKey, RRset> m = new TreeMap<>(orig);
        orig.forEach((k, s) -> {
            if (moved(s)) m.put(k, s.withTtl(60));
        });
        return m;
    }

    static Map<RRsetKey, RRset> swapped(Map<RRsetKey, RRset> orig) {
        Map<RRsetKey, RRset> m = new TreeMap<>(orig);
        orig.forEach((k, s) -> {
            if (moved(s)) m.put(k, s.withTtl(60).withData(List.of("198.51.100.25")));
        });
        return m;
    }

    @Test
    void aSwapKilledBetweenOrInsideEitherProvidersBatchesFinishesAtBothAndRollsBothBackExactly() throws Exception {
        int batches = (HOSTS + BATCH - 1) / BATCH; // at each provider
        List<String> points = List.of(
                "after-write#" + batches,           // the old provider done, the new one not begun
                "before-intent#" + (batches + 1),   // the same, before the new provider's first intent
                "after-intent#" + (batches + 2),    // the new provider's second batch journaled, not written
                "zonefile-write-midway#" + (batches + 2),
                "after-write#" + (2 * batches - 1), // the new provider written but for its last batch
                "after-intent#2");                  // inside the old provider's batches
        for (String point : points) {
            Case c = new Case("swap-" + point.replace('#', '-'));
            assertThat(c.apply(COPY).exit()).as("copy").isZero();
            Run lower = c.apply(LOWER);
            assertThat(lower.exit()).as(lower.all()).isZero();
            assertThat(data(c.neu())).as("lowered at both").isEqualTo(data(c.old())).isEqualTo(data(lowered(c.original)));

            c.killAt(point, "apply", c.plan.toString(), "--now", SWAP);

            Run again = c.apply(SWAP);
            assertThat(again.exit()).as("apply after a kill at %s: %s", point, again.all()).isZero();
            assertThat(again.out()).as(point).contains("(at both providers: the old one and move.to)");
            assertThat(data(c.old())).as("old provider after a kill at %s", point).isEqualTo(data(swapped(c.original)));
            assertThat(data(c.neu())).as("the new provider serves what the old one does (killed at %s)", point)
                    .isEqualTo(data(c.old()));
            assertThat(c.swapIntents().get("move.to")).as("the swap's batches at the new provider (killed at %s)", point)
                    .isGreaterThanOrEqualTo((long) batches);
            c.assertSettled();
            Run confirm = c.apply(CONFIRM);
            assertThat(confirm.exit()).as(confirm.all()).isZero();

            Run back = cli("rollback", c.plan.toString(), "--now", ROLLBACK, "--restore-ttl", "now");
            assertThat(back.exit()).as("rollback after a kill at %s: %s", point, back.all()).isZero();
            assertThat(c.old()).as("old zone after rollback, killed at %s", point).isEqualTo(c.original);
            assertThat(c.neu()).as("the copy is gone again (killed at %s)", point).isEqualTo(c.fresh);
            c.assertSettled();
        }
    }
}
