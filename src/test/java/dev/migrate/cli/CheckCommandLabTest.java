package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;

import dev.migrate.testing.Cli.Run;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** {@code migrate check} against real BIND primary + secondary and Unbound, through the CLI entry point. */
class CheckCommandLabTest {
    static final String ZONE_TEXT = """
            $TTL 300
            @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @    IN NS  ns1.example.test.
            ns1  IN A   127.0.0.1
            www  IN A   192.0.2.10
            """;

    @TempDir
    Path tmp;

    Path plan(int primary, int secondary, int resolver) throws Exception {
        Files.createDirectories(tmp.resolve("zones"));
        Files.writeString(tmp.resolve("zones/example.test.zone"), ZONE_TEXT);
        Path plan = tmp.resolve("plan.yaml");
        Files.writeString(plan, """
                name: check-test
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.test]
                ttl: { lowered: 60 }
                changes:
                  - { name: www, type: A, from: [192.0.2.10], to: [198.51.100.20] }
                nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                resolvers: ["127.0.0.1:%d"]
                propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                """.formatted(primary, secondary, resolver));
        return plan;
    }

    @Test
    void reportsEveryAddressAndResolverAndExitsThreeWhileASecondaryLags() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT).start();
                BindServer secondary = BindServer.builder().key(key).addSecondaryZone("example.test.", primary.port(), key, null).start();
                UnboundServer unbound = UnboundServer.builder().stubZone("example.test.", primary.port()).start()) {
            Path plan = plan(primary.port(), secondary.port(), unbound.port());

            Run same = migrate("check", plan.toString(), "--output", "json");
            assertThat(same.code()).as(same.err()).isEqualTo(0);
            JsonNode j = Json.MAPPER.readTree(same.out());
            assertThat(j.get("servers")).hasSize(2);
            JsonNode s0 = j.get("servers").get(0);
            assertThat(s0.get("address").asText()).isEqualTo("127.0.0.1:" + primary.port());
            assertThat(s0.get("serial").asLong()).isEqualTo(1);
            assertThat(s0.get("state").asText()).isEqualTo("match");
            assertThat(s0.get("rrsets").get(0).get("name").asText()).isEqualTo("www.example.test.");
            assertThat(s0.get("rrsets").get(0).get("type").asText()).isEqualTo("A");
            assertThat(s0.get("rrsets").get(0).get("state").asText()).isEqualTo("match");
            assertThat(j.get("resolvers").get(0).get("rrsets").get(0).get("state").asText()).isEqualTo("match");

            // The provider and the primary move to the new address; the secondary gets no NOTIFY.
            Files.writeString(tmp.resolve("zones/example.test.zone"), ZONE_TEXT.replace("192.0.2.10", "198.51.100.20")
                    .replace(" 1 3600", " 2 3600"));
            Update u = new Update(Name.fromString("example.test."));
            u.replace(Name.fromString("www.example.test."), Type.A, 300, "198.51.100.20");
            SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", primary.port()));
            r.setTSIGKey(key.toTsig());
            r.setTimeout(Duration.ofSeconds(3));
            assertThat(r.send(u).getRcode()).isEqualTo(Rcode.NOERROR);

            Run lag = migrate("check", plan.toString());
            assertThat(lag.code()).as(lag.out() + lag.err()).isEqualTo(3);
            assertThat(lag.out()).containsPattern("127\\.0\\.0\\.1:" + primary.port() + "\\s+2\\s+match\\s+1/1")
                    .containsPattern("127\\.0\\.0\\.1:" + secondary.port() + "\\s+1 \\(behind 2\\)\\s+stale\\s+0/1")
                    .contains("stale: www.example.test. A serves 192.0.2.10 TTL 300; expected 198.51.100.20 TTL 300")
                    .contains("1/2 authoritative addresses serve every RRset")
                    // Unbound cached the old answer in the first run: stale, with its remaining TTL and when it ends.
                    .containsPattern("127\\.0\\.0\\.1:" + unbound.port() + "\\s+www\\.example\\.test\\. A\\s+stale\\s+\\d+ s\\s+20");

            long t0 = System.nanoTime();
            Run watched = migrate("check", plan.toString(), "--watch", "--timeout", "2s");
            assertThat(watched.code()).isEqualTo(3);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(10));
            assertThat(watched.err()).contains("round 1: 1/2 addresses in sync; waiting for 127.0.0.1:" + secondary.port() + " stale");
        }
    }

    @Test
    void aPlanNothingServesHasNothingToCheck() throws Exception {
        Files.createDirectories(tmp.resolve("zones"));
        Files.writeString(tmp.resolve("zones/example.test.zone"), ZONE_TEXT);
        Path plan = tmp.resolve("plan.yaml");
        Files.writeString(plan, """
                name: no-servers
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.test]
                ttl: { lowered: 60 }
                changes:
                  - { name: www, type: A, to: [198.51.100.20] }
                """);
        Run r = migrate("check", plan.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("nothing to query");
    }

    @Test
    void severalZonesGetAZoneColumnAndAddressesAreCountedOnce() throws Exception {
        String other = ZONE_TEXT.replace("example.test.", "other.test.");
        try (BindServer one = BindServer.builder().addPrimaryZone("example.test.", ZONE_TEXT).addPrimaryZone("other.test.", other).start();
                BindServer two = BindServer.builder().addPrimaryZone("example.test.", ZONE_TEXT).addPrimaryZone("other.test.", other).start()) {
            Files.createDirectories(tmp.resolve("zones"));
            Files.writeString(tmp.resolve("zones/example.test.zone"), ZONE_TEXT);
            Files.writeString(tmp.resolve("zones/other.test.zone"), other);
            Path plan = tmp.resolve("two.yaml");
            Files.writeString(plan, """
                    name: two-zones
                    cutover: 2026-12-01T02:00:00Z
                    provider: { type: zonefile, directory: zones }
                    zones: [example.test, other.test]
                    ttl: { lowered: 60 }
                    rewrite:
                      - { from: 192.0.2.10, to: 198.51.100.20 }
                    nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                    """.formatted(one.port(), two.port()));

            Run r = migrate("check", plan.toString());

            assertThat(r.code()).as(r.all()).isZero();
            assertThat(r.out()).containsPattern("ZONE\\s+SERVER\\s+ADDRESS")
                    .containsPattern("example\\.test\\.\\s+\\(listed\\)\\s+127\\.0\\.0\\.1:" + one.port() + "\\s+1\\s+match")
                    .containsPattern("other\\.test\\.\\s+\\(listed\\)\\s+127\\.0\\.0\\.1:" + two.port() + "\\s+1\\s+match")
                    .contains("2/2 authoritative addresses serve every RRset of the 2 zones")
                    .doesNotContain("4/4");
            assertThat(r.out()).doesNotContain("\033[");  // not a terminal: no colour
            JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(migrate("check", plan.toString(), "-o", "json").out());
            assertThat(j.get("servers")).hasSize(4);
            assertThat(j.get("servers").get(0).get("zone").asText()).isEqualTo("example.test.");
        }
    }
}
