package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.TsigKey;
import dev.migrate.testing.Cli.Run;
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

/**
 * A read-only {@code migrate check} by someone without the write credentials: an rfc2136 plan whose TSIG
 * secret is in an environment variable this user does not have. The check reads the zone from its
 * authoritative servers instead (real BIND primary and secondary, transfers refused to strangers), says so,
 * and still tells a lagging secondary from one that is in sync.
 */
class CheckWithoutCredentialsLabTest {
    static final String ZONE_TEXT = """
            $TTL 300
            @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @    IN NS  ns1.example.test.
            ns1  IN A   127.0.0.1
            www  IN A   192.0.2.10
            """;

    @TempDir
    Path tmp;

    Path plan(int primary, int secondary, String nameservers) throws Exception {
        Path plan = tmp.resolve("plan.yaml");
        Files.writeString(plan, """
                name: check-ro
                cutover: 2026-12-01T02:00:00Z
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: xfr-key, algorithm: hmac-sha256, secretEnv: MIGRATE_TEST_SECRET_NOBODY_HAS }
                zones: [example.test]
                ttl: { lowered: 60 }
                changes:
                  - { name: www, type: A, from: [192.0.2.10], to: [198.51.100.20] }
                %s
                propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                """.formatted(primary, nameservers.formatted(primary, secondary)));
        return plan;
    }

    @Test
    void withoutTheSecretItReadsTheAuthoritativeServersAndStillFindsTheLaggingSecondary() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT).start();
                BindServer secondary = BindServer.builder().key(key).addSecondaryZone("example.test.", primary.port(), key, null).start()) {
            Path plan = plan(primary.port(), secondary.port(), "nameservers: [\"127.0.0.1:%d\", \"127.0.0.1:%d\"]");

            Run same = migrate("check", plan.toString());
            assertThat(same.code()).as(same.all()).isZero();
            assertThat(same.err()).contains("no usable credentials for provider rfc2136")
                    .contains("MIGRATE_TEST_SECRET_NOBODY_HAS is not set")
                    .contains("reading the zones from their authoritative servers instead");
            assertThat(same.out()).contains("what the newest authoritative address serves").contains("192.0.2.10")
                    .contains("2/2 authoritative addresses serve every RRset");

            // Someone with the key moves the primary; the secondary gets no NOTIFY.
            Update u = new Update(Name.fromString("example.test."));
            u.replace(Name.fromString("www.example.test."), Type.A, 300, "198.51.100.20");
            SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", primary.port()));
            r.setTSIGKey(key.toTsig());
            r.setTimeout(Duration.ofSeconds(2));
            assertThat(r.send(u).getRcode()).isEqualTo(Rcode.NOERROR);

            Run lag = migrate("check", plan.toString(), "--output", "json");
            assertThat(lag.code()).as(lag.all()).isEqualTo(3);
            JsonNode j = Json.MAPPER.readTree(lag.out());
            assertThat(j.get("expectedFrom").asText()).isEqualTo("nameservers");
            assertThat(j.get("servers").get(0).get("state").asText()).isEqualTo("match");
            assertThat(j.get("servers").get(1).get("address").asText()).isEqualTo("127.0.0.1:" + secondary.port());
            assertThat(j.get("servers").get(1).get("state").asText()).isEqualTo("stale");

            Run explicit = migrate("check", plan.toString(), "--from-nameservers");
            assertThat(explicit.code()).isEqualTo(3);
            assertThat(explicit.err()).doesNotContain("no usable credentials");
            assertThat(explicit.out()).contains("198.51.100.20").contains("stale");
        }
    }

    @Test
    void withNoAddressToAskItSaysWhatToAdd() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT).start()) {
            Path plan = plan(primary.port(), 0, "");
            Run r = migrate("check", plan.toString());
            assertThat(r.code()).as(r.all()).isEqualTo(1);
            assertThat(r.err()).contains("no authoritative addresses for example.test.")
                    .contains("list them under nameservers:").doesNotContain("Exception");
        }
    }
}
