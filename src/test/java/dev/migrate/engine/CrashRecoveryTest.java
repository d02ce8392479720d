package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.key;
import static dev.migrate.engine.EngineFixture.readZone;
import static dev.migrate.engine.EngineFixture.withoutSerial;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.engine.EngineFixture.Finished;
import dev.migrate.engine.EngineFixture.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child {@code migrate} writing a change of some 300 RRsets in batches of 40 is SIGKILLed at many
 * points: before an intent is journaled, between intent and write, between write and commit, and in
 * the middle of writing the zone file. Every time, the next {@code apply} finishes the phase with the
 * zone exactly as planned, and {@code rollback} brings back the original zone exactly.
 */
class CrashRecoveryTest {
    static final int HOSTS = 300;
    static final int BATCH = 40;
    static final String LOWER = "2026-11-28T02:00:00Z";
    static final String VERIFY = "2026-11-30T02:00:00Z";
    static final String SWAP = "2026-12-01T02:00:00Z";
    static final String CONFIRM = "2026-12-01T02:05:00Z";
    static final String RESTORE = "2026-12-02T02:00:00Z";
    static final String ROLLBACK = "2026-12-02T03:00:00Z";
    static final Duration CHILD_LIMIT = Duration.ofSeconds(60);

    static int killPointsTried;
    static final List<String> tried = new ArrayList<>();

    @TempDir
    Path root;

    @AfterAll
    static void report() {
        System.out.println("CrashRecoveryTest: tried " + killPointsTried + " kill points: " + String.join(", ", tried));
    }

    /** One migration in its own directory. */
    final class Case {
        final Path dir;
        final Path plan;
        final Path zoneFile;
        final Path stateDir;
        final Map<RRsetKey, RRset> original;

        Case(String name) throws IOException {
            dir = Files.createDirectories(root.resolve(name));
            zoneFile = Files.createDirectories(dir.resolve("zones")).resolve("example.com.zone");
            Files.writeString(zoneFile, zoneText());
            plan = dir.resolve("bulk.yaml");
            Files.writeString(plan, """
                    name: bulk-move
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones, batchSize: %d }
                    zones: [example.com]
                    ttl: { lowered: 60, restore: original }
                    changes:
                      - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                      - { name: api, type: AAAA, to: ["2001:db8:20::20"] }
                    rewrite:
                      - { from: 203.0.113.25, to: 198.51.100.25 }
                    phases:
                      - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                      - { id: verify,      at: T-24h, action: verify }
                      - { id: swap,        at: T,     action: swap }
                      - { id: confirm,     at: T+5m,  action: confirm, timeout: 30m }
                      - { id: restore-ttl, at: T+24h, action: restore-ttl }
                    """.formatted(BATCH) + stateKey(dir));
            stateDir = dir.resolve(".migrate/bulk-move");
            original = withoutSerial(readZone(zoneFile));
        }

        Run apply(String now) {
            return cli("apply", plan.toString(), "--now", now);
        }

        /** A rollback that also puts the TTLs back at once, so the zone is exactly the original afterwards. */
        Run rollback(String now) {
            return cli("rollback", plan.toString(), "--now", now, "--restore-ttl", "now");
        }

        Map<RRsetKey, RRset> zone() {
            return withoutSerial(readZone(zoneFile));
        }

        /** Runs {@code migrate ARGS} in a child JVM that parks at {@code point}, and SIGKILLs it there. */
        void killAt(String point, String... args) throws Exception {
            Path pause = dir.resolve("paused-" + point.replace('#', '-'));
            ProcessBuilder pb = EngineFixture.child(dir, Map.of("MIGRATE_PAUSE_AT", point,
                    "MIGRATE_PAUSE_FILE", pause.toString()), List.of(args));
            Process p = EngineFixture.start(pb, dir, "child-" + point.replace('#', '-'));
            try {
                boolean paused = EngineFixture.awaitPause(p, pause, CHILD_LIMIT);
                if (!paused) {
                    Finished f = EngineFixture.await(p, dir, "child-" + point.replace('#', '-'), CHILD_LIMIT);
                    throw new AssertionError("the child ended (exit " + f.exit() + ") without reaching " + point
                            + ": " + f.out() + f.err());
                }
                EngineFixture.kill9(p);
            } finally {
                if (p.isAlive()) p.destroyForcibly();
            }
            killPointsTried++;
            tried.add(String.join(" ", args[0], point));
        }

