package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.ZONE;
import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.copyExampleZone;
import static dev.migrate.engine.EngineFixture.count;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.journalLines;
import static dev.migrate.engine.EngineFixture.key;
import static dev.migrate.engine.EngineFixture.readZone;
import static dev.migrate.engine.EngineFixture.withoutSerial;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineFixture.Run;
import dev.migrate.plan.Plan;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.ServiceChecks;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.Providers;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Serial;

/**
 * The whole standard timeline on the zone-file provider, stepped through with {@code --now}, with the
 * zone file read back after every step; then the gates that stop it (safety, drift, approval, order),
 * dry runs, confirm failures, rollback conflicts and starting again.
 */
class EngineTimelineTest {
    static final Instant T = Instant.parse("2026-12-01T02:00:00Z");
    static final String LOWER = "2026-11-28T02:00:00Z"; // T-72h
    static final String VERIFY = "2026-11-30T02:00:00Z"; // T-24h
    static final String SWAP = "2026-12-01T02:00:00Z"; // T
    static final String CONFIRM = "2026-12-01T02:05:00Z"; // T+5m
    static final String RESTORE = "2026-12-02T02:00:00Z"; // T+24h

    /** The seven RRsets the plan moves: four named changes and the three A records the rewrite hits. */
    static final Set<RRsetKey> MOVED = Set.of(key("example.com.", "A"), key("www.example.com.", "A"),
            key("www.example.com.", "AAAA"), key("example.com.", "TXT"), key("mail.example.com.", "A"),
            key("smtp.example.com.", "A"), key("imap.example.com.", "A"));

    @TempDir
    Path dir;
    Path plan;
    Path zoneFile;
    Path stateDir;
    ZoneSnapshot original;

    @BeforeEach
    void setUp() throws IOException {
        zoneFile = copyExampleZone(dir);
        original = readZone(zoneFile);
        plan = writePlan("", ", timeout: 30m");
        stateDir = dir.resolve(".migrate").resolve("web-and-mail");
    }

    Path writePlan(String swapExtra, String confirmExtra) throws IOException {
        String text = """
                # Move www and mail of example.com to the new data centre.
                name: web-and-mail
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300, restore: original }
                changes:
                  - { name: "@",  type: A,    from: [203.0.113.10], to: [198.51.100.20] }
                  - { name: www,  type: A,    from: [203.0.113.10], to: [198.51.100.20] }
                  - { name: www,  type: AAAA, from: ["2001:db8:10::10"], to: ["2001:db8:20::20"] }
                  - { name: "@",  type: TXT,  to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: verify,      at: T-24h, action: verify }
                  - { id: swap,        at: T,     action: swap%s }
                  - { id: confirm,     at: T+5m,  action: confirm%s }
                  - { id: restore-ttl, at: T+24h, action: restore-ttl }
                """.formatted(swapExtra, confirmExtra);
        Path p = dir.resolve("web.yaml");
        Files.writeString(p, text);
        return p;
    }

    Run apply(String now, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", plan.toString(), "--now", now));
        args.addAll(List.of(extra));
        return cli(args.toArray(String[]::new));
    }

    // ---------------------------------------------------------------- expected zones

    /** The original zone with each moved RRset's TTL set to {@code ttl} (data unchanged). */
    Map<RRsetKey, RRset> expectLowered(Map<RRsetKey, RRset> from, long ttl) {
        Map<RRsetKey, RRset> m = new LinkedHashMap<>(from);
        for (RRsetKey k : MOVED) m.put(k, m.get(k).withTtl(ttl));
        return m;
    }

    /** The new data of every moved RRset, at the TTL it has in {@code from}. */
    static Map<RRsetKey, RRset> expectSwapped(Map<RRsetKey, RRset> from) {
        Map<RRsetKey, RRset> m = new LinkedHashMap<>(from);
        swapTo(m, "example.com.", "A", "198.51.100.20");
        swapTo(m, "www.example.com.", "A", "198.51.100.20");
        swapTo(m, "www.example.com.", "AAAA", "2001:db8:20:0:0:0:0:20");
        swapTo(m, "example.com.", "TXT", "\"v=spf1 ip4:198.51.100.25 -all\"");
        swapTo(m, "mail.example.com.", "A", "198.51.100.25");
        swapTo(m, "smtp.example.com.", "A", "198.51.100.25");
        swapTo(m, "imap.example.com.", "A", "198.51.100.25");
        return m;
    }

    private static void swapTo(Map<RRsetKey, RRset> m, String name, String type, String data) {
        RRsetKey k = key(name, type);
        m.put(k, m.get(k).withData(List.of(data)));
    }

