package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static dev.migrate.engine.EngineFixture.count;
import static dev.migrate.engine.EngineFixture.journal;
import static dev.migrate.engine.EngineFixture.journalLines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.engine.EngineFixture.Finished;
import dev.migrate.engine.EngineFixture.Run;
import dev.migrate.state.StateLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One run at a time per plan: a second apply (or rollback) exits 5 at once and names the holder. */
class LockTest {
    static final String LOWER = "2026-11-28T02:00:00Z";
    static final String VERIFY = "2026-11-30T02:00:00Z";
    static final String SWAP = "2026-12-01T02:00:00Z";
    static final List<String> PHASES = List.of("lower-ttl", "verify", "swap", "confirm", "restore-ttl");
    static final Duration LIMIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    Path plan;
    Path stateDir;

    @BeforeEach
    void setUp() throws Exception {
        EngineFixture.copyExampleZone(dir);
        plan = dir.resolve("web.yaml");
        Files.writeString(plan, """
                name: locked-web
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: verify,      at: T-24h, action: verify }
                  - { id: swap,        at: T,     action: swap }
                  - { id: confirm,     at: T+5m,  action: confirm, timeout: 30m }
                  - { id: restore-ttl, at: T+24h, action: restore-ttl }
                """);
        stateDir = dir.resolve(".migrate/locked-web");
    }

