package dev.migrate.provider.rfc2136;

import static dev.migrate.provider.rfc2136.LabDns.ZONE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.state.Event;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real BIND that hangs (SIGSTOP by its PID): every request has a deadline, a write fails within the
 * provider's timeout, a read within its bounded tries, and once the server runs again the next run
 * settles what the hung one left.
 */
@LabTest
class Rfc2136HungServerTest {
    @TempDir
    Path dir;

    @Test
    void aStoppedBindFailsAWriteWithinTheTimeoutAndAReadWithinItsTries() throws Exception {
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, LabDns.ZONE_TEXT).start()) {
            var settings = LabDns.settings(bind.port(), bind.key(), dir, "axfr");
            settings.put("timeout", "1s");
            List<Duration> pauses = new ArrayList<>();
            Rfc2136Provider p = LabDns.provider(settings, dir, pauses);
            RRset www = p.read(ZONE).get("www.example.test.", "A");
            List<RRsetChange> batch = List.of(RRsetChange.of(ZONE, www, www.withTtl(300)));

            signal(bind, "STOP");
            try {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> p.apply(ZONE, batch)).isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("within 1s").doesNotContain("tried");
                });
                Duration write = Duration.ofNanos(System.nanoTime() - t0);
                assertThat(pauses).isEmpty(); // not tried again inside the adapter: the engine decides
                assertThat(p.updateMessagesSent()).isLessThanOrEqualTo(1);

                long t1 = System.nanoTime();
                assertThatThrownBy(() -> p.read(ZONE)).isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.TIMEOUT);
                    assertThat(e.getMessage()).contains("tried 3 times");
                });
                Duration read = Duration.ofNanos(System.nanoTime() - t1);
                System.out.printf("stopped BIND, timeout 1s: apply failed after %d ms, read (3 tries) after %d ms%n",
                        write.toMillis(), read.toMillis());
                assertThat(write).isLessThan(Duration.ofMillis(1800));
                // three tries of one second; the pauses between them are recorded, not slept
                assertThat(read).isLessThan(Duration.ofMillis(4500));
            } finally {
                signal(bind, "CONT");
            }
            // Running again: the same provider reconnects, and the write lands (or had landed) whole.
            p.apply(ZONE, batch);
            assertThat(LabDns.served(bind.port(), "www.example.test.", "A")).isEqualTo(www.withTtl(300));
            p.close();
        }
    }

    @Test
    void aConnectionLeftIdleIsReplacedBeforeTheNextRequest() throws Exception {
        // Servers close idle connections (Knot after 10 s); a write must not go out on one just closed.
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, LabDns.ZONE_TEXT).start()) {
            Rfc2136Provider p = LabDns.provider(bind.port(), bind.key(), dir);
            RRset www = p.read(ZONE).get("www.example.test.", "A");
            p.read(ZONE);
            assertThat(p.connectionsOpened()).isEqualTo(1);
            Thread.sleep(DnsClient.IDLE.toMillis() + 300);
            p.apply(ZONE, List.of(RRsetChange.of(ZONE, www, www.withTtl(300))));
            assertThat(p.connectionsOpened()).isEqualTo(2);
            assertThat(LabDns.served(bind.port(), "www.example.test.", "A")).isEqualTo(www.withTtl(300));
            p.close();
        }
    }

    @Test
    void migrateApplyAgainstABindStoppedInTheMiddleOfAPhaseStopsInBoundedTimeAndTheNextRunSettles() throws Exception {
        int zones = 60;
        BindServer.Builder b = BindServer.builder();
        List<String> names = LabDns.smallZones(b, "z", zones);
        try (BindServer bind = b.start()) {
            Path plan = LabDns.rfc2136Plan(dir, "hung", bind.port(), bind.key(), "1s", names,
                    List.of("203.0.113.10 198.51.100.10"));
            Path journal = dir.resolve(".migrate").resolve("hung");

            // Stop BIND once a third of the zones' batches are journaled, while the run is writing.
            AtomicLong stoppedAt = new AtomicLong();
            Thread stopper = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                try {
                    while (System.nanoTime() < deadline) {
                        if (intents(journal) >= zones / 3) {
                            signal(bind, "STOP");
                            stoppedAt.set(System.nanoTime());
                            return;
                        }
                        Thread.sleep(2);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            stopper.start();
            Cli.Run hung;
            long end;
            try {
                hung = Cli.migrate("apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
                end = System.nanoTime();
                stopper.join();
            } finally {
                signal(bind, "CONT");
            }
            assertThat(stoppedAt.get()).as("BIND was stopped during the phase").isPositive();
            Duration afterStop = Duration.ofNanos(end - stoppedAt.get());
            System.out.printf("migrate apply, BIND stopped mid-phase, timeout 1s: exit %d %d ms after the stop%n",
                    hung.code(), afterStop.toMillis());
            assertThat(hung.code()).as(hung.all()).isEqualTo(1);
            assertThat(hung.err()).contains("1s");
            // The adapter never waits longer than its timeout per request and tries a write once; what is
            // left is the engine reading back once to settle the batch. Before: 3 x 3 tries, 28 s here.
            assertThat(afterStop).isLessThan(Duration.ofSeconds(15));

            Cli.Run again = Cli.migrate("apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
            assertThat(again.code()).as(again.all()).isZero();
            assertThat(JournalState.of(Journal.eventsIn(journal)).pending()).isEmpty();
            for (String z : names) {
                assertThat(LabDns.served(bind.port(), "www." + z, "A").ttl()).isEqualTo(300);
                assertThat(LabDns.served(bind.port(), z, "A").ttl()).isEqualTo(300);
            }
        }
    }

    static long intents(Path stateDir) throws Exception {
        Path j = stateDir.resolve("journal.jsonl");
        if (!Files.exists(j)) return 0;
        return Files.readAllLines(j).stream().filter(l -> l.contains("\"" + Event.INTENT + "\"")).count();
    }

    /** Sends a signal to the lab server's own process, by its PID. */
    static void signal(BindServer bind, String signal) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(bind.pid())).inheritIO().start();
        if (k.waitFor() != 0) throw new IllegalStateException("kill -" + signal + " " + bind.pid() + " failed");
    }
}
