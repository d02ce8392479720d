package dev.migrate.state.pg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.lab.PostgresServer;
import dev.migrate.secret.Secret;
import dev.migrate.state.Event;
import dev.migrate.state.FileStateStore;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalSession;
import dev.migrate.state.LockHeldException;
import dev.migrate.state.LockLostException;
import dev.migrate.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL state store against a real PostgreSQL 15 on loopback: the journal's order and images,
 * durability when the writer is killed, the lock refused naming its holder, epoch fencing, a frozen
 * holder taken over, and the schema's version row.
 */
class PostgresStateStoreTest {
    static PostgresServer pg;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    static PostgresStateStore store(String migration, Clock clock) {
        return store(pg.url(), migration, clock);
    }

    static PostgresStateStore store(String url, String migration, Clock clock) {
        return PostgresStateStore.of(PostgresUrl.parse(url, Path.of(".")), migration, "digest-" + migration, clock,
                Map.of("PGPASSWORD", pg.password())::get);
    }

    /** A clock that moves on by a fraction of a second at each reading, nanoseconds included. */
    static Clock ticking(Instant start) {
        return new Clock() {
            Instant now = start;

            @Override
            public Instant instant() {
                now = now.plusNanos(1_234_567_891L);
                return now;
            }

            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
    }

    static List<RRsetChange> changes() {
        RRset before = new RRset("www.example.com.", "A", 3600, List.of("203.0.113.10"));
        RRset after = new RRset("www.example.com.", "A", 300, List.of("198.51.100.20"));
        RRset txt = new RRset("key.example.com.", "TXT", 300, List.of("\"token=store-test-secret-1234\" \"x\\\"y\""));
        return List.of(RRsetChange.of("example.com.", before, after), RRsetChange.of("example.com.", null, txt));
    }

    /** The same run of appends against any store. */
    static List<Event> script(StateStore s) throws Exception {
        List<Event> returned = new ArrayList<>();
        try (JournalSession j = s.open("apply")) {
            assertThat(j.eventsAtOpen()).isEmpty();
            returned.add(j.append(Event.PHASE_STARTED, "swap", Map.of()));
            returned.add(j.append(Event.INTENT, "swap", "swap#1", "example.com.", changes(), Map.of("note", "quote \" and \\ ")));
            returned.add(j.append(Event.COMMIT, "swap", "swap#1", "example.com.", null, Map.of()));
            returned.add(j.append(Event.PHASE_FINISHED, "swap", Map.of("message", "done", "b", "2", "a", "1")));
        }
        return returned;
    }

    @Test
    void eventsComeBackInOrderWithExactlyTheFileJournalsImagesAndRedaction() throws Exception {
        Secret.of("store-test-secret-1234", "test");
        Instant t0 = Instant.parse("2026-12-01T02:00:00.123456789Z");
        FileStateStore file = new FileStateStore(dir.resolve("state"), ticking(t0));
        PostgresStateStore db = store("images", ticking(t0));

        List<Event> fromFile = script(file);
        List<Event> fromDb = script(db);
        assertThat(fromDb).as("what append returned").isEqualTo(fromFile);

        List<Event> readFile = file.read();
        List<Event> readDb = db.read();
        assertThat(readDb).as("read back, nanoseconds and all").isEqualTo(readFile);
        assertThat(readDb).extracting(Event::seq).containsExactly(1L, 2L, 3L, 4L);
        List<String> fileLines = Files.readAllLines(dir.resolve("state/journal.jsonl"));
        assertThat(readDb.stream().map(Journal::line).toList()).as("the same JSON lines as the file journal")
                .isEqualTo(fileLines);
        assertThat(String.join("\n", fileLines)).doesNotContain("store-test-secret-1234").contains("***");

        try (Connection c = pg.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select type, changes::text, info::text, epoch from migrate_event"
                        + " where migration = 'images' order by seq")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("phase-started");
            rs.next();
            assertThat(rs.getString(2)).as("changes as jsonb").contains("\"rdata\": [\"198.51.100.20\"]")
                    .doesNotContain("store-test-secret-1234");
            assertThat(rs.getString(3)).contains("\"note\"");
            assertThat(rs.getLong(4)).isEqualTo(1);
        }
    }

