package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The "Done when" through {@code migrate apply}: a BIND primary (written through the rfc2136
 * provider) and a BIND secondary. Without NOTIFY (and SOA refresh 3600 s) the confirm names the lagging
 * secondary, fails at its deadline and the swap is rolled back; with NOTIFY the confirm succeeds.
 */
@LabTest
class ConfirmThroughCliLabTest {
    static final String ZONE_TEXT = """
            $TTL 300
            @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @    IN NS  ns1.example.test.
            @    IN NS  ns2.example.test.
            ns1  IN A   127.0.0.1
            ns2  IN A   127.0.0.1
            www  IN A   203.0.113.10
            """;
    static final String T = "2030-01-10T12:00:00Z";

    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    Run migrate(Path plan, String command, String now) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {command, plan.toString(), "--now", now}, new PrintWriter(out), new PrintWriter(err));
        return new Run(code, out.toString(), err.toString());
    }

    Path plan(BindServer primary, int secondaryPort, TsigKey key) throws Exception {
        Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
        Path p = dir.resolve("cutover.yaml");
        // TTL already at the lowered value: lower-ttl has nothing to do, so the secondary (which never
        // refreshes without NOTIFY) only misses the swap.
        Files.writeString(p, """
                name: confirm-lab
                cutover: %s
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  read: axfr
                  timeout: 2s
                zones: [example.test]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                phases:
                  - { id: lower-ttl,   at: T-72h, action: lower-ttl }
                  - { id: verify,      at: T-24h, action: verify }
                  - { id: swap,        at: T,     action: swap }
                  - { id: confirm,     at: T+5m,  action: confirm, timeout: 3s }
                  - { id: restore-ttl, at: T+24h, action: restore-ttl }
                """.formatted(T, primary.port(), key.name(), key.algorithm(), primary.port(), secondaryPort));
        return p;
    }

    static List<String> www(int port) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(2));
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN));
        return r.send(q).getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    void upToTheSwap(Path plan) {
        for (String now : List.of("2030-01-07T12:00:00Z", "2030-01-09T12:00:00Z", T)) {
            Run r = migrate(plan, "apply", now);
            assertThat(r.code()).as(r.toString()).isZero();
        }
    }

    @Test
    void withoutNotifyConfirmNamesTheLaggingSecondaryFailsAtItsDeadlineAndRollsBack() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT).start();
                BindServer secondary = BindServer.builder().key(key)
                        .addSecondaryZone("example.test.", primary.port(), key, null).start()) {
            Path plan = plan(primary, secondary.port(), key);
            upToTheSwap(plan);
            assertThat(www(primary.port())).containsExactly("198.51.100.20");
            assertThat(www(secondary.port())).containsExactly("203.0.113.10");

            long t0 = System.nanoTime();
            Run confirm = migrate(plan, "apply", "2030-01-10T12:05:00Z");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(confirm.code()).as(confirm.toString()).isEqualTo(3);
            String all = confirm.out() + confirm.err();
            assertThat(all).contains("127.0.0.1:" + secondary.port() + " stale")
                    .contains("serves 203.0.113.10 TTL 300; expected 198.51.100.20 TTL 300");
            assertThat(took).as("the confirm's 3 s timeout, on real time while --now holds the clock")
                    .isBetween(Duration.ofSeconds(3), Duration.ofSeconds(30));
            // The rollback that follows a failed confirm (onFailure: rollback) put the old address back.
            assertThat(www(primary.port())).as(confirm.toString()).containsExactly("203.0.113.10");
        }
    }

    @Test
    void withNotifyConfirmSucceeds() throws Exception {
        TsigKey key = TsigKey.random("lab-key");
        int secondaryPort = Ports.free();
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT, secondaryPort).start();
                BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                        .addSecondaryZone("example.test.", primary.port(), key, null).start()) {
            Path plan = plan(primary, secondaryPort, key);
            upToTheSwap(plan);
            Run confirm = migrate(plan, "apply", "2030-01-10T12:05:00Z");
            assertThat(confirm.code()).as(confirm.toString()).isZero();
            assertThat(confirm.out()).contains("confirm");
            assertThat(www(secondary.port())).containsExactly("198.51.100.20");
        }
    }
}