    /** Asserts the zone file holds exactly {@code expected} (SOA serial aside) and returns its serial. */
    long assertZone(String step, Map<RRsetKey, RRset> expected) {
        ZoneSnapshot z = readZone(zoneFile);
        Map<RRsetKey, RRset> actual = withoutSerial(z);
        assertThat(actual).as("zone after %s", step).containsExactlyInAnyOrderEntriesOf(expected);
        return z.serial();
    }

    /** Every RRset the plan does not move is exactly as it was before the migration began. */
    void assertUntouched(String step) {
        Map<RRsetKey, RRset> now = withoutSerial(readZone(zoneFile));
        Map<RRsetKey, RRset> before = withoutSerial(original);
        for (RRsetKey k : before.keySet()) {
            if (!MOVED.contains(k)) assertThat(now.get(k)).as("%s after %s", k, step).isEqualTo(before.get(k));
        }
    }

    /** apply again at the same instant: exit 0, nothing printed with --quiet, no new journal line, zone unchanged. */
    void assertIdempotent(String now) throws IOException {
        int lines = journalLines(stateDir).size();
        byte[] zone = Files.readAllBytes(zoneFile);
        Run again = apply(now, "--quiet");
        assertThat(again.exit()).as("second apply at %s: %s", now, again.all()).isZero();
        assertThat(again.out()).as("--quiet stdout").isEmpty();
        assertThat(again.err()).as("--quiet stderr").isEmpty();
        assertThat(journalLines(stateDir)).as("journal after a second apply at " + now).hasSize(lines);
        assertThat(Files.readAllBytes(zoneFile)).as("zone file after a second apply at " + now).isEqualTo(zone);
    }

    static void assertSerialIncreased(long before, long after, String step) {
        assertThat(Serial.compare(after, before)).as("SOA serial %d -> %d at %s (RFC 1982)", before, after, step)
                .isPositive();
    }

    // ---------------------------------------------------------------- the whole timeline

    @Test
    void wholeTimelineEndsAsPlannedAndRollbackRestoresEveryRRset() throws Exception {
        Map<RRsetKey, RRset> orig = withoutSerial(original);
        long serial = original.serial();

        Run r = apply("2026-11-27T02:00:00Z");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("next: lower-ttl at 2026-11-28T02:00:00Z");
        assertThat(assertZone("apply before T-72h", orig)).isEqualTo(serial);

        r = apply(LOWER);
        assertThat(r.exit()).as(r.all()).isZero();
        Map<RRsetKey, RRset> lowered = expectLowered(orig, 300);
        long s = assertZone("lower-ttl", lowered);
        assertSerialIncreased(serial, s, "lower-ttl");
        serial = s;
        assertUntouched("lower-ttl");
        assertIdempotent(LOWER);

        r = apply(VERIFY);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(assertZone("verify", lowered)).as("verify writes nothing").isEqualTo(serial);
        assertIdempotent(VERIFY);

        r = apply(SWAP);
        assertThat(r.exit()).as(r.all()).isZero();
        Map<RRsetKey, RRset> swapped = expectSwapped(lowered);
        s = assertZone("swap", swapped);
        assertSerialIncreased(serial, s, "swap");
        serial = s;
        assertUntouched("swap");
        for (RRsetKey k : MOVED) assertThat(swapped.get(k).ttl()).as("swapped %s keeps the lowered TTL", k).isEqualTo(300);
        assertIdempotent(SWAP);

        r = apply(CONFIRM);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(assertZone("confirm", swapped)).isEqualTo(serial);
        assertIdempotent(CONFIRM);

        r = apply(RESTORE);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("the timeline is complete");
        Map<RRsetKey, RRset> restored = expectSwapped(orig);
        s = assertZone("restore-ttl", restored);
        assertSerialIncreased(serial, s, "restore-ttl");
        serial = s;
        assertUntouched("restore-ttl");
        assertThat(restored.get(key("mail.example.com.", "A")).ttl()).isEqualTo(14400);
        assertThat(restored.get(key("www.example.com.", "A")).ttl()).isEqualTo(3600);
        assertIdempotent(RESTORE);
        assertIdempotent("2026-12-09T00:00:00Z");

        List<JsonNode> events = journal(stateDir);
        for (String phase : List.of("lower-ttl", "verify", "swap", "confirm", "restore-ttl")) {
            assertThat(count(events, "phase-started", phase)).as("%s started", phase).isEqualTo(1);
            assertThat(count(events, "phase-finished", phase)).as("%s finished", phase).isEqualTo(1);
        }
        assertThat(count(events, "intent", null)).isEqualTo(count(events, "commit", null)).isEqualTo(3);

        // A rollback keeps the TTLs lowered for a while (issue 11); '--restore-ttl now' puts them back at once.
        r = cli("rollback", plan.toString(), "--now", "2026-12-02T03:00:00Z", "--restore-ttl", "now");
        assertThat(r.exit()).as(r.all()).isZero();
        ZoneSnapshot back = readZone(zoneFile);
        assertThat(withoutSerial(back)).as("every RRset, data and TTL, as before the migration")
                .containsExactlyInAnyOrderEntriesOf(orig);
        assertSerialIncreased(serial, back.serial(), "rollback");
    }