        /** Every intent in the journal has exactly one outcome (commit or aborted): nothing is left pending. */
        void assertNothingPending() throws IOException {
            Map<String, Integer> outcomes = new HashMap<>();
            List<String> intents = new ArrayList<>();
            for (JsonNode e : journalOf(this)) {
                String type = e.get("event").asText();
                if (type.equals("intent")) intents.add(e.get("batch").asText());
                if (type.equals("commit") || type.equals("aborted")) outcomes.merge(e.get("batch").asText(), 1, Integer::sum);
            }
            for (String b : intents) assertThat(outcomes.get(b)).as("outcomes of batch %s", b).isEqualTo(1);
        }
    }

    /** A {@code state:} line for a case's plan (none: the directory beside it); another backend overrides it. */
    String stateKey(Path caseDir) throws IOException {
        return "";
    }

    /** The case's journal, one JSON object per event, from wherever its state lives. */
    List<JsonNode> journalOf(Case c) throws IOException {
        return journal(c.stateDir);
    }

    static String zoneText() {
        StringBuilder z = new StringBuilder("""
                ; example.com with many hosts on the old mail/web address 203.0.113.25
                $ORIGIN example.com.
                $TTL 3600
                @       3600  IN SOA ns1.example.com. hostmaster.example.com. 2026112001 7200 900 1209600 300
                @       86400 IN NS  ns1.example.com.
                @       86400 IN NS  ns2.example.net.
                ns1     86400 IN A   203.0.113.53
                www     3600  IN A   203.0.113.10
                legacy  3600  IN A   203.0.113.99
                @       3600  IN TXT "v=spf1 -all"
                """);
        for (int i = 1; i <= HOSTS; i++) {
            String h = "host%03d".formatted(i);
            z.append(h).append(" 3600 IN A 203.0.113.25\n");
            // every tenth host has a second address the rewrite does not touch
            if (i % 10 == 0) z.append(h).append(" 3600 IN A 203.0.113.26\n");
        }
        return z.toString();
    }

    // ---------------------------------------------------------------- expected zones

    static boolean moved(RRsetKey k, RRset s) {
        return k.equals(key("www.example.com.", "A")) || s.rdata().contains("203.0.113.25");
    }

    static Map<RRsetKey, RRset> lowered(Map<RRsetKey, RRset> orig) {
        Map<RRsetKey, RRset> m = new LinkedHashMap<>(orig);
        orig.forEach((k, s) -> {
            if (moved(k, s)) m.put(k, s.withTtl(60));
        });
        return m;
    }

    /** The new data for every moved RRset at the TTL it has in {@code from}, and the new api AAAA. */
    static Map<RRsetKey, RRset> swapped(Map<RRsetKey, RRset> orig, Map<RRsetKey, RRset> from, long apiTtl) {
        Map<RRsetKey, RRset> m = new LinkedHashMap<>(from);
        orig.forEach((k, s) -> {
            if (!moved(k, s)) return;
            List<String> data = new ArrayList<>();
            for (String d : s.rdata()) data.add(d.equals("203.0.113.25") ? "198.51.100.25" : d.equals("203.0.113.10") ? "198.51.100.20" : d);
            m.put(k, from.get(k).withData(data));
        });
        m.put(key("api.example.com.", "AAAA"), new RRset("api.example.com.", "AAAA", apiTtl, List.of("2001:db8:20:0:0:0:0:20")));
        return m;
    }

