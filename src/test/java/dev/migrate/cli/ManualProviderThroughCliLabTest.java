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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The runbook author whose DNS someone else edits: {@code provider: { type: manual }}, no credentials. A
 * real BIND primary and a secondary (NOTIFY) serve the zone and refuse transfers to strangers; `migrate
 * apply` (in-process, as an operator runs it) prints what to set, and a person at the keyboard
 * ({@link OperatorByNsupdate}, a real nsupdate process) makes that change at the printed moment; the
 * tool waits until both addresses serve it. Then the rollback says what to put back, and confirms it.
 */
@LabTest
class ManualProviderThroughCliLabTest {
    static final String ZONE_TEXT = """
            $TTL 3600
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
    TsigKey key;
    BindServer primary;
    BindServer secondary;

    @BeforeEach
    void up() {
        key = TsigKey.random("panel-key");
        int secondaryPort = Ports.free();
        primary = BindServer.builder().key(key).addPrimaryZone("example.test.", ZONE_TEXT, secondaryPort).start();
        secondary = BindServer.builder().port(secondaryPort).key(key)
                .addSecondaryZone("example.test.", primary.port(), key, null).start();
    }

    @AfterEach
    void down() {
        if (secondary != null) secondary.close();
        if (primary != null) primary.close();
    }

    record Run(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    Run migrate(OperatorByNsupdate operator, String... args) {
        StringWriter out = new StringWriter();
        int before = operator.printed().length();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(operator, true));
        return new Run(code, out.toString(), operator.printed().substring(before));
    }

    Path plan(String timeout) throws Exception {
        Path p = dir.resolve("panel.yaml");
        Files.writeString(p, """
                name: panel
                cutover: %s
                provider: { type: manual, timeout: %s, interval: 1s, queryTimeout: 1s }
                zones: [example.test]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                  - { id: swap,      at: T,     action: swap }
                  - { id: confirm,   at: T+5m,  action: confirm, timeout: 10s }
                """.formatted(T, timeout, primary.port(), secondary.port()));
        return p;
    }

    /** www A as one address serves it: "TTL data". */
    static String www(int port) throws Exception {
        SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
        r.setTimeout(Duration.ofSeconds(2));
        Message q = Message.newQuery(Record.newRecord(Name.fromString("www.example.test."), Type.A, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        List<Record> a = r.send(q).getSection(Section.ANSWER);
        return a.isEmpty() ? "absent" : a.get(0).getTTL() + " " + a.get(0).rdataToString();
    }

    @Test
    void eachChangeIsPrintedMadeByHandAtThatMomentAndAwaitedOnEveryAddressThenRolledBack() throws Exception {
        Path plan = plan("30s");
        try (OperatorByNsupdate operator = new OperatorByNsupdate(primary.port(), key, dir)) {
            Run preview = migrate(operator, "plan", plan.toString(), "--now", "2030-01-01T00:00:00Z");
            assertThat(preview.code()).as(preview.toString()).isZero();
            assertThat(preview.out()).contains("203.0.113.10").contains("198.51.100.20");

            Run lower = migrate(operator, "apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
            assertThat(lower.code()).as(lower.toString()).isZero();
            assertThat(lower.err()).contains("manual: make this change in zone example.test. by hand")
                    .contains("1. www.example.test. A  (in a panel: name www, type A): set the TTL to 300, records unchanged"
                            + " (now 203.0.113.10 TTL 3600); exactly these records:")
                    .contains("       www.example.test. 300 IN A 203.0.113.10")
                    .contains("Waiting until every authoritative address serves exactly this (127.0.0.1:" + primary.port()
                            + ", 127.0.0.1:" + secondary.port() + ")")
                    .contains("every authoritative address (2) serves the change");
            assertThat(www(secondary.port())).isEqualTo("300 203.0.113.10");

            Run swap = migrate(operator, "apply", plan.toString(), "--now", T);
            assertThat(swap.code()).as(swap.toString()).isZero();
            assertThat(swap.err()).contains("REPLACE the records, TTL 300 (now 203.0.113.10 TTL 300); exactly these records:")
                    .contains("       www.example.test. 300 IN A 198.51.100.20");
            assertThat(www(primary.port())).isEqualTo("300 198.51.100.20");
            assertThat(www(secondary.port())).isEqualTo("300 198.51.100.20");

            Run confirm = migrate(operator, "apply", plan.toString(), "--now", "2030-01-10T12:05:00Z");
            assertThat(confirm.code()).as(confirm.toString()).isZero();

            // The default rollback (issue 11): the old records back now, the original TTL a day later.
            Run rollback = migrate(operator, "rollback", plan.toString(), "--now", "2030-01-10T13:00:00Z");
            assertThat(rollback.code()).as(rollback.toString()).isZero();
            // The old address back at the lowered TTL; a day later (apply, when due) the original TTL.
            assertThat(rollback.err()).contains("REPLACE the records, TTL 300 (now 198.51.100.20 TTL 300); exactly these records:\n"
                    + "       www.example.test. 300 IN A 203.0.113.10");
            assertThat(www(primary.port())).isEqualTo("300 203.0.113.10");
            Run restore = migrate(operator, "apply", plan.toString(), "--now", "2030-01-11T13:00:00Z");
            assertThat(restore.code()).as(restore.toString()).isZero();
            assertThat(restore.err()).contains("set the TTL to 3600, records unchanged (now 203.0.113.10 TTL 300); exactly these records:\n"
                    + "       www.example.test. 3600 IN A 203.0.113.10");
            assertThat(www(primary.port())).isEqualTo("3600 203.0.113.10");
            assertThat(www(secondary.port())).isEqualTo("3600 203.0.113.10");
            assertThat(operator.failures()).isEmpty();
            assertThat(operator.scripts()).hasSize(4);
        }
    }

    @Test
    void nobodyMakingTheChangeFailsCleanlyAtTheProviderTimeoutAndChangesNothing() throws Exception {
        Path plan = plan("2s");
        try (OperatorByNsupdate operator = new OperatorByNsupdate(primary.port(), key, dir).away()) {
            long t0 = System.nanoTime();
            Run lower = migrate(operator, "apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(lower.code()).as(lower.toString()).isEqualTo(1);
            assertThat(lower.err()).contains("manual: make this change")
                    .contains("was not served by every authoritative address within 2s (provider timeout): 0/2 addresses"
                            + " serve it")
                    .contains("www.example.test. A is 203.0.113.10 TTL 3600")
                    .contains("nothing was changed");
            assertThat(lower.err()).as("asked once, not again by a retry").containsOnlyOnce("manual: make this change");
            assertThat(took).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(20));
            assertThat(www(primary.port())).isEqualTo("3600 203.0.113.10");
        }
    }

    @Test
    void somethingElseSetByHandIsAConflictNamingIt() throws Exception {
        Path plan = plan("3s");
        try (OperatorByNsupdate operator = new OperatorByNsupdate(primary.port(), key, dir)
                .editing(data -> data.replace("203.0.113.10", "198.51.100.99"))) {
            Run lower = migrate(operator, "apply", plan.toString(), "--now", "2030-01-07T12:00:00Z");
            assertThat(lower.code()).as(lower.toString()).isEqualTo(4);
            assertThat(lower.err()).contains("someone set other data")
                    .contains("serves www.example.test. A as 198.51.100.99 TTL 300, expected 203.0.113.10 TTL 300"
                            + " (before: 203.0.113.10 TTL 3600)");
            assertThat(operator.failures()).isEmpty();
        }
    }
}
