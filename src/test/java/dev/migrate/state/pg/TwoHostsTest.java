package dev.migrate.state.pg;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.PostgresServer;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Two cron hosts, each with its own working directory and copy of the plan, running {@code migrate apply}
 * on one migration whose state is in a shared PostgreSQL, against one BIND primary (RFC 2136). Separate
 * JVMs, as on two machines; only the database and the nameserver are shared.
 */
class TwoHostsTest {
    static final String ZONE = "example.test.";
    static final String ZONE_TEXT = """
            $ORIGIN example.test.
            $TTL 2
            @     2 IN SOA ns1.example.test. hostmaster.example.test. 1 7200 900 1209600 2
            @     2 IN NS  ns1.example.test.
            ns1   2 IN A   127.0.0.1
            www   2 IN A   203.0.113.10
            mail  2 IN A   203.0.113.25
            shop  2 IN A   203.0.113.25
            """;
    static final AtomicInteger DATABASES = new AtomicInteger();

    static PostgresServer pg;

    @TempDir
    Path root;
    BindServer bind;
    Host a;
    Host b;
    String url;

    @BeforeAll
    static void start() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    @BeforeEach
    void setUp() {
        bind = BindServer.builder().addPrimaryZone(ZONE, ZONE_TEXT).start();
        url = pg.createDatabase("hosts_" + DATABASES.incrementAndGet());
        a = new Host("cron-a", root.resolve("host-a"));
        b = new Host("cron-b", root.resolve("host-b"));
    }

    @AfterEach
    void tearDown() {
        if (bind != null) bind.close();
    }

    /** The same plan on both hosts, each with its own key and password file beside it. */
    void writePlans(String cutover, String phases, String takeoverAfter) throws Exception {
        for (Host h : List.of(a, b)) {
            Files.createDirectories(h.dir);
            Files.writeString(h.dir.resolve("key.secret"), bind.key().secret() + "\n");
            Files.writeString(h.dir.resolve("pg.pw"), pg.password() + "\n");
            Files.writeString(h.dir.resolve("web.yaml"), """
                    name: two-hosts
                    cutover: %s
                    provider:
                      type: rfc2136
                      server: "127.0.0.1:%d"
                      tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                      timeout: 2s
                    zones: [example.test]
                    ttl: { lowered: 1, restore: original, margin: 1s }
                    changes:
                      - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                    rewrite:
                      - { from: 203.0.113.25, to: 198.51.100.25 }
                    %s
                    nameservers: ["127.0.0.1:%d"]
                    propagation: { interval: 1s, queryTimeout: 1s }
                    state: %s&passwordFile=pg.pw&takeoverAfter=%s
                    """.formatted(cutover, bind.port(), bind.key().name(), bind.key().algorithm(), phases, bind.port(),
                    url, takeoverAfter));
        }
    }

    List<Event> journal() throws Exception {
        return PostgresStateStore.of(PostgresUrl.parse(url, root), "two-hosts", null, Clock.systemUTC(),
                Map.of("PGPASSWORD", pg.password())::get).read();
    }

    static long count(List<Event> events, String type, String phase) {
        return events.stream().filter(e -> e.type().equals(type) && phase.equals(e.phase())).count();
    }