    /** The swapped zone with the moved RRsets back at their original TTL; api AAAA takes the SOA TTL. */
    static Map<RRsetKey, RRset> restored(Map<RRsetKey, RRset> orig) {
        return swapped(orig, orig, 3600);
    }

    // ---------------------------------------------------------------- the swap, killed

    @Test
    void swapKilledAnywhereFinishesOnTheNextApplyAndRollsBackExactly() throws Exception {
        int batches = (HOSTS + 1 + 1 + BATCH - 1) / BATCH; // 300 hosts, www, api
        List<String> points = new ArrayList<>();
        for (int n : new int[] {1, 2, batches / 2 + 1, batches}) {
            points.add("before-intent#" + n);
            points.add("after-intent#" + n);
            points.add("zonefile-write-midway#" + n);
            points.add("after-write#" + n);
        }
        int before = killPointsTried;
        for (String point : points) {
            Case c = new Case("swap-" + point.replace('#', '-'));
            assertThat(c.apply(LOWER).exit()).isZero();
            assertThat(c.apply(VERIFY).exit()).isZero();
            Map<RRsetKey, RRset> low = lowered(c.original);
            assertThat(c.zone()).containsExactlyInAnyOrderEntriesOf(low);

            c.killAt(point, "apply", c.plan.toString(), "--now", SWAP);

            Run again = c.apply(SWAP);
            assertThat(again.exit()).as("apply after a kill at %s: %s", point, again.all()).isZero();
            if (point.startsWith("after-write")) assertThat(again.out()).as(point).contains("recorded as committed");
            if (point.startsWith("after-intent") || point.startsWith("zonefile-write-midway")) {
                assertThat(again.out()).as(point).contains("recorded as aborted");
            }
            assertThat(c.zone()).as("zone after the swap, killed at %s and resumed", point)
                    .containsExactlyInAnyOrderEntriesOf(swapped(c.original, low, 60));
            try (var files = Files.list(c.zoneFile.getParent())) {
                assertThat(files.map(f -> f.getFileName().toString()))
                        .as("a dead writer's temporary file is cleared by the next write (killed at %s)", point)
                        .containsExactly("example.com.zone");
            }
            c.assertNothingPending();
            List<JsonNode> events = journalOf(c);
            assertThat(EngineFixture.count(events, "phase-finished", "swap")).isEqualTo(1);
            assertThat(EngineFixture.count(events, "intent", "swap")).as("the swap was written in several batches")
                    .isGreaterThanOrEqualTo(batches);

            Run back = c.rollback(ROLLBACK);
            assertThat(back.exit()).as("rollback after a kill at %s: %s", point, back.all()).isZero();
            assertThat(c.zone()).as("zone after rollback, killed at %s", point).containsExactlyInAnyOrderEntriesOf(c.original);
            c.assertNothingPending();
        }
        System.out.println("CrashRecoveryTest: the swap was killed at " + (killPointsTried - before) + " points");
        assertThat(killPointsTried - before).as("kill points tried in the swap").isGreaterThanOrEqualTo(10);
    }

    @Test
    void swapKilledThenRolledBackAtOnceRestoresTheOriginal() throws Exception {
        // the operator's other answer to a crash: no resume, straight back to where it started
        for (String point : List.of("after-intent#3", "zonefile-write-midway#4", "after-write#6")) {
            Case c = new Case("swap-then-rollback-" + point.replace('#', '-'));
            assertThat(c.apply(LOWER).exit()).isZero();
            assertThat(c.apply(VERIFY).exit()).isZero();
            c.killAt(point, "apply", c.plan.toString(), "--now", SWAP);

            Run back = c.rollback(SWAP);
            assertThat(back.exit()).as("rollback after a kill at %s: %s", point, back.all()).isZero();
            assertThat(back.out()).as(point).contains("recovered: batch");
            assertThat(c.zone()).as("zone after rollback, killed at %s", point).containsExactlyInAnyOrderEntriesOf(c.original);
            c.assertNothingPending();
            Run after = c.apply(CONFIRM);
            assertThat(after.exit()).as(after.all()).isZero();
            assertThat(c.zone()).as("apply after the rollback changes nothing").containsExactlyInAnyOrderEntriesOf(c.original);
        }
    }

