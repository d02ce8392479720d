package dev.migrate.provider.cloudflare;

import static dev.migrate.provider.cloudflare.CloudflareReplay.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code migrate plan} on a Cloudflare zone: the planner uses the adapter's capabilities and notes. */
class CloudflarePlanCommandTest {
    @TempDir
    Path dir;

    MockWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start(InetAddress.getByName("127.0.0.1"), 0);
        Files.writeString(dir.resolve("cf-token"), TOKEN + "\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    record Run(int code, String out, String err) {}

    Run plan(long lowered) throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                name: cf-cutover
                cutover: 2026-12-01T02:00:00Z
                provider:
                  type: cloudflare
                  apiTokenFile: cf-token
                  baseUrl: %s
                zones: [example.com]
                ttl:
                  lowered: %d
                  restore: original
                changes:
                  - { name: "@", type: A, from: [203.0.113.10], to: [198.51.100.20] }
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: swap,        at: T,     action: swap }
                  - { id: restore-ttl, at: T+24h, action: restore-ttl }
                """.formatted(server.url("/client/v4"), lowered));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"plan", plan.toString(), "--now", "2026-11-20T00:00:00Z"},
                new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    void replayZone() {
        server.enqueue(ok(zones("example.com")));
        server.enqueue(ok(page(List.of(
                record("a1", "example.com", "A", "203.0.113.10", 3600),
                record("w1", "www.example.com", "A", "203.0.113.10", 1, true, null)), 1, 1, 2)));
    }

    @Test
    void aLoweredTtlBelowCloudflaresMinimumIsAPlanError() throws Exception {
        replayZone();
        Run r = plan(30);
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(4);
        assertThat(r.out()).contains("ttl.lowered 30 is below the provider's minimum TTL 60: raise it to at least 60");
    }

    @Test
    void aProxiedRecordIsExplainedAndNeedsNoTtlLowering() throws Exception {
        replayZone();
        Run r = plan(300);
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("www.example.com. A: proxied by Cloudflare", "swap takes effect at the edge at once",
                "needs no TTL lowering");
        // lower-ttl touches only the apex; the proxied www keeps its auto TTL through the swap.
        String lower = section(r.out(), "lower-ttl (lower-ttl");
        assertThat(lower).contains("1 RRset", "@ A (example.com.)  TTL 3600 -> 300").doesNotContain("www");
        String swap = section(r.out(), "swap (swap");
        assertThat(swap).contains("www A (example.com.)", "after   TTL 300  198.51.100.20");
        assertThat(section(r.out(), "restore-ttl (restore-ttl")).doesNotContain("www");
        // The earliest safe swap counts the apex's 3600 s only.
        assertThat(r.out()).contains("largest original TTL  3600 s");
    }

    @Test
    void anInvalidTokenFailsThePlanWithExitOneAndSaysWhy() throws Exception {
        server.enqueue(json(403, errors(9109, "Invalid access token")));
        Run r = plan(300);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("Cloudflare refused the API token from file", "cf-token",
                "9109 Invalid access token").doesNotContain(TOKEN);
        assertThat(r.out()).doesNotContain(TOKEN);
    }

    private static String section(String out, String start) {
        int i = out.indexOf(start);
        assertThat(i).as("section " + start + " in\n" + out).isNotNegative();
        int end = out.indexOf("\n\n", i);
        return end < 0 ? out.substring(i) : out.substring(i, end);
    }
}