    @Test
    void journalIsPrivateAndEveryLineIsJson() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(SWAP).exit()).isZero();
        assertThat(Files.getPosixFilePermissions(stateDir.resolve("journal.jsonl")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.getPosixFilePermissions(stateDir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        List<JsonNode> events = journal(stateDir);
        assertThat(events).isNotEmpty();
        long seq = 0;
        for (JsonNode e : events) {
            assertThat(e.path("seq").asLong()).as("seq increases by one").isEqualTo(++seq);
            assertThat(e.hasNonNull("at") && e.hasNonNull("event")).as(e.toString()).isTrue();
            Instant.parse(e.get("at").asText());
        }
        JsonNode intent = events.stream().filter(e -> e.get("event").asText().equals("intent")).findFirst().orElseThrow();
        JsonNode change = intent.get("changes").get(0);
        assertThat(change.get("before").get("ttl").isNumber()).isTrue();
        assertThat(change.get("after").get("rdata").isArray()).isTrue();
    }

    // ---------------------------------------------------------------- the safety gate

    @Test
    void lateLoweringPushesTheSwapLaterAndForceIsJournaled() throws Exception {
        // cron was down: lower-ttl (due T-72h) and verify run only at T-1h
        Run r = apply("2026-12-01T01:00:00Z");
        assertThat(r.exit()).as(r.all()).isZero();
        // confirmed at T-1h, the largest original TTL 14400 s (mail), margin max(5m, 10%) = 1440 s
        String earliest = "2026-12-01T05:24:00Z";
        Map<RRsetKey, RRset> lowered = expectLowered(withoutSerial(original), 300);
        byte[] before = Files.readAllBytes(zoneFile);

        r = apply(SWAP);
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("unsafe until " + earliest);
        assertThat(Files.readAllBytes(zoneFile)).isEqualTo(before);
        assertThat(count(journal(stateDir), "phase-started", "swap")).isZero();

        r = apply("2026-12-01T05:23:59Z");
        assertThat(r.exit()).as("one second early: %s", r.all()).isEqualTo(4);
        assertZone("refused swap", lowered);

        Run status = cli("status", plan.toString(), "--now", SWAP, "--output", "json");
        assertThat(EngineFixture.JSON.readTree(status.out()).get("earliestSafeSwap").asText()).isEqualTo(earliest);

        r = apply(SWAP, "--force");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.all()).contains("WARNING").contains("forced");
        assertZone("forced swap", expectSwapped(lowered));
        List<JsonNode> events = journal(stateDir);
        JsonNode forced = events.stream().filter(e -> e.get("event").asText().equals("forced")).findFirst().orElseThrow();
        assertThat(forced.get("phase").asText()).isEqualTo("swap");
        assertThat(forced.get("info").get("reason").asText()).contains(earliest);
        assertThat(count(events, "phase-finished", "swap")).isEqualTo(1);
    }

    @Test
    void swapRunsAtTheEarliestSafeInstantExactly() throws Exception {
        assertThat(apply("2026-12-01T01:00:00Z").exit()).isZero();
        assertThat(apply("2026-12-01T05:24:00Z").exit()).isZero();
        assertZone("swap at the earliest safe instant", expectSwapped(expectLowered(withoutSerial(original), 300)));
        assertThat(count(journal(stateDir), "forced", null)).isZero();
    }

    // ---------------------------------------------------------------- drift

    @Test
    void driftBeforeTheSwapBlocksAndWritesNothing() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        EngineFixture.editZone(zoneFile, new RRset("www.example.com.", "A", 300, List.of("192.0.2.77")));
        byte[] before = Files.readAllBytes(zoneFile);
        int lines = journalLines(stateDir).size();

        Run r = apply(SWAP);
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("drift").contains("www.example.com. A").contains("192.0.2.77");
        assertThat(Files.readAllBytes(zoneFile)).as("zone file untouched").isEqualTo(before);
        assertThat(journalLines(stateDir)).as("nothing journaled").hasSize(lines);
    }

    // ---------------------------------------------------------------- approval

    @Test
    void approvalRequiredBlocksUntilApprovedAndEditingThePlanRevokesIt() throws Exception {
        plan = writePlan(", approval: required", ", timeout: 30m");
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        Map<RRsetKey, RRset> lowered = expectLowered(withoutSerial(original), 300);

        Run r = apply(SWAP);
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("migrate approve " + plan + " swap");
        assertZone("unapproved swap", lowered);
        Run status = cli("status", plan.toString(), "--now", SWAP);
        assertThat(status.out()).contains("needs approval");

        r = cli("approve", plan.toString(), "swap", "--by", "alice", "--now", "2026-12-01T01:50:00Z");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("approved swap by alice");
        JsonNode approved = journal(stateDir).stream().filter(e -> e.get("event").asText().equals("approved"))
                .findFirst().orElseThrow();
        assertThat(approved.get("info").get("by").asText()).isEqualTo("alice");
        assertThat(approved.get("at").asText()).isEqualTo("2026-12-01T01:50:00Z");

        // the plan changes after the review: the approval no longer counts
        Files.writeString(plan, Files.readString(plan).replace("restore: original", "restore: 3600"));
        r = apply(SWAP);
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("different version of the plan").contains("migrate approve " + plan + " swap");
        assertZone("swap approved for another plan", lowered);

        assertThat(cli("approve", plan.toString(), "swap", "--by", "bob").exit()).isZero();
        r = apply(SWAP);
        assertThat(r.exit()).as(r.all()).isZero();
        assertZone("approved swap", expectSwapped(lowered));
    }

    // ---------------------------------------------------------------- --phase

    @Test
    void phaseRunsOnlyAfterEveryEarlierPhase() throws Exception {
        Run r = apply(LOWER, "--phase", "swap");
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("'lower-ttl' is not");
        assertThat(Files.exists(stateDir.resolve("journal.jsonl"))
                ? count(journal(stateDir), "phase-started", null) : 0).isZero();
        assertZone("refused --phase swap", withoutSerial(original));

        // --phase runs a phase now, before its scheduled time
        r = apply("2026-11-20T00:00:00Z", "--phase", "lower-ttl");
        assertThat(r.exit()).as(r.all()).isZero();
        Map<RRsetKey, RRset> lowered = expectLowered(withoutSerial(original), 300);
        assertZone("--phase lower-ttl", lowered);
        assertThat(count(journal(stateDir), "phase-started", "verify")).as("only the one phase").isZero();

        r = apply("2026-11-21T00:00:00Z", "--phase", "swap");
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("'verify' is not");

        assertThat(apply("2026-11-21T00:00:00Z", "--phase", "verify").exit()).isZero();
        r = apply("2026-11-21T00:00:00Z", "--phase", "swap");
        assertThat(r.exit()).as(r.all()).isZero();
        assertZone("--phase swap", expectSwapped(lowered));
        assertThat(count(journal(stateDir), "phase-started", "confirm")).isZero();

        r = apply("2026-11-21T00:00:00Z", "--phase", "no-such-phase");
        assertThat(r.exit()).as(r.all()).isEqualTo(2);
    }

    @Test
    void phaseThatIsAlreadyDoneDoesNothingNew() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        int lines = journalLines(stateDir).size();
        byte[] zone = Files.readAllBytes(zoneFile);
        Run r = apply(LOWER, "--phase", "lower-ttl");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("lower-ttl").contains("already done");
        assertThat(journalLines(stateDir)).hasSize(lines);
        assertThat(Files.readAllBytes(zoneFile)).isEqualTo(zone);
    }

    // ---------------------------------------------------------------- --dry-run

    @Test
    void dryRunListsTheRRsetsAndWritesNothing() throws Exception {
        byte[] zone = Files.readAllBytes(zoneFile);
        Run r = apply(LOWER, "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("lower-ttl: would run")
                .contains("mail A").contains("smtp A").contains("imap A").contains("www AAAA")
                .contains("TTL 14400 -> 300").contains("TTL 3600 -> 300");
        assertThat(dir.resolve(".migrate")).as("no state directory").doesNotExist();
        assertThat(Files.readAllBytes(zoneFile)).isEqualTo(zone);

        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        zone = Files.readAllBytes(zoneFile);
        int lines = journalLines(stateDir).size();
        r = apply(SWAP, "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("swap: would run").contains("198.51.100.20").contains("198.51.100.25")
                .contains("2001:db8:20::20");
        assertThat(Files.readAllBytes(zoneFile)).isEqualTo(zone);
        assertThat(journalLines(stateDir)).hasSize(lines);
    }

    // ---------------------------------------------------------------- confirm failing

    /** A secondary that never picks up the change: the provider read back through a frozen copy of the zone. */
    static final class FrozenView implements DnsProvider {
        private final ZoneSnapshot frozen;

        FrozenView(ZoneSnapshot frozen) {
            this.frozen = frozen;
        }

        @Override
        public Capabilities capabilities() {
            throw new UnsupportedOperationException();
        }

        @Override
        public ZoneSnapshot read(String zone) {
            return frozen;
        }

        @Override
        public void apply(String zone, List<dev.migrate.dns.RRsetChange> batch) throws ProviderException {
            throw new ProviderException(ProviderException.Kind.IO, "a read-only view");
        }

        @Override
        public String describe() {
            return "lagging secondary";
        }
    }

    /** An engine at {@code now} whose propagation probe sees the zone as it was before the swap. */
    Engine engineWithLaggingSecondary(String now, ZoneSnapshot stale, List<Duration> slept) throws Exception {
        Providers providers = Providers.discover();
        Plan p = Workspace.load(plan, providers);
        Clock clock = Clock.fixed(Instant.parse(now), ZoneOffset.UTC);
        Workspace ws = Workspace.open(p, providers, System::getenv, clock);
        Sleeper sleeper = slept::add;
        Probes probes = new Probes() {
            @Override
            public PropagationCheck propagation(Plan plan, dev.migrate.plan.PhaseSpec phase, Map<String, ZoneSnapshot> live) {
                return new ProviderReadback(new FrozenView(stale), clock, sleeper, Duration.ofSeconds(2));
            }

            @Override
            public ServiceChecks checks() {
                return ServiceChecks.NONE;
            }
        };
        return new Engine(ws, new dev.migrate.state.FileStateStore(Engine.stateDir(p, null), clock), clock, sleeper, probes,
                EngineListener.SILENT, null);
    }

    @Test
    void confirmFailingRollsBackByDefault() throws Exception {
        plan = writePlan("", ", timeout: 1s");
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        ZoneSnapshot beforeSwap = readZone(zoneFile);
        assertThat(apply(SWAP).exit()).isZero();

        List<Duration> slept = new ArrayList<>();
        RunReport report = engineWithLaggingSecondary(CONFIRM, beforeSwap, slept).apply(new Engine.Options(false, null, false));
        assertThat(report.verdict().exitCode()).as(report.toString()).isEqualTo(3);
        PhaseResult confirm = report.phases().get(report.phases().size() - 1);
        assertThat(confirm.phase()).isEqualTo("confirm");
        assertThat(confirm.outcome()).isInstanceOf(PhaseOutcome.RolledBack.class);
        assertThat(confirm.message()).contains("not live").contains("www.example.com. A");
        // Only the swap is taken back; the TTLs stay lowered, so a retry is fast (issue 11), and it says so.
        assertThat(withoutSerial(readZone(zoneFile))).as("rolled back to the original data at the lowered TTL")
                .containsExactlyInAnyOrderEntriesOf(expectLowered(withoutSerial(original), 300));
        assertThat(confirm.message()).contains("at the lowered TTL (300 s)").contains("restore-ttl at 2026-12-02T02:05:00Z");
        List<JsonNode> events = journal(stateDir);
        assertThat(count(events, "phase-failed", "confirm")).isEqualTo(1);
        assertThat(count(events, "rollback-finished", null)).isEqualTo(1);

        Run status = cli("status", plan.toString(), "--now", CONFIRM, "--output", "json");
        JsonNode phases = EngineFixture.JSON.readTree(status.out()).get("phases");
        assertThat(phases.get(2).get("state").asText()).isEqualTo("rolled-back");
        assertThat(phases.get(4).get("state").asText()).isEqualTo("skipped");
    }

    @Test
    void confirmFailingWithHaltStopsAndRollsNothingBack() throws Exception {
        plan = writePlan("", ", timeout: 1s, onFailure: halt");
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        ZoneSnapshot beforeSwap = readZone(zoneFile);
        assertThat(apply(SWAP).exit()).isZero();
        Map<RRsetKey, RRset> swapped = withoutSerial(readZone(zoneFile));

        RunReport report = engineWithLaggingSecondary(CONFIRM, beforeSwap, new ArrayList<>())
                .apply(new Engine.Options(false, null, false));
        assertThat(report.verdict().exitCode()).isEqualTo(3);
        PhaseResult confirm = report.phases().get(report.phases().size() - 1);
        assertThat(confirm.outcome()).isInstanceOf(PhaseOutcome.Failed.class);
        assertThat(confirm.message()).contains("halt");
        assertThat(withoutSerial(readZone(zoneFile))).as("still swapped").containsExactlyInAnyOrderEntriesOf(swapped);
        List<JsonNode> events = journal(stateDir);
        assertThat(count(events, "rollback-started", null)).isZero();
        assertThat(count(events, "phase-failed", "confirm")).isEqualTo(1);
    }

    @Test
    void confirmPollsForAboutItsTimeoutAndNoLongerWhenTimeStandsStill() throws Exception {
        plan = writePlan("", ", timeout: 10s, onFailure: halt");
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        ZoneSnapshot beforeSwap = readZone(zoneFile);
        assertThat(apply(SWAP).exit()).isZero();
        List<Duration> slept = new ArrayList<>();
        engineWithLaggingSecondary(CONFIRM, beforeSwap, slept).apply(new Engine.Options(false, null, false));
        // the fixed clock does not move, so the poll loop must be bounded by its own count, not by time
        assertThat(slept).isNotEmpty().allMatch(d -> d.equals(Duration.ofSeconds(2)));
        Duration total = slept.stream().reduce(Duration.ZERO, Duration::plus);
        assertThat(total).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
    }

    // ---------------------------------------------------------------- rollback

    @Test
    void rollbackStopsOnARecordSomeoneElseChangedAndForceOverwritesIt() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        assertThat(apply(SWAP).exit()).isZero();
        assertThat(apply(CONFIRM).exit()).isZero();
        EngineFixture.editZone(zoneFile, new RRset("www.example.com.", "A", 300, List.of("192.0.2.99")));
        byte[] edited = Files.readAllBytes(zoneFile);

        Run r = cli("rollback", plan.toString(), "--now", "2026-12-01T03:00:00Z");
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("www.example.com. A").contains("192.0.2.99").contains("--force");
        // Per RRset (issue 17): the record someone else changed is not overwritten; its neighbours are put back.
        Map<RRsetKey, RRset> partly = withoutSerial(readZone(zoneFile));
        assertThat(partly.get(key("www.example.com.", "A"))).as("nothing overwritten")
                .isEqualTo(new RRset("www.example.com.", "A", 300, List.of("192.0.2.99")));
        Map<RRsetKey, RRset> lowered = expectLowered(withoutSerial(original), 300);
        for (RRsetKey k : MOVED) {
            if (!k.equals(key("www.example.com.", "A"))) assertThat(partly.get(k)).as("%s put back", k).isEqualTo(lowered.get(k));
        }
        assertThat(apply("2026-12-01T03:00:30Z").all()).as("a stopped rollback stops apply").contains("migrate rollback");

        r = cli("rollback", plan.toString(), "--now", "2026-12-01T03:01:00Z", "--force", "--restore-ttl", "now");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(withoutSerial(readZone(zoneFile))).containsExactlyInAnyOrderEntriesOf(withoutSerial(original));
        assertThat(count(journal(stateDir), "forced", "rollback")).isEqualTo(1);
    }

    @Test
    void rollbackAgainDoesNothingNew() throws Exception {
        Run r = cli("rollback", plan.toString(), "--now", LOWER);
        assertThat(r.exit()).as("rollback before anything ran: %s", r.all()).isZero();
        assertThat(r.out()).contains("nothing to roll back");
        assertThat(journalLines(stateDir)).isEmpty();

        assertThat(apply(LOWER).exit()).isZero();
        assertThat(cli("rollback", plan.toString(), "--now", VERIFY).exit()).isZero();
        int lines = journalLines(stateDir).size();
        byte[] zone = Files.readAllBytes(zoneFile);
        Run status = cli("status", plan.toString(), "--now", VERIFY);
        r = cli("rollback", plan.toString(), "--now", SWAP);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("nothing to roll back");
        assertThat(journalLines(stateDir)).as("a second rollback journals nothing").hasSize(lines);
        assertThat(Files.readAllBytes(zoneFile)).isEqualTo(zone);
        assertThat(cli("status", plan.toString(), "--now", VERIFY).out()).as("status unchanged").isEqualTo(status.out());
    }

    @Test
    void afterRollbackApplyOnlyRestoresTheTtlsWhenDueUntilRestart() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        assertThat(apply(SWAP).exit()).isZero();
        Run r = cli("rollback", plan.toString(), "--now", "2026-12-01T01:00:00Z");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("at the lowered TTL (300 s)").contains("restore-ttl at 2026-12-02T01:00:00Z");
        // the old data is back at once; the TTLs stay lowered until the restore the rollback scheduled
        assertThat(withoutSerial(readZone(zoneFile))).containsExactlyInAnyOrderEntriesOf(expectLowered(withoutSerial(original), 300));

        int lines = journalLines(stateDir).size();
        byte[] zone = Files.readAllBytes(zoneFile);
        for (String now : List.of(CONFIRM, "2026-12-02T00:59:59Z")) {
            r = apply(now);
            assertThat(r.exit()).as(r.all()).isZero();
            assertThat(r.out()).contains("--restart").contains("2026-12-02T01:00:00Z");
            r = apply(now, "--quiet");
            assertThat(r.exit()).isZero();
            assertThat(r.out() + r.err()).isEmpty();
        }
        assertThat(journalLines(stateDir)).hasSize(lines);
        assertThat(Files.readAllBytes(zoneFile)).isEqualTo(zone);
        JsonNode st = EngineFixture.JSON.readTree(cli("status", plan.toString(), "--now", CONFIRM, "--output", "json").out());
        assertThat(st.get("next").get("at").asText()).as("the pending restore is what comes next").isEqualTo("2026-12-02T01:00:00Z");
        assertThat(st.get("earliestSafeSwap").asText()).as("still known while the TTLs are low").isEqualTo("2026-11-28T06:24:00Z");

        r = apply(RESTORE);
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(withoutSerial(readZone(zoneFile))).as("the TTLs back up when due")
                .containsExactlyInAnyOrderEntriesOf(withoutSerial(original));
        r = apply(RESTORE, "--quiet");
        assertThat(r.out() + r.err()).isEmpty();
        st = EngineFixture.JSON.readTree(cli("status", plan.toString(), "--now", RESTORE, "--output", "json").out());
        assertThat(st.get("next").isNull()).isTrue();
        for (JsonNode p : st.get("phases")) {
            assertThat(p.get("state").asText()).isIn("rolled-back", "skipped", "done");
        }
        assertThat(st.get("phases").get(0).get("state").asText()).as("lower-ttl, once restored").isEqualTo("rolled-back");
        assertThat(st.get("phases").get(2).get("state").asText()).isEqualTo("rolled-back");
        assertThat(st.get("earliestSafeSwap").isNull()).as("the lowering it counted from is undone").isTrue();
        Run text = cli("status", plan.toString(), "--now", RESTORE);
        assertThat(text.out()).doesNotContain("earliest safe swap: 2026").contains("the TTLs are back up: 'migrate apply --restart'");

        // The TTLs are back up: starting again is a new timeline, from lower-ttl, with a new journal.
        r = apply(LOWER, "--restart");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("started again");
        try (var files = Files.list(stateDir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.matches("journal-.+\\.jsonl")))
                    .as("the old journal is kept").hasSize(1);
        }
        List<JsonNode> events = journal(stateDir);
        assertThat(events.get(0).get("seq").asLong()).isEqualTo(1);
        assertThat(count(events, "phase-finished", "lower-ttl")).isEqualTo(1);
        assertThat(count(events, "rollback-finished", null)).isZero();
        assertZone("lower-ttl after --restart", expectLowered(withoutSerial(original), 300));
    }

    @Test
    void restartWhileTheTtlsAreStillLowRetriesTheSwapWithoutANewLowering() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        assertThat(apply(SWAP).exit()).isZero();
        assertThat(cli("rollback", plan.toString(), "--now", "2026-12-01T02:01:00Z").exit()).isZero();

        Run r = apply("2026-12-01T02:02:00Z", "--restart");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("started again from swap without a new lowering").contains("swap: done");
        assertZone("swap again after --restart", expectSwapped(expectLowered(withoutSerial(original), 300)));
        List<JsonNode> events = journal(stateDir);
        assertThat(count(events, "phase-started", "lower-ttl")).as("no new lowering").isEqualTo(1);
        assertThat(count(events, "phase-finished", "swap")).isEqualTo(2);
        assertThat(journalLines(stateDir)).as("the same journal goes on").isNotEmpty();
        try (var files = Files.list(stateDir)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.matches("journal-.+\\.jsonl"))).isEmpty();
        }
        // the timeline then goes on as planned, and a rollback still puts back exactly the original
        assertThat(apply(CONFIRM).exit()).isZero();
        assertThat(apply(RESTORE).exit()).isZero();
        assertThat(cli("rollback", plan.toString(), "--now", "2026-12-02T03:00:00Z", "--restore-ttl", "now").exit()).isZero();
        assertThat(withoutSerial(readZone(zoneFile))).containsExactlyInAnyOrderEntriesOf(withoutSerial(original));
    }

    @Test
    void anApprovalIsForOneTryARestartAfterTheRollbackIsApprovedAnew() throws Exception {
        plan = writePlan(", approval: required", ", timeout: 30m");
        assertThat(apply(LOWER).exit()).isZero();
        assertThat(apply(VERIFY).exit()).isZero();
        assertThat(cli("approve", plan.toString(), "swap", "--by", "alice", "--now", "2026-12-01T01:50:00Z").exit()).isZero();
        assertThat(apply(SWAP).exit()).isZero();
        assertThat(cli("rollback", plan.toString(), "--now", "2026-12-01T02:01:00Z").exit()).isZero();
        Map<RRsetKey, RRset> lowered = expectLowered(withoutSerial(original), 300);
        assertZone("rolled back, TTLs still low", lowered);

        // alice approved the try that went wrong, not the next one
        Run r = apply("2026-12-01T02:02:00Z", "--restart");
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("phase swap needs an approval; run: migrate approve " + plan + " swap");
        assertZone("a restart without a new approval swaps nothing", lowered);
        assertThat(cli("status", plan.toString(), "--now", "2026-12-01T02:02:30Z").out()).contains("needs approval");

        assertThat(cli("approve", plan.toString(), "swap", "--by", "bob", "--now", "2026-12-01T02:03:00Z").exit()).isZero();
        r = apply("2026-12-01T02:04:00Z");
        assertThat(r.exit()).as(r.all()).isZero();
        assertZone("approved again, swapped again", expectSwapped(lowered));

        // An approval given after the rollback and before the restart is the new approval.
        assertThat(cli("rollback", plan.toString(), "--now", "2026-12-01T02:10:00Z").exit()).isZero();
        assertThat(cli("approve", plan.toString(), "swap", "--by", "carol", "--now", "2026-12-01T02:11:00Z").exit()).isZero();
        r = apply("2026-12-01T02:12:00Z", "--restart");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("swap: done");
        assertZone("approved after the rollback", expectSwapped(lowered));
    }

    @Test
    void restartIsRefusedWhileChangesAreInPlace() throws Exception {
        assertThat(apply(LOWER).exit()).isZero();
        Run r = apply(LOWER, "--restart");
        assertThat(r.exit()).as(r.all()).isEqualTo(4);
        assertThat(r.err()).contains("migrate rollback");
    }

    // ---------------------------------------------------------------- status

    @Test
    void statusJsonHasExactlyTheDocumentedKeys() throws Exception {
        Run s = cli("status", plan.toString(), "--now", LOWER, "--output", "json");
        assertThat(s.exit()).as(s.all()).isZero();
        assertStatusShape(EngineFixture.JSON.readTree(s.out()));
        assertThat(dir.resolve(".migrate")).as("status creates nothing").doesNotExist();

        assertThat(apply(LOWER).exit()).isZero();
        s = cli("status", plan.toString(), "--now", VERIFY, "--output", "json");
        JsonNode st = EngineFixture.JSON.readTree(s.out());
        assertStatusShape(st);
        assertThat(st.get("plan").asText()).isEqualTo("web-and-mail");
        assertThat(st.get("now").asText()).isEqualTo(VERIFY);
        JsonNode phases = st.get("phases");
        assertThat(phases.get(0).get("state").asText()).isEqualTo("done");
        assertThat(phases.get(0).get("startedAt").asText()).isEqualTo(LOWER);
        assertThat(phases.get(0).get("finishedAt").asText()).isEqualTo(LOWER);
        assertThat(phases.get(1).get("state").asText()).isEqualTo("due");
        assertThat(phases.get(1).get("startedAt").isNull()).isTrue();
        assertThat(phases.get(2).get("state").asText()).isEqualTo("pending");
        assertThat(phases.get(2).get("at").asText()).isEqualTo(SWAP);
        assertThat(st.get("next").get("id").asText()).isEqualTo("verify");
        assertThat(st.get("next").get("at").asText()).isEqualTo(VERIFY);
        assertThat(st.get("earliestSafeSwap").asText()).isEqualTo("2026-11-28T06:24:00Z");

        assertThat(apply(VERIFY).exit()).isZero();
        assertThat(apply(SWAP).exit()).isZero();
        assertThat(apply(CONFIRM).exit()).isZero();
        assertThat(apply(RESTORE).exit()).isZero();
        st = EngineFixture.JSON.readTree(cli("status", plan.toString(), "--now", RESTORE, "--output", "json").out());
        assertStatusShape(st);
        assertThat(st.get("next").isNull()).isTrue();
        for (JsonNode p : st.get("phases")) assertThat(p.get("state").asText()).isEqualTo("done");
    }

    static void assertStatusShape(JsonNode st) {
        assertThat(fields(st)).containsExactlyInAnyOrder("plan", "now", "phases", "next", "earliestSafeSwap");
        assertThat(st.get("phases").size()).isEqualTo(5);
        for (JsonNode p : st.get("phases")) {
            assertThat(fields(p)).containsExactlyInAnyOrder("id", "action", "at", "state", "startedAt", "finishedAt");
            assertThat(p.get("state").asText()).isIn("pending", "due", "running", "done", "failed", "rolled-back", "skipped");
        }
        if (!st.get("next").isNull()) assertThat(fields(st.get("next"))).containsExactlyInAnyOrder("id", "at");
    }

    static Set<String> fields(JsonNode n) {
        Set<String> out = new TreeSet<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) out.add(it.next());
        return out;
    }

    @Test
    void theZoneIsTheOneThePlanNames() {
        assertThat(original.zone()).isEqualTo(ZONE);
        assertThat(original.size()).isGreaterThan(MOVED.size());
        for (RRsetKey k : MOVED) assertThat(original.get(k)).as("%s in the example zone", k).isNotNull();
    }
}
