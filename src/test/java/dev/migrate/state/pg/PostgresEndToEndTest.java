package dev.migrate.state.pg;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.PostgresServer;
import dev.migrate.lab.TsigKey;
import dev.migrate.state.Event;
import dev.migrate.state.FileStateStore;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Cli.Run;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * The whole timeline and the rollback through the CLI, once with the journal in the directory beside the
 * plan and once in a real PostgreSQL: on the zone-file provider and on rfc2136 against BIND, every step
 * leaves the zone exactly as with the file backend, and the journals are the same lines.
 */
class PostgresEndToEndTest {
    static final String ZONE = "example.test.";
    static final String ZONE_TEXT = """
            $ORIGIN example.test.
            $TTL 3600
            @     3600 IN SOA ns1.example.test. hostmaster.example.test. 2026112001 7200 900 1209600 300
            @     3600 IN NS  ns1.example.test.
            ns1   3600 IN A   127.0.0.1
            www   3600 IN A   203.0.113.10
            www   3600 IN AAAA 2001:db8:10::10
            mail  7200 IN A   203.0.113.25
            shop  1800 IN A   203.0.113.25
            multi 3600 IN A   192.0.2.1
            multi 3600 IN A   192.0.2.2
            """;
    static final List<String> STEPS = List.of("2026-11-28T02:00:00Z", "2026-11-30T02:00:00Z", "2026-12-01T02:00:00Z",
            "2026-12-01T02:05:00Z", "2026-12-02T02:00:00Z");
    static final String ROLLBACK = "2026-12-02T03:00:00Z";
    /** What both providers' plans change, after their provider block. */
    static final String CHANGES = """
            zones: [example.test]
            ttl: { lowered: 300, restore: original }
            changes:
              - { name: www,   type: A,    from: [203.0.113.10], to: [198.51.100.20] }
              - { name: www,   type: AAAA, to: ["2001:db8:20::20"] }
              - { name: "@",   type: TXT,  to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
              - { name: multi, type: A,    to: [] }
            rewrite:
              - { from: 203.0.113.25, to: 198.51.100.25 }
            """;
    static final AtomicInteger DATABASES = new AtomicInteger();

    static PostgresServer pg;

    @TempDir
    Path root;

    @BeforeAll
    static void start() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    /** A fresh database of its own, as a --state URL with the password in a file. */
    String database(Path dir) throws Exception {
        Path pw = dir.resolve("pg.pw");
        Files.writeString(pw, pg.password() + "\n");
        return pg.createDatabase("e2e_" + DATABASES.incrementAndGet()) + "&passwordFile=" + pw;
    }

    /** What one backend's run left: the zone after each step and the rollback, and the journal's lines. */
    record Outcome(Map<String, List<String>> zones, List<String> journal) {}

    interface Zone {
        List<String> read() throws Exception;
    }

    Outcome timeline(Path plan, List<String> state, Zone zone) throws Exception {
        Map<String, List<String>> zones = new LinkedHashMap<>();
        zones.put("before", zone.read());
        for (String now : STEPS) {
            Run r = run(plan, state, "apply", "--now", now);
            assertThat(r.code()).as("apply at %s with %s: %s", now, state, r.all()).isZero();
            zones.put(now, zone.read());
        }
        Run status = run(plan, state, "status", "--now", ROLLBACK);
        assertThat(status.code()).as(status.all()).isZero();
        assertThat(status.out()).contains("done");
        // --restore-ttl now: the TTLs back up at once, so the zone is exactly as before and --restart begins anew
        Run back = run(plan, state, "rollback", "--now", ROLLBACK, "--restore-ttl", "now");
        assertThat(back.code()).as("rollback with %s: %s", state, back.all()).isZero();
        zones.put("rolled back", zone.read());
        // a fresh journal (the old one kept), whose lower-ttl runs at once and whose swap the safety gate holds
        Run again = run(plan, state, "apply", "--now", ROLLBACK, "--restart");
        assertThat(again.code()).as("apply --restart with %s: %s", state, again.all()).isEqualTo(4);
        assertThat(again.all()).contains("started again").contains("swap: blocked");
        return new Outcome(zones, journalLines(plan, state));
    }

    static Run run(Path plan, List<String> state, String command, String... args) {
        List<String> a = new ArrayList<>(List.of(command, plan.toString()));
        a.addAll(List.of(args));
        a.addAll(state);
        return migrate(a.toArray(String[]::new));
    }