    @Test
    void theSchemaIsCreatedOnFirstUseWithItsVersionAndANewerOneIsRefused() throws Exception {
        store("schema-check", Clock.systemUTC()).open("apply").close();
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select version from migrate_schema")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(Schema.VERSION);
                assertThat(rs.next()).isFalse();
            }
            st.execute("insert into migrate_schema (version) values (" + (Schema.VERSION + 1) + ")");
            try {
                assertThatThrownBy(() -> store("schema-check", Clock.systemUTC()).open("apply"))
                        .hasMessageContaining("schema version " + (Schema.VERSION + 1)).hasMessageContaining("upgrade migrate");
                assertThatThrownBy(() -> store("schema-check", Clock.systemUTC()).read())
                        .hasMessageContaining("schema version " + (Schema.VERSION + 1));
            } finally {
                st.execute("delete from migrate_schema where version = " + (Schema.VERSION + 1));
            }
        }
    }

    @Test
    void aKilledWriterLosesNoAppendThatReturned() throws Exception {
        try (Child child = new Child(pg, pg.url(), "durable", "host-a")) {
            assertThat(child.ask("open apply")).startsWith("opened ");
            child.send("append 100000");
            long last = 0;
            for (int i = 0; i < 200; i++) {
                String l = child.next(Duration.ofSeconds(30));
                assertThat(l).startsWith("appended ");
                last = Long.parseLong(l.substring("appended ".length()));
            }
            child.kill9();
            // the lock goes with the killed process: taken at once, though its server process may take a
            // moment to notice the closed connection
            try (JournalSession j = store("durable", Clock.systemUTC()).open("apply")) {
                List<Event> events = j.eventsAtOpen();
                assertThat(events.size()).as("every append that returned before the kill is there").isGreaterThanOrEqualTo((int) last);
                for (int i = 0; i < events.size(); i++) assertThat(events.get(i).seq()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void aSecondRunIsRefusedNamingTheHolderHostPidCommandAndSince() throws Exception {
        try (Child child = new Child(pg, pg.url(), "held", "cron-host-a")) {
            assertThat(child.ask("open apply")).startsWith("opened ");
            assertThat(child.ask("append 1")).isEqualTo("appended 1");
            Instant before = Instant.now();
            assertThatThrownBy(() -> store("held", Clock.systemUTC()).open("rollback"))
                    .isInstanceOf(LockHeldException.class)
                    .hasMessageContaining("another run holds the lock on database " + pg.url().replace("?user=migrate", "")
                            .replace("postgresql://", "postgresql://migrate@"))
                    .hasMessageContaining("host cron-host-a pid " + child.pid() + " (apply) since ")
                    .hasMessageContaining("last heard from")
                    .hasMessageNotContaining(pg.password());
            assertThat(Duration.between(before, Instant.now())).as("refused at once").isLessThan(Duration.ofSeconds(5));
            // another migration in the same database is not held up
            try (JournalSession other = store("held-not", Clock.systemUTC()).open("apply")) {
                other.append(Event.PHASE_STARTED, "x", Map.of());
            }
            assertThat(child.ask("close")).isEqualTo("closed");
        }
        try (JournalSession j = store("held", Clock.systemUTC()).open("apply")) {
            assertThat(j.eventsAtOpen()).hasSize(1);
        }
    }

    @Test
    void anAppendNamingAStaleEpochInsertsNothingAndIsRefused() throws Exception {
        PostgresStateStore s = store("fenced", Clock.systemUTC());
        try (JournalSession j = s.open("apply")) {
            j.append(Event.PHASE_STARTED, "swap", Map.of());
            // As if the session lock had been lost behind this run's back (a pooler in transaction mode, an
            // administrator's pg_advisory_unlock) and another host had taken the lock: the epoch moved on.
            try (Connection c = pg.connect(); Statement st = c.createStatement()) {
                st.execute("update migrate_migration set epoch = epoch + 1 where name = 'fenced'");
            }
            assertThatThrownBy(() -> j.append(Event.INTENT, "swap", "swap#1", "example.com.", changes(), Map.of()))
                    .isInstanceOf(LockLostException.class)
                    .hasMessageContaining("another run took the lock over")
                    .hasMessageContaining("stopping before touching DNS");
            assertThatThrownBy(() -> j.append(Event.PHASE_FINISHED, "swap", Map.of()))
                    .as("and every append after it").isInstanceOf(LockLostException.class);
            assertThatThrownBy(j::archive).isInstanceOf(LockLostException.class);
        }
        assertThat(s.read()).extracting(Event::type).containsExactly(Event.PHASE_STARTED);
    }

    @Test
    void aHolderWhoseSessionTheServerEndedIsRefusedAndTheNextRunTakesOver() throws Exception {
        PostgresStateStore s = store("terminated", Clock.systemUTC());
        JournalSession first = s.open("apply");
        first.append(Event.PHASE_STARTED, "swap", Map.of());
        try (Connection c = pg.connect(); Statement st = c.createStatement()) {
            st.execute("select pg_terminate_backend(holder_backend) from migrate_migration where name = 'terminated'");
        }
        try (JournalSession second = s.open("apply")) {
            assertThat(((PostgresJournalSession) second).epoch()).isEqualTo(((PostgresJournalSession) first).epoch() + 1);
            assertThatThrownBy(() -> first.append(Event.INTENT, "swap", "swap#1", "example.com.", changes(), Map.of()))
                    .isInstanceOf(LockLostException.class);
            second.append(Event.PHASE_FINISHED, "swap", Map.of());
        } finally {
            first.close();
        }
        assertThat(s.read()).extracting(Event::type).containsExactly(Event.PHASE_STARTED, Event.PHASE_FINISHED);
    }

    @Test
    void aFrozenHolderIsTakenOverWithinTakeoverAfterAndItsNextAppendIsRefused() throws Exception {
        String url = pg.url() + "&takeoverAfter=3s";
        try (Child child = new Child(pg, url, "frozen", "partitioned-host")) {
            assertThat(child.ask("open apply")).startsWith("opened ");
            assertThat(child.ask("append 1")).isEqualTo("appended 1");
            // held while it lives and beats, well past takeoverAfter
            Thread.sleep(4500);
            assertThatThrownBy(() -> store(url, "frozen", Clock.systemUTC()).open("apply")).isInstanceOf(LockHeldException.class);

            child.signal("STOP");
            Instant stopped = Instant.now();
            Instant lastBeat; // the frozen holder beats no more: the server counts its silence from here
            try (Connection c = pg.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("select heartbeat from migrate_migration where name = 'frozen'")) {
                rs.next();
                lastBeat = rs.getObject(1, java.time.OffsetDateTime.class).toInstant();
            }
            JournalSession taken = null;
            while (taken == null) {
                try {
                    taken = store(url, "frozen", Clock.systemUTC()).open("apply");
                } catch (LockHeldException e) {
                    assertThat(Duration.between(stopped, Instant.now())).as("still held: %s", e.getMessage())
                            .isLessThan(Duration.ofSeconds(3 + 5));
                    Thread.sleep(200);
                }
            }
            Duration took = Duration.between(stopped, Instant.now());
            System.out.println("PostgresStateStoreTest: a frozen holder was taken over after " + took.toMillis() + " ms"
                    + " (takeoverAfter 3 s)");
            assertThat(Duration.between(lastBeat, Instant.now())).as("not before the holder was silent for takeoverAfter")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            try (JournalSession j = taken) {
                j.append(Event.PHASE_STARTED, "taken-over", Map.of());
                child.signal("CONT");
                assertThat(child.ask("append 1")).as("the woken holder's next append").startsWith("lost ")
                        .contains("stopping before touching DNS");
                j.append(Event.PHASE_FINISHED, "taken-over", Map.of());
            }
        }
        assertThat(store("frozen", Clock.systemUTC()).read()).extracting(Event::phase)
                .containsExactly("child", "taken-over", "taken-over");
    }

    @Test
    void archiveStartsAFreshJournalAndKeepsTheOldEventsInTheTable() throws Exception {
        PostgresStateStore s = store("restarted", Clock.systemUTC());
        try (JournalSession j = s.open("apply --restart")) {
            j.append(Event.PHASE_STARTED, "lower-ttl", Map.of());
            j.append(Event.ROLLBACK_FINISHED, null, Map.of());
            assertThat(j.archive()).contains("journal 1 of database").contains("migration restarted");
            assertThat(j.append(Event.PHASE_STARTED, "lower-ttl", Map.of()).seq()).isEqualTo(1);
        }
        assertThat(s.read()).hasSize(1);
        try (Connection c = pg.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select journal, count(*) from migrate_event where migration = 'restarted'"
                        + " group by journal order by journal")) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(1);
            assertThat(rs.getInt(2)).isEqualTo(2);
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(2);
            assertThat(rs.getInt(2)).isEqualTo(1);
        }
    }

    @Test
    void aWrongPasswordIsAClearErrorThatNeverShowsIt() {
        PostgresStateStore s = PostgresStateStore.of(PostgresUrl.parse(pg.url(), Path.of(".")), "pw", "d",
                Clock.systemUTC(), Map.of("PGPASSWORD", "not-the-password-4321")::get);
        assertThatThrownBy(s::read).hasMessageContaining("password authentication failed")
                .hasMessageNotContaining("not-the-password-4321");
    }
}
