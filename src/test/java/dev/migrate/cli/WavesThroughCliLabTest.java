package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.PortRelay;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.testing.Cli;
import dev.migrate.testing.Dig;
import dev.migrate.testing.LabPlan;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waves over 20 zones on one BIND primary (rfc2136, TSIG) and one BIND secondary, through the command line:
 * a canary zone, then four, then the rest. The secondary is frozen for one zone: it transfers that zone
 * through a relay the test cuts after the lowering, as when a secondary loses its path to the primary. A
 * secondary that cannot reach its primary keeps serving its last copy of the zone until the SOA expire
 * (RFC 1034 §4.3.5), so the swap of that zone never reaches it: the confirm of the wave holding it fails at
 * its deadline naming the secondary, that wave alone is taken back (its revert confirmed everywhere, the TTLs
 * kept low), earlier waves stay, and no later wave runs until {@code apply --restart}.
 */
@LabTest
class WavesThroughCliLabTest {
    static final String OLD = "203.0.113.10";
    static final String NEW = "198.51.100.10";
    static final Instant T = Instant.parse("2030-06-01T01:00:00Z");
    static final List<String> ZONES = IntStream.rangeClosed(1, 20).mapToObj(i -> String.format("site%02d.test.", i)).toList();
    static final List<String> CANARY = ZONES.subList(0, 1);
    static final List<String> WAVE_2 = ZONES.subList(1, 5);
    static final List<String> REST = ZONES.subList(5, 20);
    static final Instant CANARY_LIVE = T.plusSeconds(60);
    static final Instant WAVE_2_AT = CANARY_LIVE.plusSeconds(3600);

    @TempDir
    Path dir;

    static String zoneText(String zone) {
        return """
                $TTL 3600
                @    IN SOA ns1.%1$s hostmaster.%1$s 1 3600 600 86400 60
                @    86400 IN NS ns1.%1$s
                ns1  86400 IN A  127.0.0.1
                @    IN A   203.0.113.10
                www  IN A   203.0.113.10
                """.formatted(zone);
    }

    final class Lab implements AutoCloseable {
        final TsigKey key = TsigKey.random("lab-key");
        final int secondaryPort = Ports.free();
        final InetSocketAddress pathOfTheFrozenZone = new InetSocketAddress(InetAddress.getLoopbackAddress(), Ports.free());
        final BindServer primary;
        PortRelay relay;
        final BindServer secondary;
        final Path plan;

        Lab(String frozen) throws Exception {
            BindServer.Builder p = BindServer.builder().key(key);
            for (String z : ZONES) p.addPrimaryZone(z, zoneText(z), secondaryPort);
            primary = p.start();
            relay = PortRelay.start(pathOfTheFrozenZone, primary.port());
            BindServer.Builder s = BindServer.builder().port(secondaryPort).key(key);
            for (String z : ZONES) s.addSecondaryZone(z, z.equals(frozen) ? pathOfTheFrozenZone.getPort() : primary.port(), key, null);
            secondary = s.start();
            plan = dir.resolve("waves.yaml");
            Files.writeString(plan, """
                    name: waves-lab
                    cutover: %s
                    """.formatted(T) + LabPlan.rfc2136(dir, primary.port(), key) + """
                    zones: [%s]
                    ttl: { lowered: 300, restore: original }
                    rewrite:
                      - { from: %s, to: %s }
                    nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                    phases:
                      - { id: lower-ttl,     at: T-72h, action: lower-ttl, timeout: 20s }
                      - { id: canary,        at: T,     action: swap, zones: [%s] }
                      - { id: canary-live,   at: canary+1m, action: confirm, timeout: 4s }
                      - { id: wave-2,        at: canary-live+1h, action: swap, zones: [%s] }
                      - { id: wave-2-live,   at: wave-2+1m, action: confirm, timeout: 4s }
                      - { id: the-rest,      at: wave-2-live+1h, action: swap, zones: rest }
                      - { id: the-rest-live, at: the-rest+1m, action: confirm, timeout: 10s }
                      - { id: restore-ttl,   at: T+5d, action: restore-ttl }
                    """.formatted(String.join(", ", ZONES), OLD, NEW,
                    primary.port(), secondaryPort, String.join(", ", CANARY), String.join(", ", WAVE_2)));
        }