    /** The current journal, from whichever backend, as the file journal's lines. */
    List<String> journalLines(Path plan, List<String> state) throws Exception {
        List<Event> events;
        if (state.isEmpty()) {
            events = new FileStateStore(plan.getParent().resolve(".migrate/e2e"), Clock.systemUTC()).read();
        } else {
            events = PostgresStateStore.of(PostgresUrl.parse(state.get(1), root), "e2e", null, Clock.systemUTC(), k -> null).read();
        }
        assertThat(JournalState.of(events).pending()).as("nothing left pending").isEmpty();
        // Each backend's run has its own lab servers: their ports (in the serials seen) are not the journal's to compare.
        return events.stream().map(Journal::line).map(l -> l.replaceAll("127\\.0\\.0\\.1:\\d+", "127.0.0.1:PORT")).toList();
    }

    // ---------------------------------------------------------------- zone files

    Path zoneFilePlan(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("zones"));
        Files.writeString(dir.resolve("zones/example.test.zone"), ZONE_TEXT);
        Path plan = dir.resolve("e2e.yaml");
        Files.writeString(plan, """
                name: e2e
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones, batchSize: 2 }
                """ + CHANGES);
        return plan;
    }

    static List<String> zoneFile(Path dir) throws Exception {
        return dev.migrate.provider.zonefile.ZoneFiles.read(dir.resolve("zones/example.test.zone"), ZONE).rrsets().stream()
                .filter(r -> !r.type().equals("SOA")).map(r -> r.key() + " " + r.ttl() + " " + r.rdata()).sorted().toList();
    }

    @Test
    void zoneFilesEndExactlyAsWithTheFileBackend() throws Exception {
        Path a = Files.createDirectories(root.resolve("file"));
        Path b = Files.createDirectories(root.resolve("pg"));
        Outcome file = timeline(zoneFilePlan(a), List.of(), () -> zoneFile(a));
        Outcome db = timeline(zoneFilePlan(b), List.of("--state", database(b)), () -> zoneFile(b));
        assertThat(db.zones()).isEqualTo(file.zones());
        assertThat(file.zones().get("rolled back")).isEqualTo(file.zones().get("before"));
        assertThat(file.zones().get("2026-12-01T02:00:00Z")).anyMatch(l -> l.contains("198.51.100.20"));
        assertThat(db.journal()).as("the journal after rollback and --restart").isEqualTo(file.journal());
    }

    // ---------------------------------------------------------------- rfc2136 against BIND

    Path rfc2136Plan(Path dir, BindServer bind) throws Exception {
        TsigKey key = bind.key();
        Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
        Path plan = dir.resolve("e2e.yaml");
        Files.writeString(plan, """
                name: e2e
                cutover: 2026-12-01T02:00:00Z
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  read: axfr
                  timeout: 2s
                """.formatted(bind.port(), key.name(), key.algorithm()) + CHANGES
                + "nameservers: [\"127.0.0.1:" + bind.port() + "\"]\n");
        return plan;
    }

    static List<String> axfr(BindServer bind) throws Exception {
        ZoneTransferIn x = ZoneTransferIn.newAXFR(Name.fromString(ZONE), new InetSocketAddress("127.0.0.1", bind.port()),
                bind.key().toTsig());
        x.setTimeout(java.time.Duration.ofSeconds(5));
        x.run();
        return x.getAXFR().stream().filter(r -> r.getType() != Type.SOA).map(Record::toString).sorted().distinct().toList();
    }

    @Test
    void rfc2136AgainstBindEndsExactlyAsWithTheFileBackend() throws Exception {
        Outcome file;
        Outcome db;
        Path a = Files.createDirectories(root.resolve("file"));
        Path b = Files.createDirectories(root.resolve("pg"));
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, ZONE_TEXT).start()) {
            file = timeline(rfc2136Plan(a, bind), List.of(), () -> axfr(bind));
        }
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, ZONE_TEXT).start()) {
            db = timeline(rfc2136Plan(b, bind), List.of("--state", database(b)), () -> axfr(bind));
        }
        assertThat(db.zones()).isEqualTo(file.zones());
        assertThat(file.zones().get("rolled back")).isEqualTo(file.zones().get("before"));
        assertThat(db.journal()).isEqualTo(file.journal());
    }
}
