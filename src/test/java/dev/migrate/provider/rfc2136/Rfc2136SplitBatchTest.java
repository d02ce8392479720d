package dev.migrate.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.state.Batch;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change larger than one UPDATE message, through the CLI against BIND: 500 RRsets of four addresses
 * each. The adapter cuts it into batches of one message each, so the journal holds one intent per
 * message and every batch lands whole; a SIGKILL of migrate at any point leaves each journaled batch
 * wholly applied or not at all, and the next run settles it.
 */
@LabTest
class Rfc2136SplitBatchTest {
    static final String ZONE = "big.test.";
    static final int NAMES = 500;

    @TempDir
    Path dir;

    static String zoneText() {
        StringBuilder z = new StringBuilder("""
                $TTL 3600
                @   IN SOA ns1.big.test. hostmaster.big.test. 1 3600 600 86400 300
                @   IN NS  ns1.big.test.
                ns1 IN A   127.0.0.1
                """);
        for (int i = 0; i < NAMES; i++) {
            for (int k = 1; k <= 4; k++) z.append("h").append(i).append(" IN A 203.0.113.").append(k).append('\n');
        }
        return z.toString();
    }

    Path plan(BindServer bind) throws Exception {
        return LabDns.rfc2136Plan(dir, "big", bind.port(), bind.key(), "5s", List.of(ZONE), List.of(
                "203.0.113.1 198.51.100.1", "203.0.113.2 198.51.100.2", "203.0.113.3 198.51.100.3",
                "203.0.113.4 198.51.100.4"));
    }

    ZoneSnapshot zone(BindServer bind) throws Exception {
        return LabDns.provider(bind.port(), bind.key(), dir).read(ZONE);
    }

    Path state() {
        return dir.resolve(".migrate").resolve("big");
    }

    List<Batch> batches(String phase) throws Exception {
        return JournalState.of(Journal.eventsIn(state())).batches().stream().filter(b -> b.phase().equals(phase)).toList();
    }

    void assertAll(BindServer bind, long ttl, String prefix) throws Exception {
        ZoneSnapshot z = zone(bind);
        for (int i = 0; i < NAMES; i++) {
            RRset s = z.get("h" + i + "." + ZONE, "A");
            assertThat(s.ttl()).as(s.toString()).isEqualTo(ttl);
            assertThat(s.rdata()).as(s.toString()).containsExactly(prefix + "1", prefix + "2", prefix + "3", prefix + "4");
        }
    }

