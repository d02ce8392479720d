package dev.migrate.provider.powerdns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.cli.Main;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.PowerDnsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate plan} against a real PowerDNS: what an operator sees when the key or the server is wrong. */
@LabTest
class PowerDnsPlanCommandTest {
    static final String ZONE = "cli.example.test.";
    static PowerDnsServer pdns;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        pdns = PowerDnsServer.builder().start();
        pdns.createZone(ZONE, """
                $TTL 3600
                @    IN SOA ns1 hostmaster 1 3600 600 86400 60
                @    IN NS  ns1
                ns1  IN A   127.0.0.1
                www  IN A   203.0.113.10
                """);
    }

    @AfterAll
    static void stop() {
        if (pdns != null) pdns.close();
    }

    record Run(int code, String out, String err) {}

    Run plan(String url, String key) throws Exception {
        Files.writeString(dir.resolve("pdns.key"), key + "\n");
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: pdns-cutover
                cutover: 2026-12-01T02:00:00Z
                provider:
                  type: powerdns
                  url: %s
                  apiKeyFile: pdns.key
                  timeout: 5s
                zones: [%s]
                ttl: { lowered: 300, restore: original }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                  - { id: swap,      at: T,     action: swap }
                """.formatted(url, ZONE));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"plan", plan.toString(), "--now", "2026-11-20T00:00:00Z"},
                new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theRightKeyPlansAgainstTheLiveZone() throws Exception {
        Run r = plan(pdns.apiUrl(), pdns.apiKey());
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("www A (" + ZONE + ")  TTL 3600 -> 300", "after   TTL 300  198.51.100.20");
    }

    @Test
    void aWrongApiKeyExitsOneWithAClearMessage() throws Exception {
        String wrong = "wrong-key-" + System.nanoTime();
        Run r = plan(pdns.apiUrl(), wrong);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("migrate: ", "refused the API key from file", "pdns.key", "HTTP 401",
                "wrong API key").doesNotContain(wrong).doesNotContain(pdns.apiKey());
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
    }

    @Test
    void aServerThatIsDownExitsOneAndSaysItCannotConnect() throws Exception {
        Run r = plan("http://127.0.0.1:" + Ports.free(), pdns.apiKey());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("connection refused", "is pdns_server running").doesNotContain(pdns.apiKey());
    }
}