    void assertNoPhaseRanTwice() throws Exception {
        List<JsonNode> events = journal(stateDir);
        for (String p : PHASES) {
            assertThat(count(events, "phase-started", p)).as("phase-started events for %s", p).isLessThanOrEqualTo(1);
            assertThat(count(events, "phase-finished", p)).as("phase-finished events for %s", p).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void secondApplyExitsFiveAtOnceNamingTheHolderAndTheFirstFinishes() throws Exception {
        assertThat(cli("apply", plan.toString(), "--now", LOWER).exit()).isZero();
        assertThat(cli("apply", plan.toString(), "--now", VERIFY).exit()).isZero();

        // the first run parks between the swap's intent and its write: it certainly holds the lock there
        Path pause = dir.resolve("first-paused");
        Process first = EngineFixture.start(EngineFixture.child(dir,
                Map.of("MIGRATE_PAUSE_AT", "after-intent", "MIGRATE_PAUSE_FILE", pause.toString()),
                List.of("apply", plan.toString(), "--now", SWAP)), dir, "first");
        try {
            assertThat(EngineFixture.awaitPause(first, pause, LIMIT)).as("the first run reached after-intent").isTrue();
            int linesWhileHeld = journalLines(stateDir).size();

            Instant started = Instant.now();
            Process second = EngineFixture.start(EngineFixture.child(dir, Map.of(),
                    List.of("apply", plan.toString(), "--now", SWAP)), dir, "second");
            Finished s = EngineFixture.await(second, dir, "second", LIMIT);
            Duration took = Duration.between(started, Instant.now());
            assertThat(first.isAlive()).as("the first run still holds the lock").isTrue();
            assertThat(s.exit()).as("second run: %s%s", s.out(), s.err()).isEqualTo(5);
            assertThat(s.err()).contains("pid " + first.pid()).contains("since " + SWAP).contains("apply");
            assertThat(took).as("exits at once, not after waiting for the lock").isLessThan(Duration.ofSeconds(30));
            assertThat(journalLines(stateDir)).as("the refused run wrote nothing").hasSize(linesWhileHeld);

            // a rollback is refused the same way while the apply runs
            Run rb = cli("rollback", plan.toString(), "--now", SWAP);
            assertThat(rb.exit()).as(rb.all()).isEqualTo(5);
            assertThat(rb.err()).contains("pid " + first.pid());

            Files.delete(pause); // let the first run go on
            Finished f = EngineFixture.await(first, dir, "first", LIMIT);
            assertThat(f.exit()).as("first run: %s%s", f.out(), f.err()).isZero();
            assertThat(f.out()).contains("swap: done");
            assertNoPhaseRanTwice();
            assertThat(count(journal(stateDir), "phase-finished", "swap")).isEqualTo(1);
            assertThat(Files.readString(stateDir.resolve("lock"))).as("the lock file is cleared on release").isEmpty();
        } finally {
            if (first.isAlive()) first.destroyForcibly(); // a failed assertion must not leave it parked
        }
        Run after = cli("apply", plan.toString(), "--now", SWAP);
        assertThat(after.exit()).as("the lock is free again: %s", after.all()).isZero();
    }

    @Test
    void twoAppliesStartedTogetherNeverRunAPhaseTwice() throws Exception {
        for (int round = 0; round < 3; round++) {
            Path d = Files.createDirectories(dir.resolve("round" + round));
            EngineFixture.copyExampleZone(d);
            Path p = d.resolve("web.yaml");
            Files.writeString(p, Files.readString(plan));
            stateDir = d.resolve(".migrate/locked-web");
            // at T-24h lower-ttl and verify are both due: both runs want to run them
            Process a = EngineFixture.start(EngineFixture.child(d, Map.of(), List.of("apply", p.toString(), "--now", VERIFY)), d, "a");
            Process b = EngineFixture.start(EngineFixture.child(d, Map.of(), List.of("apply", p.toString(), "--now", VERIFY)), d, "b");
            Finished fa = EngineFixture.await(a, d, "a", LIMIT);
            Finished fb = EngineFixture.await(b, d, "b", LIMIT);
            assertThat(List.of(fa.exit(), fb.exit())).as("exit codes: a %s%s / b %s%s", fa.out(), fa.err(), fb.out(), fb.err())
                    .allMatch(c -> c == 0 || c == 5).contains(0);
            for (Finished f : List.of(fa, fb)) {
                if (f.exit() == 5) assertThat(f.err()).contains("another run holds the lock").contains("pid ");
            }
            assertNoPhaseRanTwice();
            List<JsonNode> events = journal(stateDir);
            assertThat(count(events, "phase-finished", "lower-ttl")).isEqualTo(1);
            assertThat(count(events, "phase-finished", "verify")).isEqualTo(1);
        }
    }

    @Test
    void stateLockTwiceInOneProcessIsHeld() throws Exception {
        Path sd = dir.resolve("state");
        Instant since = Instant.parse("2026-12-01T02:00:00Z");
        try (StateLock held = StateLock.acquire(sd, "apply", since)) {
            assertThatThrownBy(() -> StateLock.acquire(sd, "rollback", since.plusSeconds(5)))
                    .isInstanceOf(StateLock.HeldException.class)
                    .hasMessageContaining("pid " + ProcessHandle.current().pid())
                    .hasMessageContaining("(apply)")
                    .hasMessageContaining("since " + since);
        }
        // released: it can be taken again
        try (StateLock again = StateLock.acquire(sd, "rollback", since)) {
            assertThat(Files.readString(sd.resolve("lock"))).contains("(rollback)");
        }
    }

    @Test
    void everyCommandThatWritesRefusesWhileTheLockIsHeld() throws Exception {
        try (StateLock held = StateLock.acquire(stateDir, "apply", Instant.parse(LOWER))) {
            for (String[] args : List.of(
                    new String[] {"apply", plan.toString(), "--now", LOWER},
                    new String[] {"rollback", plan.toString(), "--now", LOWER},
                    new String[] {"approve", plan.toString(), "swap", "--by", "alice"},
                    new String[] {"apply", plan.toString(), "--now", LOWER, "--restart"})) {
                Run r = cli(args);
                assertThat(r.exit()).as("%s: %s", List.of(args), r.all()).isEqualTo(5);
                assertThat(r.err()).contains("pid " + ProcessHandle.current().pid()).contains("since " + LOWER);
            }
            // reading is fine while another run works
            Run status = cli("status", plan.toString(), "--now", LOWER);
            assertThat(status.exit()).isZero();
            Run dry = cli("apply", plan.toString(), "--now", LOWER, "--dry-run");
            assertThat(dry.exit()).as(dry.all()).isZero();
        }
        assertThat(journalLines(stateDir)).isEmpty();
    }
}
