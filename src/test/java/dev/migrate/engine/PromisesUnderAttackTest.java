package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.count;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.journalLines;
import static dev.migrate.engine.EngineFixture.key;
import static dev.migrate.engine.EngineFixture.readZone;
import static dev.migrate.engine.EngineFixture.withoutSerial;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineFixture.Finished;
import dev.migrate.engine.EngineFixture.Run;
import dev.migrate.provider.zonefile.ZoneFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's promises tried the way a hostile user or an unlucky operator would break them (issue 17):
 * a lost or second journal, a state directory replaced under a run, someone else's change between the
 * lowering and the swap, a batch that landed in part, a damaged journal. Real zone files and real child
 * processes throughout; each case prints how many variants it tried.
 */
class PromisesUnderAttackTest {
    static final String LOWER = "2026-11-28T02:00:00Z";
    static final String VERIFY = "2026-11-30T02:00:00Z";
    static final String SWAP = "2026-12-01T02:00:00Z";
    static final String CONFIRM = "2026-12-01T02:05:00Z";
    static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    Path plan;
    Path zoneFile;
    Path stateDir;
    ZoneSnapshot original;

    @BeforeEach
    void setUp() throws IOException {
        zoneFile = EngineFixture.copyExampleZone(dir);
        original = readZone(zoneFile);
        plan = writePlan(dir, "zones", "");
        stateDir = dir.resolve(".migrate/attacked");
    }

    static Path writePlan(Path where, String zoneDir, String changeFrom) throws IOException {
        Path p = where.resolve("web.yaml");
        Files.writeString(p, """
                name: attacked
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: %s }
                zones: [example.com]
                ttl: { lowered: 300, restore: original }
                changes:
                  - { name: www, type: A,%s to: [198.51.100.20] }
                  - { name: "@", type: TXT, to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: verify,      at: T-24h, action: verify }
                  - { id: swap,        at: T,     action: swap }
                  - { id: confirm,     at: T+5m,  action: confirm }
                  - { id: restore-ttl, at: T+24h, action: restore-ttl }
                """.formatted(zoneDir, changeFrom));
        return p;
    }