        Cli.Run migrate(Instant now, String... args) {
            List<String> all = new ArrayList<>(List.of(args));
            all.add(1, plan.toString());
            all.addAll(List.of("--now", now.toString()));
            return Cli.migrate(all.toArray(String[]::new));
        }

        Cli.Run ok(Instant now, String... args) {
            Cli.Run r = migrate(now, args);
            assertThat(r.code()).as("%s at %s:%n%s", List.of(args), now, r.all()).isZero();
            return r;
        }

        /** The apex and www of each zone, on the primary and (unless it is frozen there) on the secondary. */
        void serve(List<String> zones, String address, long ttl, String frozen, String after) throws Exception {
            for (String z : zones) {
                for (int port : new int[] {primary.port(), secondaryPort}) {
                    if (port == secondaryPort && z.equals(frozen)) continue;
                    for (String name : List.of(z, "www." + z)) {
                        // the secondary transfers a change moments after the NOTIFY
                        Dig.Answer a = Dig.authoritative(port, name, "A", x -> x.data().equals(List.of(address)) && x.ttl() == ttl,
                                java.time.Duration.ofSeconds(5));
                        assertThat(a.data()).as("%s at 127.0.0.1:%d after %s", name, port, after).containsExactly(address);
                        assertThat(a.ttl()).as("%s TTL at 127.0.0.1:%d after %s", name, port, after).isEqualTo(ttl);
                    }
                }
            }
        }

        /** The secondary's last copy of the frozen zone: what it served when its path was cut. */
        void frozenServes(String zone, String address) throws Exception {
            Dig.Answer a = Dig.authoritative(secondaryPort, "www." + zone, "A");
            assertThat(a.data()).as("the frozen %s on the secondary", zone).containsExactly(address);
            assertThat(a.ttl()).isEqualTo(300);
        }

        /** Cuts the frozen zone's path from the secondary to the primary. */
        void freeze() {
            relay.close();
        }

        /** Puts the path back: the secondary refreshes the zone at the next NOTIFY. */
        void thaw() throws Exception {
            relay = PortRelay.start(pathOfTheFrozenZone, primary.port());
        }

        @Override
        public void close() {
            relay.close();
            secondary.close();
            primary.close();
        }
    }

