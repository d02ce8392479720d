package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.testing.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Serial;

/**
 * {@code migrate log} after a whole timeline written through the rfc2136 provider to a BIND primary that
 * NOTIFYs a BIND secondary: every phase, what it changed, the check's result and latency, and the SOA
 * serial both addresses served at lower-ttl, verify, swap and confirm, read from the journal.
 */
class LogAfterRfc2136TimelineLabTest {
    static final String ZONE_TEXT = """
            $TTL 3600
            @    IN SOA ns1.example.test. hostmaster.example.test. 10 3600 600 86400 60
            @    IN NS  ns1.example.test.
            @    IN NS  ns2.example.test.
            ns1  IN A   127.0.0.1
            ns2  IN A   127.0.0.1
            www  IN A   203.0.113.10
            """;
    static final String T = "2030-01-10T12:00:00Z";

    @TempDir
    Path dir;

    @Test
    void theLogShowsEveryPhaseTheCheckAndTheSerialsSeenOnThePrimaryAndTheSecondary() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        int secondaryPort = Ports.free();
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT, secondaryPort).start();
                BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                        .addSecondaryZone("example.test.", primary.port(), key, null).start()) {
            Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
            Path plan = dir.resolve("cutover.yaml");
            String p1 = "127.0.0.1:" + primary.port();
            String p2 = "127.0.0.1:" + secondaryPort;
            Files.writeString(plan, """
                    name: log-lab
                    cutover: %s
                    provider:
                      type: rfc2136
                      server: "%s"
                      tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                      read: axfr
                      timeout: 2s
                    zones: [example.test]
                    ttl: { lowered: 300 }
                    changes:
                      - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                    checks:
                      - { id: primary-answers, tcp: "%s" }
                    nameservers: ["%s", "%s"]
                    propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                    phases:
                      - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                      - { id: verify,      at: T-24h, action: verify }
                      - { id: swap,        at: T,     action: swap }
                      - { id: confirm,     at: T+5m,  action: confirm, timeout: 20s }
                      - { id: restore-ttl, at: T+24h, action: restore-ttl }
                    """.formatted(T, p1, key.name(), key.algorithm(), p1, p1, p2));
            for (String now : List.of("2030-01-07T12:00:00Z", "2030-01-09T12:00:00Z", T, "2030-01-10T12:05:00Z",
                    "2030-01-11T12:00:00Z")) {
                Cli.Run r = Cli.migrate("apply", plan.toString(), "--now", now);
                assertThat(r.code()).as(r.all()).isZero();
            }

            Cli.Run log = Cli.migrate("log", plan.toString());
            assertThat(log.code()).as(log.all()).isZero();
            assertThat(log.out()).contains("lower-ttl (lower-ttl, scheduled 2030-01-07T12:00:00Z): done",
                    "verify (verify, scheduled 2030-01-09T12:00:00Z): done", "swap (swap, scheduled " + T + "): done",
                    "confirm (confirm, scheduled 2030-01-10T12:05:00Z): done", "restore-ttl (restore-ttl", "changed 1 RRset(s)",
                    "check primary-answers: passed in ", "earliest safe swap");
            // One serials line per phase that asks the nameservers, naming both addresses.
            List<String> serialLines = log.out().lines().filter(l -> l.contains("serials at ")).toList();
            assertThat(serialLines).hasSize(4).allSatisfy(l -> assertThat(l).contains(p1 + " ", p2 + " "));

            JsonNode json = new ObjectMapper().readTree(Cli.migrate("log", plan.toString(), "-o", "json").out());
            assertThat(json.path("plan").asText()).isEqualTo("log-lab");
            Map<String, Map<String, Long>> serials = new HashMap<>();
            List<String> phases = new ArrayList<>();
            for (JsonNode item : json.path("history")) {
                if (!item.path("kind").asText().equals("phase")) continue;
                phases.add(item.path("phase").asText() + " " + item.path("result").asText());
                for (JsonNode s : item.path("serials")) {
                    assertThat(s.path("state").asText()).as(s.toString()).isEqualTo("match");
                    serials.computeIfAbsent(item.path("phase").asText(), k -> new HashMap<>())
                            .put(s.path("address").asText(), s.path("serial").asLong());
                }
            }
            assertThat(phases).containsExactly("lower-ttl done", "verify done", "swap done", "confirm done", "restore-ttl done");
            assertThat(serials).containsOnlyKeys("lower-ttl", "verify", "swap", "confirm");
            serials.values().forEach(byAddress -> assertThat(byAddress).containsOnlyKeys(p1, p2));
            // lower-ttl and confirm wait until both addresses serve the change: the same serial on both.
            assertThat(serials.get("lower-ttl").get(p1)).isEqualTo(serials.get("lower-ttl").get(p2));
            assertThat(serials.get("confirm").get(p1)).isEqualTo(serials.get("confirm").get(p2));
            // Each write moved the serial on (RFC 1982 comparison): the swap's is after verify's.
            assertThat(Serial.compare(serials.get("lower-ttl").get(p1), 10)).isPositive();
            assertThat(serials.get("verify").get(p1)).isEqualTo(serials.get("lower-ttl").get(p1));
            assertThat(Serial.compare(serials.get("swap").get(p1), serials.get("verify").get(p1))).isPositive();
            assertThat(serials.get("confirm").get(p1)).isEqualTo(serials.get("swap").get(p1));
            JsonNode check = null;
            for (JsonNode item : json.path("history")) {
                if (item.path("phase").asText().equals("verify")) check = item.path("checks").get(0);
            }
            assertThat(check.path("check").asText()).isEqualTo("primary-answers");
            assertThat(check.path("passed").asBoolean()).isTrue();
            assertThat(check.has("latencyMs")).isTrue();
        }
    }
}