    String served(String name) throws Exception {
        Message m = query(name, Type.A);
        List<String> out = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) out.add(r.getTTL() + " " + r.rdataToString());
        return String.join(",", out);
    }

    long serial() throws Exception {
        return ((SOARecord) query(ZONE, Type.SOA).getSection(Section.ANSWER).get(0)).getSerial();
    }

    Message query(String name, int type) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", bind.port()));
        r.setTimeout(Duration.ofSeconds(2));
        return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    // ---------------------------------------------------------------- cron on two hosts, real time

    @Test
    void twoHostsRunningApplyEverySecondRunEveryPhaseExactlyOnce() throws Exception {
        Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(25);
        writePlans(t.toString(), """
                phases:
                  - { id: lower-ttl,   at: T-20s, action: lower-ttl, timeout: 15s }
                  - { id: verify,      at: T-12s, action: verify }
                  - { id: swap,        at: T,     action: swap }
                  - { id: confirm,     at: T+2s,  action: confirm, timeout: 15s }
                  - { id: restore-ttl, at: T+6s,  action: restore-ttl, timeout: 15s }""", "5s");
        Instant deadline = t.plusSeconds(45);
        List<Host.Finished> done = new ArrayList<>();
        Host.Started[] running = new Host.Started[2];
        Host[] hosts = {a, b};
        // Each run that writes DNS is slow: it stops after its first write until this loop lets it go on,
        // two seconds later, so the other host's next runs certainly meet the lock held.
        Path[] slowWrite = {a.dir.resolve("slow-write"), b.dir.resolve("slow-write")};
        Instant[] slowSince = new Instant[2];
        boolean finished = false;
        while (Instant.now().isBefore(deadline) && !finished) {
            for (int i = 0; i < 2; i++) {
                if (running[i] != null && !running[i].process.isAlive()) {
                    done.add(running[i].await(Duration.ofSeconds(5)));
                    running[i] = null;
                }
                if (Files.exists(slowWrite[i])) {
                    if (slowSince[i] == null) slowSince[i] = Instant.now();
                    else if (Duration.between(slowSince[i], Instant.now()).toSeconds() >= 2) {
                        Files.delete(slowWrite[i]);
                        slowSince[i] = null;
                    }
                }
                if (running[i] == null) {
                    running[i] = hosts[i].start(Map.of("MIGRATE_PAUSE_AT", "after-write", "MIGRATE_PAUSE_FILE",
                            slowWrite[i].toString()), "apply", "web.yaml", "--quiet");
                }
            }
            finished = count(journal(), Event.PHASE_FINISHED, "restore-ttl") == 1;
            long ms = 1000 - Instant.now().toEpochMilli() % 1000;
            Thread.sleep(ms);
        }
        for (Host.Started s : running) if (s != null) done.add(s.await(Duration.ofSeconds(60)));

        assertThat(finished).as("the timeline finished by T+45s; runs: %s", done).isTrue();
        List<Event> events = journal();
        for (String phase : List.of("lower-ttl", "verify", "swap", "confirm", "restore-ttl")) {
            assertThat(count(events, Event.PHASE_STARTED, phase)).as("%s started", phase).isEqualTo(1);
            assertThat(count(events, Event.PHASE_FINISHED, phase)).as("%s finished", phase).isEqualTo(1);
        }
        assertThat(JournalState.of(events).pending()).isEmpty();
        assertThat(done).as("every run ended fine or found the lock held").allSatisfy(f ->
                assertThat(f.exit()).as(f.all()).isIn(0, 5));
        List<Host.Finished> refused = done.stream().filter(f -> f.exit() == 5).toList();
        System.out.println("TwoHostsTest: " + done.size() + " runs, " + refused.size() + " refused with exit 5");
        assertThat(refused).as("the two hosts met at the lock").isNotEmpty();
        assertThat(refused).allSatisfy(f -> assertThat(f.err()).contains("another run holds the lock on database postgresql://")
                .containsPattern("host cron-[ab] pid \\d+ \\(apply\\) since ").doesNotContain(pg.password()));
        assertThat(served("www.example.test.")).isEqualTo("2 198.51.100.20");
        assertThat(served("mail.example.test.")).isEqualTo("2 198.51.100.25");
    }

    // ---------------------------------------------------------------- the holder dies or freezes mid-swap

    static final String PHASES = """
            phases:
              - { id: lower-ttl,   at: T-72h, action: lower-ttl, timeout: 15s }
              - { id: verify,      at: T-24h, action: verify }
              - { id: swap,        at: T,     action: swap }
              - { id: confirm,     at: T+5m,  action: confirm, timeout: 15s }
              - { id: restore-ttl, at: T+24h, action: restore-ttl, timeout: 15s }""";
    static final String T = "2026-12-01T02:00:00Z";

    void upToTheSwap() throws Exception {
        writePlans(T, PHASES, "3s");
        for (String now : List.of("2026-11-28T02:00:00Z", "2026-11-30T02:00:00Z")) {
            Host.Finished f = a.run("apply", "web.yaml", "--now", now);
            assertThat(f.exit()).as(f.all()).isZero();
        }
        assertThat(served("www.example.test.")).isEqualTo("1 203.0.113.10");
    }

    @Test
    void theHolderKilledMidSwapIsFollowedAtOnceByTheOtherHostWhichSettlesAndFinishes() throws Exception {
        upToTheSwap();
        Path pause = a.dir.resolve("paused");
        Host.Started holder = a.start(Map.of("MIGRATE_PAUSE_AT", "after-write", "MIGRATE_PAUSE_FILE", pause.toString()),
                "apply", "web.yaml", "--now", T);
        Host.awaitPause(holder, pause, Duration.ofSeconds(60));
        assertThat(served("www.example.test.")).as("written, but the commit not journaled").isEqualTo("1 198.51.100.20");
        holder.kill9();

        Instant killed = Instant.now();
        Host.Finished other = b.run("apply", "web.yaml", "--now", T);
        Duration took = Duration.between(killed, Instant.now());
        System.out.println("TwoHostsTest: the other host finished the swap " + took.toMillis() + " ms after the kill");
        assertThat(other.exit()).as("not locked out: %s", other.all()).isZero();
        assertThat(other.out()).contains("recorded as committed").contains("swap: done");
        assertThat(took).as("the lock was free at once (not after takeoverAfter)").isLessThan(Duration.ofSeconds(30));
        List<Event> events = journal();
        assertThat(count(events, Event.PHASE_FINISHED, "swap")).isEqualTo(1);
        assertThat(JournalState.of(events).pending()).isEmpty();
        assertThat(served("www.example.test.")).isEqualTo("1 198.51.100.20");
        assertThat(served("mail.example.test.")).isEqualTo("1 198.51.100.25");

        Host.Finished back = b.run("rollback", "web.yaml", "--now", "2026-12-01T03:00:00Z", "--restore-ttl", "now");
        assertThat(back.exit()).as(back.all()).isZero();
        assertThat(served("www.example.test.")).isEqualTo("2 203.0.113.10");
    }

    @Test
    void aFrozenHolderIsTakenOverAndWhenItWakesItWritesNeitherJournalNorDns() throws Exception {
        upToTheSwap();
        Path pause = a.dir.resolve("paused");
        Host.Started holder = a.start(Map.of("MIGRATE_PAUSE_AT", "before-intent", "MIGRATE_PAUSE_FILE", pause.toString()),
                "apply", "web.yaml", "--now", T);
        Host.awaitPause(holder, pause, Duration.ofSeconds(60));
        Host.Finished early = b.run("apply", "web.yaml", "--now", T);
        assertThat(early.exit()).as("held while the holder lives: %s", early.all()).isEqualTo(5);
        assertThat(early.err()).contains("host cron-a pid " + holder.process.pid() + " (apply)");

        holder.signal("STOP"); // a partitioned host: alive, silent
        try {
            Instant stopped = Instant.now();
            Host.Finished took = null;
            while (took == null || took.exit() == 5) {
                assertThat(Duration.between(stopped, Instant.now())).as("taken over within takeoverAfter (3 s) and a margin")
                        .isLessThan(Duration.ofSeconds(3 + 12));
                took = b.run("apply", "web.yaml", "--now", T);
            }
            System.out.println("TwoHostsTest: a frozen holder was taken over " + Duration.between(stopped, Instant.now()).toMillis()
                    + " ms after SIGSTOP (takeoverAfter 3 s)");
            assertThat(took.exit()).as(took.all()).isZero();
            assertThat(took.out()).contains("swap: done");
            assertThat(served("www.example.test.")).isEqualTo("1 198.51.100.20");
            long serial = serial();
            int lines = journal().size();

            Files.delete(pause);
            holder.signal("CONT");
            Host.Finished woke = holder.await(Duration.ofSeconds(60));
            assertThat(woke.exit()).as("the woken holder stops: %s", woke.all()).isEqualTo(1);
            assertThat(woke.err()).contains("no longer holds the lock").contains("stopping before touching DNS");
            assertThat(serial()).as("it wrote nothing to DNS").isEqualTo(serial);
            assertThat(journal()).as("nor to the journal").hasSize(lines);
        } finally {
            if (holder.process.isAlive()) {
                holder.signal("CONT");
                holder.kill9();
            }
        }
    }
}