    @Test
    void theCanarysSecondaryIsFrozenSoTheCanaryAloneIsRolledBackAndNoLaterWaveRunsUntilRestart() throws Exception {
        String frozen = CANARY.get(0);
        try (Lab lab = new Lab(frozen)) {
            Cli.Run lower = lab.ok(T.minusSeconds(72 * 3600), "apply");
            assertThat(lower.out()).contains("40 RRset(s) lowered to TTL 300", "live: 40/40");
            lab.serve(ZONES, OLD, 300, null, "lower-ttl");
            lab.freeze();

            Cli.Run canary = lab.ok(T, "apply");
            assertThat(canary.out()).contains("canary: done: 2 RRset(s) swapped");
            lab.serve(CANARY, NEW, 300, frozen, "the canary's swap");
            lab.frozenServes(frozen, OLD);

            Cli.Run failed = lab.migrate(CANARY_LIVE, "apply");
            assertThat(failed.code()).as(failed.all()).isEqualTo(3);
            assertThat(failed.all()).contains("127.0.0.1:" + lab.secondaryPort + " stale")
                    .contains("Rolled back canary only: 2 RRset change(s) undone; the old records are served again at the"
                            + " lowered TTL (300 s) on every authoritative address")
                    .contains("restore-ttl at " + CANARY_LIVE.plusSeconds(86400));
            lab.serve(ZONES, OLD, 300, frozen, "the canary's rollback");
            lab.frozenServes(frozen, OLD);

            // cron keeps running: nothing new, at the second wave's time or later
            for (Instant later : List.of(WAVE_2_AT, WAVE_2_AT.plusSeconds(2 * 3600))) {
                Cli.Run idle = lab.ok(later, "apply");
                assertThat(idle.out()).contains("rolled back at", "--restart").doesNotContain("started");
            }
            lab.serve(ZONES, OLD, 300, frozen, "cron after the rollback");
            Cli.Run status = lab.ok(WAVE_2_AT, "status");
            assertThat(status.out()).containsPattern("canary\\s+swap\\s+rolled-back").containsPattern("wave-2\\s+swap\\s+skipped")
                    .containsPattern("lower-ttl\\s+lower-ttl\\s+done");

            // The path is back; --restart retries the canary with the TTLs still low, then the waves run.
            lab.thaw();
            Instant restart = WAVE_2_AT.plusSeconds(3 * 3600);
            Cli.Run again = lab.ok(restart, "apply", "--restart");
            assertThat(again.out()).contains("without a new lowering", "canary: done").doesNotContain("lower-ttl: started");
            Instant live = restart.plusSeconds(60);
            assertThat(lab.ok(live, "apply").out()).contains("canary-live: done", "live: 2/2");
            lab.serve(CANARY, NEW, 300, null, "the canary, again");
            assertThat(lab.ok(live.plusSeconds(3600), "apply").out()).contains("wave-2: done: 8 RRset(s) swapped");
            assertThat(lab.ok(live.plusSeconds(3660), "apply").out()).contains("wave-2-live: done");
            assertThat(lab.ok(live.plusSeconds(7260), "apply").out()).contains("the-rest: done: 30 RRset(s) swapped");
            assertThat(lab.ok(live.plusSeconds(7320), "apply").out()).contains("the-rest-live: done");
            lab.serve(ZONES, NEW, 300, null, "every wave");

            // Every zone has moved off the old address; check still watches the 40 RRsets the journal says moved.
            Cli.Run check = lab.ok(live.plusSeconds(7400), "check");
            assertThat(check.out()).startsWith("Expected (what the provider holds now), 40 RRsets:\n"
                    + "  @ A (site01.test.)  TTL 300  198.51.100.10\n  www A (site01.test.)  TTL 300  198.51.100.10\n"
                    + "  @ A (site02.test.)").doesNotContain("0/0");
            Cli.Run json = lab.ok(live.plusSeconds(7400), "check", "--output", "json");
            assertThat(json.out().split("\"www\\.site", -1).length - 1).as(json.out()).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void aFrozenZoneInTheSecondWaveTakesBackThatWaveAloneTheCanaryStaysAndTheRestNeverRuns() throws Exception {
        String frozen = WAVE_2.get(1);
        try (Lab lab = new Lab(frozen)) {
            lab.ok(T.minusSeconds(72 * 3600), "apply");
            lab.freeze();
            lab.ok(T, "apply");
            assertThat(lab.ok(CANARY_LIVE, "apply").out()).contains("canary-live: done", "live: 2/2");
            lab.serve(CANARY, NEW, 300, null, "the canary");

            assertThat(lab.ok(WAVE_2_AT, "apply").out()).contains("wave-2: done: 8 RRset(s) swapped");
            Cli.Run failed = lab.migrate(WAVE_2_AT.plusSeconds(60), "apply");
            assertThat(failed.code()).as(failed.all()).isEqualTo(3);
            assertThat(failed.all()).contains("127.0.0.1:" + lab.secondaryPort + " stale", "Rolled back wave-2 only: 8 RRset"
                    + " change(s) undone", "at the lowered TTL (300 s) on every authoritative address");
            lab.serve(CANARY, NEW, 300, null, "wave 2's rollback");
            lab.serve(WAVE_2, OLD, 300, frozen, "wave 2's rollback");
            lab.frozenServes(frozen, OLD);
            lab.serve(REST, OLD, 300, null, "wave 2's rollback");

            Cli.Run idle = lab.ok(WAVE_2_AT.plusSeconds(3 * 3600), "apply");
            assertThat(idle.out()).doesNotContain("started");
            lab.serve(REST, OLD, 300, null, "cron after wave 2's rollback");
            Cli.Run status = lab.ok(WAVE_2_AT.plusSeconds(3 * 3600), "status");
            assertThat(status.out()).containsPattern("canary\\s+swap\\s+done").containsPattern("canary-live\\s+confirm\\s+done")
                    .containsPattern("wave-2\\s+swap\\s+rolled-back").containsPattern("the-rest\\s+swap\\s+skipped");
        }
    }
}
