package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import dev.migrate.testing.Cli.Run;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/** {@code resolvers: { gate: true }} in {@code migrate check}: the resolvers count, not just the report. */
class CheckResolverGateLabTest {
    static final String ZONE = """
            $TTL 3
            @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 3
            @    IN NS  ns1.example.test.
            ns1  IN A   127.0.0.1
            www  IN A   203.0.113.10
            """;

    @TempDir
    Path tmp;

    @Test
    void watchWaitsForTheResolversAndFailsNamingOneThatKeepsTheOldAnswer() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        try (BindServer bind = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE).start();
                UnboundServer honest = UnboundServer.builder().stubZone("example.test.", bind.port()).start();
                UnboundServer stretching = UnboundServer.builder().stubZone("example.test.", bind.port()).cacheMinTtl(3600).start()) {
            Files.writeString(tmp.resolve("key.secret"), key.secret());
            Path plan = tmp.resolve("plan.yaml");
            String text = """
                    name: gate
                    cutover: 2030-01-10T12:00:00Z
                    provider: { type: rfc2136, server: "127.0.0.1:%d", tsig: { name: %s, algorithm: %s, secretFile: key.secret } }
                    zones: [example.test]
                    ttl: { lowered: 3 }
                    changes:
                      - { name: www, type: A, to: [198.51.100.20] }
                    nameservers: ["127.0.0.1:%d"]
                    resolvers: { addresses: [%s], gate: true }
                    propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                    """;
            Files.writeString(plan, text.formatted(bind.port(), key.name(), key.algorithm(), bind.port(),
                    "\"127.0.0.1:" + honest.port() + "\", \"127.0.0.1:" + stretching.port() + "\""));
            assertThat(migrate("check", plan.toString()).code()).isZero(); // both caches now hold the old answer

            Update u = new Update(Name.fromString("example.test."));
            u.replace(Name.fromString("www.example.test."), Type.A, 3, "198.51.100.20");
            SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", bind.port()));
            r.setTSIGKey(key.toTsig());
            assertThat(r.send(u).getRcode()).isEqualTo(Rcode.NOERROR);

            Run both = migrate("check", plan.toString(), "--watch", "--timeout", "6s");
            assertThat(both.code()).as(both.all()).isEqualTo(3);
            assertThat(both.out()).contains("1/1 authoritative addresses serve every RRset")
                    .contains("resolver gate: 1/2 resolvers give their clients the new answer")
                    .contains("127.0.0.1:" + stretching.port() + " does not see it yet");

            Files.writeString(plan, text.formatted(bind.port(), key.name(), key.algorithm(), bind.port(),
                    "\"127.0.0.1:" + honest.port() + "\""));
            Run one = migrate("check", plan.toString(), "--watch", "--timeout", "6s");
            assertThat(one.code()).as(one.all()).isZero();
            assertThat(one.out()).contains("resolver gate: every resolver (1) gives its clients the new answer");
        }
    }
}