    @Test
    void aChangeLargerThanOneMessageIsJournaledAsOneBatchPerMessageAndEachLandsWhole() throws Exception {
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, zoneText()).start()) {
            Path plan = plan(bind);
            for (String[] step : new String[][] {{"lower-ttl", "2030-01-07T12:00:00Z"}, {"swap", "2030-01-10T12:00:00Z"}}) {
                if (step[0].equals("swap")) {
                    assertThat(Cli.migrate("apply", plan.toString(), "--now", "2030-01-09T12:00:00Z").code()).isZero();
                }
                long serial = LabDns.serial(bind.port(), ZONE);
                Cli.Run r = Cli.migrate("apply", plan.toString(), "--now", step[1]);
                assertThat(r.code()).as(r.all()).isZero();
                List<Batch> bs = batches(step[0]);
                System.out.printf("%s of %d RRsets x 4 records: %d batches, sizes %s%n", step[0], NAMES, bs.size(),
                        bs.stream().map(b -> b.changes().size()).toList());
                // 500 RRsets of four records do not fit one 64 KiB message: several batches, one UPDATE each
                // (BIND moves the serial by one per UPDATE), each committed, together the whole change.
                assertThat(bs).hasSizeGreaterThan(1);
                assertThat(LabDns.serial(bind.port(), ZONE) - serial).as("UPDATE messages").isEqualTo(bs.size());
                assertThat(bs).allMatch(b -> b.status() == Batch.Status.COMMITTED);
                assertThat(bs.stream().mapToInt(b -> b.changes().size()).sum()).isEqualTo(NAMES);
            }
            assertAll(bind, 300, "198.51.100.");

            long serial = LabDns.serial(bind.port(), ZONE);
            Cli.Run back = Cli.migrate("rollback", plan.toString(), "--now", "2030-01-10T13:00:00Z");
            assertThat(back.code()).as(back.all()).isZero();
            List<Batch> undo = batches(Event.ROLLBACK_PHASE);
            assertThat(undo).hasSizeGreaterThan(1);
            assertThat(LabDns.serial(bind.port(), ZONE) - serial).isEqualTo(undo.size());
            // the old data at once, at the lowered TTL for a day, then the original TTL
            assertAll(bind, 300, "203.0.113.");
            serial = LabDns.serial(bind.port(), ZONE);
            int journaled = JournalState.of(Journal.eventsIn(state())).batches().size();
            Cli.Run restore = Cli.migrate("apply", plan.toString(), "--now", "2030-01-11T13:00:00Z");
            assertThat(restore.code()).as(restore.all()).isZero();
            assertThat(LabDns.serial(bind.port(), ZONE) - serial).as("UPDATE messages")
                    .isEqualTo(JournalState.of(Journal.eventsIn(state())).batches().size() - journaled);
            assertAll(bind, 3600, "203.0.113.");
        }
    }

    @Test
    void aKilledRunLeavesEveryJournaledBatchWholeOrUntouchedAndTheNextRunSettlesIt() throws Exception {
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, zoneText()).start()) {
            Path plan = plan(bind);
            // SIGKILL migrate (a child JVM) as soon as the lower-ttl's first intent is journaled, and again
            // in the rollback: the moment falls before, during or after the first message.
            killAfterFirstIntent("lower-ttl", List.of("apply", plan.toString(), "--now", "2030-01-07T12:00:00Z"));
            System.out.println("killed lower-ttl: " + JournalState.of(Journal.eventsIn(state())).batches().stream()
                    .map(b -> b.id() + " " + b.status()).toList());
            assertEveryPendingBatchWholeOrUntouched(bind);
            Cli.Run resumed = Cli.migrate("apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
            assertThat(resumed.code()).as(resumed.all()).isZero();
            assertThat(JournalState.of(Journal.eventsIn(state())).pending()).isEmpty();
            assertAll(bind, 300, "203.0.113.");

            killAfterFirstIntent(Event.ROLLBACK_PHASE, List.of("rollback", plan.toString(), "--now", "2030-01-08T12:00:00Z"));
            assertEveryPendingBatchWholeOrUntouched(bind);
            Cli.Run rolledBack = Cli.migrate("rollback", plan.toString(), "--now", "2030-01-08T12:00:00Z");
            assertThat(rolledBack.code()).as(rolledBack.all()).isZero();
            assertThat(JournalState.of(Journal.eventsIn(state())).pending()).isEmpty();
            // the original TTLs come back a day after the rollback (a retry would need no new lowering)
            Cli.Run restored = Cli.migrate("apply", plan.toString(), "--now", "2030-01-09T12:00:00Z");
            assertThat(restored.code()).as(restored.all()).isZero();
            assertAll(bind, 3600, "203.0.113.");
        }
    }

    void assertEveryPendingBatchWholeOrUntouched(BindServer bind) throws Exception {
        ZoneSnapshot z = zone(bind);
        for (Batch b : JournalState.of(Journal.eventsIn(state())).pending()) {
            boolean before = true;
            boolean after = true;
            for (RRsetChange c : b.changes()) {
                before &= Objects.equals(z.get(c.key()), c.before());
                after &= Objects.equals(z.get(c.key()), c.after());
            }
            assertThat(before || after).as("batch " + b.id() + " is wholly before or wholly after").isTrue();
        }
    }

    void killAfterFirstIntent(String phase, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), "dev.migrate.cli.Main"));
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("child.out").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try {
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (Files.exists(state().resolve("journal.jsonl"))
                        && JournalState.of(Journal.eventsIn(state())).batches().stream().anyMatch(b -> b.phase().equals(phase))) {
                    break;
                }
                Thread.sleep(1);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL, by this child's own PID
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
