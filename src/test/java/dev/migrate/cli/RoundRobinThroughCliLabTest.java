package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import dev.migrate.testing.Cli;
import dev.migrate.testing.Dig;
import dev.migrate.testing.LabPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradual move as one plan, through the command line: {@code www A [old]} -> {@code [old, new]} (round
 * robin) for a day -> {@code [new]}, each step confirmed on a BIND primary (rfc2136, TSIG) and its secondary
 * (NOTIFY), and a resolver (Unbound, from the secondary) handing out both addresses during the middle step.
 * {@code --now} steps through the days; Unbound lives on real time, so each look through it first flushes the
 * name (the TTL {@code --now} skipped).
 */
@LabTest
class RoundRobinThroughCliLabTest {
    static final String ZONE = "rr.test.";
    static final String WWW = "www.rr.test.";
    static final String OLD = "203.0.113.10";
    static final String NEW = "198.51.100.20";
    static final Instant T = Instant.parse("2030-03-01T09:00:00Z");

    @TempDir
    Path dir;

    @Test
    void wwwGoesFromOldToBothToNewEachStepConfirmedOnBothServers() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        int secondaryPort = Ports.free();
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, """
                $TTL 3600
                @    IN SOA ns1.rr.test. hostmaster.rr.test. 1 3600 600 86400 60
                @    IN NS  ns1.rr.test.
                ns1  IN A   127.0.0.1
                www  IN A   203.0.113.10
                """, secondaryPort).start();
                BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                        .addSecondaryZone(ZONE, primary.port(), key, null).start();
                UnboundServer unbound = UnboundServer.builder().stubZone(ZONE, secondaryPort).start()) {
            Path plan = dir.resolve("rr.yaml");
            Files.writeString(plan, """
                    name: rr-lab
                    cutover: %s
                    """.formatted(T) + LabPlan.rfc2136(dir, primary.port(), key) + """
                    zones: [rr.test]
                    ttl: { lowered: 300, restore: original }
                    nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                    phases:
                      - { id: lower-ttl, at: T-72h, action: lower-ttl }
                      - { id: both,      at: T,     action: swap,
                          changes: [ { name: www, type: A, from: [%s], to: [%s, %s] } ] }
                      - { id: both-live, at: both+1m, action: confirm, timeout: 10s }
                      - { id: new-only,  at: both-live+1d, action: swap,
                          changes: [ { name: www, type: A, from: [%s, %s], to: [%s] } ] }
                      - { id: new-live,  at: new-only+1m, action: confirm, timeout: 10s }
                      - { id: restore-ttl, at: new-live+1d, action: restore-ttl }
                    """.formatted(primary.port(), secondaryPort, OLD, OLD, NEW, OLD, NEW, NEW));

            record Step(Instant at, String phase, List<String> www, long ttl) {}
            Instant bothLive = T.plusSeconds(60);
            Instant newOnly = bothLive.plusSeconds(86400);
            List<Step> steps = List.of(
                    new Step(T.minusSeconds(72 * 3600), "lower-ttl", List.of(OLD), 300),
                    new Step(T, "both", List.of(NEW, OLD), 300),
                    new Step(bothLive, "both-live", List.of(NEW, OLD), 300),
                    new Step(newOnly, "new-only", List.of(NEW), 300),
                    new Step(newOnly.plusSeconds(60), "new-live", List.of(NEW), 300),
                    new Step(newOnly.plusSeconds(60 + 86400), "restore-ttl", List.of(NEW), 3600));
            assertThat(Dig.authoritative(primary.port(), WWW, "A").data()).containsExactly(OLD);
            for (Step s : steps) {
                Cli.Run r = Cli.migrate("apply", plan.toString(), "--now", s.at().toString());
                assertThat(r.code()).as("%s:%n%s", s.phase(), r.all()).isZero();
                assertThat(r.out()).contains(s.phase() + ": done");
                if (s.phase().endsWith("-live")) assertThat(r.out()).contains("live: 2/2");
                for (int port : new int[] {primary.port(), secondaryPort}) {
                    // the secondary transfers the change moments after the NOTIFY
                    Dig.Answer a = Dig.authoritative(port, WWW, "A", x -> x.data().equals(s.www()) && x.ttl() == s.ttl(),
                            java.time.Duration.ofSeconds(5));
                    assertThat(a.data()).as("www at 127.0.0.1:%d after %s", port, s.phase()).isEqualTo(s.www());
                    assertThat(a.ttl()).as("www TTL at 127.0.0.1:%d after %s", port, s.phase()).isEqualTo(s.ttl());
                }
                unbound.flush(WWW);
                assertThat(Dig.recursive(unbound.port(), WWW, "A").data()).as("through Unbound after %s", s.phase())
                        .isEqualTo(s.www());
                if (s.phase().equals("both-live")) {
                    // The day between: nothing runs before both-live + 1d; clients keep getting both addresses.
                    Cli.Run waiting = Cli.migrate("apply", plan.toString(), "--now", newOnly.minusSeconds(1).toString());
                    assertThat(waiting.code()).as(waiting.all()).isZero();
                    assertThat(waiting.out()).contains("next: new-only at " + newOnly).doesNotContain("started");
                    unbound.flush(WWW);
                    assertThat(Dig.recursive(unbound.port(), WWW, "A").data()).containsExactly(NEW, OLD);
                }
            }
            Cli.Run status = Cli.migrate("status", plan.toString(), "--now", newOnly.toString());
            assertThat(status.out()).containsPattern("both\\s+swap\\s+done").containsPattern("new-only\\s+swap\\s+done")
                    .containsPattern("restore-ttl\\s+restore-ttl\\s+done");
        }
    }
}