    // ---------------------------------------------------------------- lower-ttl and restore-ttl, killed

    @Test
    void lowerTtlKilledMidwayResumesAndTheRestOfTheTimelineRuns() throws Exception {
        for (String point : List.of("after-write#3", "zonefile-write-midway#5")) {
            Case c = new Case("lower-" + point.replace('#', '-'));
            c.killAt(point, "apply", c.plan.toString(), "--now", LOWER);
            Run r = c.apply(LOWER);
            assertThat(r.exit()).as(r.all()).isZero();
            Map<RRsetKey, RRset> low = lowered(c.original);
            assertThat(c.zone()).containsExactlyInAnyOrderEntriesOf(low);
            // the safety gate counts the original TTLs the journal recorded before the kill
            Run status = cli("status", c.plan.toString(), "--now", VERIFY, "--output", "json");
            assertThat(EngineFixture.JSON.readTree(status.out()).get("earliestSafeSwap").asText())
                    .isEqualTo("2026-11-28T03:06:00Z"); // + 3600 s + margin max(5m, 10%) = 6 min

            for (String now : List.of(VERIFY, SWAP, CONFIRM, RESTORE)) {
                r = c.apply(now);
                assertThat(r.exit()).as("apply at %s: %s", now, r.all()).isZero();
            }
            assertThat(c.zone()).as("whole timeline after a kill at %s", point)
                    .containsExactlyInAnyOrderEntriesOf(restored(c.original));
            c.assertNothingPending();
            assertThat(c.rollback(ROLLBACK).exit()).isZero();
            assertThat(c.zone()).containsExactlyInAnyOrderEntriesOf(c.original);
        }
    }

    @Test
    void restoreTtlKilledResumes() throws Exception {
        for (String point : List.of("after-intent#2", "after-write#8")) {
            Case c = new Case("restore-" + point.replace('#', '-'));
            for (String now : List.of(LOWER, VERIFY, SWAP, CONFIRM)) assertThat(c.apply(now).exit()).isZero();
            c.killAt(point, "apply", c.plan.toString(), "--now", RESTORE);
            Run r = c.apply(RESTORE);
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(c.zone()).containsExactlyInAnyOrderEntriesOf(restored(c.original));
            c.assertNothingPending();
            assertThat(c.rollback(ROLLBACK).exit()).isZero();
            assertThat(c.zone()).containsExactlyInAnyOrderEntriesOf(c.original);
        }
    }

    // ---------------------------------------------------------------- rollback, killed

    @Test
    void rollbackKilledMidwayFinishesOnTheNextRollback() throws Exception {
        // the rollback takes back the swap's 8 batches of 40 (the lowering stays in force)
        for (String point : List.of("zonefile-write-midway#1", "zonefile-write-midway#4", "zonefile-write-midway#8")) {
            Case c = new Case("rollback-" + point.replace('#', '-'));
            for (String now : List.of(LOWER, VERIFY, SWAP)) assertThat(c.apply(now).exit()).isZero();
            c.killAt(point, "rollback", c.plan.toString(), "--now", ROLLBACK);

            Run r = c.apply(CONFIRM);
            assertThat(r.exit()).as("apply while a rollback is unfinished: %s", r.all()).isEqualTo(4);
            assertThat(r.all()).contains("migrate rollback");

            r = c.rollback(ROLLBACK);
            assertThat(r.exit()).as("rollback after a kill at %s: %s", point, r.all()).isZero();
            assertThat(c.zone()).as("zone after rollback, killed at %s", point).containsExactlyInAnyOrderEntriesOf(c.original);
            c.assertNothingPending();
        }
    }
}