    Run apply(String now, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", plan.toString(), "--now", now));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    static void deleteTree(Path d) throws IOException {
        if (!Files.exists(d)) return;
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    RRset www() {
        return readZone(zoneFile).get(key("www.example.com.", "A"));
    }

    // ---------------------------------------------------------------- the safety gate without its journal

    @Nested
    class LostJournal {
        void assertRefusesToGuessTheOriginal(Run r, String variant) {
            assertThat(r.exit()).as("%s: %s", variant, r.all()).isEqualTo(4);
            assertThat(r.err()).as(variant).contains("already has the lowered TTL 300").contains("records no lowering")
                    .contains("--original-ttl");
            assertThat(count(journalOf(stateDir), "phase-started", "swap")).as(variant).isZero();
        }

        List<JsonNode> journalOf(Path sd) {
            try {
                return journal(sd);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        @Test
        void aLoweringWhoseJournalIsGoneIsNeverTakenAsTheOriginalTtl() throws Exception {
            int variants = 0;
            assertThat(apply(LOWER).exit()).isZero();
            assertThat(www().ttl()).isEqualTo(300);

            // 1. the journal deleted: the same plan, ten minutes later
            deleteTree(stateDir);
            assertRefusesToGuessTheOriginal(apply("2026-11-28T02:10:00Z"), "journal deleted");
            variants++;
            // and the swap, asked for directly, cannot skip the lowering
            Run swap = apply("2026-11-28T02:11:00Z", "--phase", "swap");
            assertThat(swap.exit()).as(swap.all()).isEqualTo(4);
            assertThat(www().rdata()).containsExactly("203.0.113.10");
            variants++;

            // 2. a truncated journal: only its first line survived
            deleteTree(stateDir);
            Files.createDirectories(stateDir);
            Files.writeString(stateDir.resolve("journal.jsonl"), "{\"seq\":1,\"at\":\"" + LOWER + "\",\"event\":"
                    + "\"phase-started\",\"phase\":\"lower-ttl\",\"info\":{\"action\":\"lower-ttl\",\"scheduledAt\":\"" + LOWER
                    + "\"}}\n");
            assertRefusesToGuessTheOriginal(apply("2026-11-28T02:12:00Z"), "truncated journal");
            variants++;

            // 3. a second copy of the plan with its own state directory, over the same zone files
            Path copy = Files.createDirectories(dir.resolve("copy"));
            Path copyPlan = writePlan(copy, "../zones", "");
            Run second = cli("apply", copyPlan.toString(), "--now", "2026-11-28T02:13:00Z");
            assertThat(second.exit()).as(second.all()).isEqualTo(4);
            assertThat(second.err()).contains("records no lowering");
            variants++;

            // 4. another state directory named on the command line
            Run other = cli("apply", plan.toString(), "--now", "2026-11-28T02:14:00Z", "--state-dir",
                    dir.resolve("elsewhere").toString());
            assertThat(other.exit()).as(other.all()).isEqualTo(4);
            variants++;

            // 5. the operator says what the original was: the swap then waits for it
            deleteTree(stateDir);
            Run told = apply("2026-11-28T02:15:00Z", "--original-ttl", "14400");
            assertThat(told.exit()).as(told.all()).isZero();
            assertThat(told.out()).contains("earliest safe swap 2026-11-28T06:39:00Z"); // + 14400 s + 24m margin
            Run early = apply("2026-11-28T02:25:00Z", "--phase", "verify");
            assertThat(early.exit()).as(early.all()).isZero();
            Run held = apply("2026-11-28T02:26:00Z", "--phase", "swap");
            assertThat(held.exit()).as(held.all()).isEqualTo(4);
            assertThat(held.err()).contains("unsafe until 2026-11-28T06:39:00Z");
            assertThat(www().rdata()).containsExactly("203.0.113.10");
            variants++;
            System.out.println("LostJournal: " + variants + " variants");
        }

        @Test
        void aZoneServedAtTheLoweredTtlThroughoutIsSimplyAlreadyLow() throws Exception {
            String low = Files.readString(zoneFile).replaceAll("(?m)^(\\S+\\s+)(3600|14400|86400)(\\s)", "$1300$3")
                    .replace("$TTL 3600", "$TTL 300");
            Files.writeString(zoneFile, low);
            Run r = apply(LOWER);
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.out()).contains("lower-ttl: done");
        }
    }

    // ---------------------------------------------------------------- the lock when the directory goes

    @Nested
    class StateDirectoryReplaced {
        @Test
        void aRunWhoseStateDirectoryWasReplacedStopsBeforeTouchingDnsAgain() throws Exception {
            int variants = 0;
            for (String point : List.of("before-intent#1", "after-intent#1")) {
                EngineFixture.copyExampleZone(dir.resolve("case-" + variants));
                Path caseDir = dir.resolve("case-" + variants);
                Path p = writePlan(caseDir, "zones", "");
                Path sd = caseDir.resolve(".migrate/attacked");
                Path pause = caseDir.resolve("paused");
                Process first = EngineFixture.start(EngineFixture.child(caseDir,
                        Map.of("MIGRATE_PAUSE_AT", point, "MIGRATE_PAUSE_FILE", pause.toString()),
                        List.of("apply", p.toString(), "--now", LOWER)), caseDir, "first");
                try {
                    assertThat(EngineFixture.awaitPause(first, pause, LIMIT)).isTrue();
                    deleteTree(sd);
                    // a second run finds no lock file and no journal: it takes a new lock and does the lowering
                    Run second = cli("apply", p.toString(), "--now", LOWER);
                    assertThat(second.exit()).as("%s: %s", point, second.all()).isZero();
                    Path zone = caseDir.resolve("zones/example.com.zone");
                    byte[] afterSecond = Files.readAllBytes(zone);
                    int lines = journalLines(sd).size();

                    Files.delete(pause);
                    Finished f = EngineFixture.await(first, caseDir, "first", LIMIT);
                    assertThat(f.exit()).as("%s: %s%s", point, f.out(), f.err()).isEqualTo(1);
                    assertThat(f.err()).contains("was replaced while this run held its lock").contains("before touching DNS again");
                    assertThat(Files.readAllBytes(zone)).as("%s: the first run wrote nothing more", point).isEqualTo(afterSecond);
                    assertThat(journalLines(sd)).as("%s: nothing of the first run in the new journal", point).hasSize(lines);
                    assertThat(count(journal(sd), "phase-started", "lower-ttl")).isEqualTo(1);
                } finally {
                    if (first.isAlive()) first.destroyForcibly();
                }
                variants++;
            }
            System.out.println("StateDirectoryReplaced: " + variants + " variants");
        }
    }

    // ---------------------------------------------------------------- someone else's change before the swap

    @Nested
    class ForeignChangeBeforeTheSwap {
        /** A change made by hand to the zone file, as another tool or person would. */
        void edit(RRsetKey k, RRset replacement) throws IOException {
            ZoneSnapshot z = readZone(zoneFile);
            ZoneFiles.writeAtomically(zoneFile, z.with(List.of(new RRsetChange("example.com.", k, z.get(k), replacement))));
        }

        @Test
        void aTargetChangedSinceTheLoweringIsNeverOverwrittenEvenWithoutFrom() throws Exception {
            int variants = 0;
            RRsetKey www = key("www.example.com.", "A");
            Map<String, RRset> cases = new LinkedHashMap<>();
            cases.put("other data", new RRset("www.example.com.", "A", 300, List.of("192.0.2.99")));
            cases.put("TTL only", new RRset("www.example.com.", "A", 3600, List.of("203.0.113.10")));
            cases.put("deleted", null);
            cases.put("one more record", new RRset("www.example.com.", "A", 300, List.of("203.0.113.10", "192.0.2.98")));
            for (Map.Entry<String, RRset> c : cases.entrySet()) {
                deleteTree(stateDir);
                Files.copy(EngineFixture.projectDir().resolve("plans/zones/example.com.zone"), zoneFile,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertThat(apply(LOWER).exit()).isZero();
                assertThat(apply(VERIFY).exit()).isZero();
                edit(www, c.getValue());
                byte[] edited = Files.readAllBytes(zoneFile);
                Run swap = apply(SWAP);
                assertThat(swap.exit()).as("%s: %s", c.getKey(), swap.all()).isEqualTo(4);
                assertThat(swap.err()).as(c.getKey()).contains("changed by someone else").contains("www.example.com. A");
                assertThat(Files.readAllBytes(zoneFile)).as("%s: nothing overwritten", c.getKey()).isEqualTo(edited);
                variants++;
            }
            // put back exactly what the tool wrote: the swap goes on
            edit(www, new RRset("www.example.com.", "A", 300, List.of("203.0.113.10")));
            Run swap = apply(SWAP);
            assertThat(swap.exit()).as(swap.all()).isZero();
            assertThat(www().rdata()).containsExactly("198.51.100.20");
            variants++;
            System.out.println("ForeignChangeBeforeTheSwap: " + variants + " variants");
        }
    }

    // ---------------------------------------------------------------- a batch that landed in part

    @Nested
    class BatchLandedInPart {
        /** Kills a swap after its intent is journaled (nothing written), then applies {@code landed} of its changes by hand. */
        List<RRsetChange> swapKilledAfterIntentWith(int landed, boolean oneInNeither) throws Exception {
            assertThat(apply(LOWER).exit()).isZero();
            assertThat(apply(VERIFY).exit()).isZero();
            Path pause = Files.createTempFile(dir, "paused-" + landed, "");
            Files.delete(pause);
            Process child = EngineFixture.start(EngineFixture.child(dir,
                    Map.of("MIGRATE_PAUSE_AT", "after-intent#1", "MIGRATE_PAUSE_FILE", pause.toString()),
                    List.of("apply", plan.toString(), "--now", SWAP)), dir, "swap-" + landed);
            assertThat(EngineFixture.awaitPause(child, pause, LIMIT)).isTrue();
            child.destroyForcibly();
            child.waitFor();
            Files.deleteIfExists(pause);
            List<JsonNode> events = journal(stateDir);
            JsonNode intent = events.stream().filter(e -> e.path("event").asText().equals("intent")
                    && e.path("phase").asText().equals("swap")).findFirst()
                    .orElseThrow(() -> new AssertionError("no swap intent; child said: "
                            + EngineFixture.read(dir.resolve("swap-" + landed + ".err")) + " / journal: " + events));
            List<RRsetChange> changes = new ArrayList<>();
            ZoneSnapshot z = readZone(zoneFile);
            for (JsonNode c : intent.get("changes")) {
                RRsetKey k = new RRsetKey(c.get("name").asText(), c.get("type").asText());
                changes.add(new RRsetChange("example.com.", k, z.get(k), image(k, c.get("after"))));
            }
            List<RRsetChange> apply = new ArrayList<>(changes.subList(0, landed));
            if (oneInNeither) {
                RRsetChange last = changes.get(changes.size() - 1);
                apply.add(new RRsetChange("example.com.", last.key(), last.before(),
                        new RRset(last.key().name(), last.key().type(), 300, List.of(last.key().type().equals("TXT")
                                ? "\"someone else\"" : "192.0.2.66"))));
            }
            ZoneFiles.writeAtomically(zoneFile, z.with(apply));
            return changes;
        }

        RRset image(RRsetKey k, JsonNode n) {
            if (n == null || n.isNull()) return null;
            List<String> d = new ArrayList<>();
            n.get("rdata").forEach(x -> d.add(x.asText()));
            return new RRset(k.name(), k.type(), n.get("ttl").asLong(), d);
        }

        void resetZone() throws IOException {
            deleteTree(stateDir);
            Files.copy(EngineFixture.projectDir().resolve("plans/zones/example.com.zone"), zoneFile,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }

        @Test
        void applyResumesAndRollbackRestoresExactlyWhateverPartLanded() throws Exception {
            int variants = 0;
            for (int landed : new int[] {0, 1, 2, 4}) {
                for (String then : List.of("apply", "rollback")) {
                    resetZone();
                    List<RRsetChange> changes = swapKilledAfterIntentWith(landed, false);
                    int n = changes.size();
                    Run r = then.equals("apply") ? apply(SWAP)
                            : cli("rollback", plan.toString(), "--now", SWAP, "--restore-ttl", "now");
                    assertThat(r.exit()).as("%d of %d landed, then %s: %s", landed, n, then, r.all()).isZero();
                    String note = landed == 0 ? "recorded as aborted" : landed == n ? "recorded as committed"
                            : landed + " of " + n + " RRsets had landed";
                    assertThat(r.out()).as("%d landed, %s", landed, then).contains(note);
                    if (then.equals("apply")) {
                        for (RRsetChange c : changes) {
                            assertThat(readZone(zoneFile).get(c.key()).rdata()).as("%s after resuming", c.key())
                                    .isEqualTo(c.after().rdata());
                        }
                        Run back = cli("rollback", plan.toString(), "--now", CONFIRM, "--restore-ttl", "now");
                        assertThat(back.exit()).as(back.all()).isZero();
                    }
                    assertThat(withoutSerial(readZone(zoneFile))).as("%d landed, %s, then rolled back", landed, then)
                            .containsExactlyInAnyOrderEntriesOf(withoutSerial(original));
                    assertThat(dev.migrate.state.JournalState.of(dev.migrate.state.Journal.eventsIn(stateDir)).pending())
                            .isEmpty();
                    variants++;
                }
            }
            System.out.println("BatchLandedInPart: " + variants + " variants");
        }

        @Test
        void anRRsetInNeitherImageIsNamedAndNothingElseIsGuessed() throws Exception {
            List<RRsetChange> changes = swapKilledAfterIntentWith(1, true);
            Run r = apply(SWAP);
            assertThat(r.exit()).as(r.all()).isEqualTo(1);
            RRsetChange odd = changes.get(changes.size() - 1);
            assertThat(r.err()).contains("match neither image").contains(odd.key().toString());
            Run back = cli("rollback", plan.toString(), "--now", SWAP);
            assertThat(back.exit()).as(back.all()).isEqualTo(1);
        }
    }

    // ---------------------------------------------------------------- a damaged journal

    @Nested
    class DamagedJournal {
        static final String GOOD1 = "{\"seq\":1,\"at\":\"2026-11-28T02:00:00Z\",\"event\":\"phase-started\",\"phase\":\"lower-ttl\"}";
        static final String GOOD2 = "{\"seq\":2,\"at\":\"2026-11-28T02:00:00Z\",\"event\":\"phase-finished\",\"phase\":\"lower-ttl\"}";

        Run statusWith(byte[] journalBytes) throws IOException {
            Files.createDirectories(stateDir);
            Files.write(stateDir.resolve("journal.jsonl"), journalBytes);
            return cli("status", plan.toString(), "--now", VERIFY);
        }

        @Test
        void aCompleteLineThatIsNoEventIsReportedWithFileAndLineNeverWithAJavaName() throws Exception {
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("not JSON", "{\"seq\":2,\"at\":");
            lines.put("plain text", "hello");
            lines.put("an empty object", "{}");
            lines.put("a list", "[1, 2]");
            lines.put("seq not a number", "{\"seq\":\"two\",\"at\":\"2026-11-28T02:00:00Z\",\"event\":\"x\"}");
            lines.put("at not an instant", "{\"seq\":2,\"at\":\"yesterday\",\"event\":\"x\"}");
            lines.put("seq going back", "{\"seq\":1,\"at\":\"2026-11-28T02:00:00Z\",\"event\":\"x\"}");
            lines.put("a change without rdata", "{\"seq\":2,\"at\":\"2026-11-28T02:00:00Z\",\"event\":\"intent\",\"changes\":"
                    + "[{\"name\":\"www.example.com.\",\"type\":\"A\",\"before\":{\"ttl\":300}}]}");
            int variants = 0;
            for (Map.Entry<String, String> c : lines.entrySet()) {
                for (boolean last : List.of(false, true)) {
                    String text = GOOD1 + "\n" + c.getValue() + "\n" + (last ? "" : GOOD2.replace("\"seq\":2", "\"seq\":3") + "\n");
                    Run r = statusWith(text.getBytes(StandardCharsets.UTF_8));
                    assertThat(r.exit()).as("%s (last=%s): %s", c.getKey(), last, r.all()).isEqualTo(1);
                    assertThat(r.err()).as(c.getKey()).contains("journal.jsonl:2: the journal is damaged")
                            .doesNotContain("Exception").doesNotContain("com.fasterxml").doesNotContain("at dev.migrate");
                    variants++;
                }
            }
            // bad UTF-8 in a complete line
            byte[] bad = (GOOD1 + "\n{\"seq\":2,\"at\":\"2026-11-28T02:00:00Z\",\"event\":\"x\",\"phase\":\"").getBytes(StandardCharsets.UTF_8);
            byte[] withBad = java.util.Arrays.copyOf(bad, bad.length + 4);
            withBad[bad.length] = (byte) 0xC3;
            withBad[bad.length + 1] = (byte) 0x28;
            withBad[bad.length + 2] = '"';
            withBad[bad.length + 3] = '\n';
            Run r = statusWith(withBad);
            assertThat(r.exit()).as(r.all()).isEqualTo(1);
            assertThat(r.err()).contains("journal.jsonl:2").contains("not valid UTF-8");
            variants++;
            // an apply on a damaged journal writes nothing and touches no zone
            byte[] zone = Files.readAllBytes(zoneFile);
            statusWith((GOOD1 + "\nhello\n").getBytes(StandardCharsets.UTF_8));
            Run a = apply(VERIFY);
            assertThat(a.exit()).as(a.all()).isEqualTo(1);
            assertThat(Files.readAllBytes(zoneFile)).isEqualTo(zone);
            assertThat(Files.readString(stateDir.resolve("journal.jsonl"))).isEqualTo(GOOD1 + "\nhello\n");
            variants++;
            System.out.println("DamagedJournal: " + variants + " variants");
        }

        @Test
        void aTornLastLineFromACrashIsStillForgiven() throws Exception {
            Run r = statusWith((GOOD1 + "\n" + GOOD2.substring(0, 30)).getBytes(StandardCharsets.UTF_8));
            assertThat(r.exit()).as(r.all()).isZero();
        }

        @Test
        void aJournalFromAClockFarAheadIsSaidSo() throws Exception {
            Run r = statusWith(("{\"seq\":1,\"at\":\"2099-01-01T00:00:00Z\",\"event\":\"phase-started\",\"phase\":\"lower-ttl\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.out()).contains("later than now");
        }
    }
}
