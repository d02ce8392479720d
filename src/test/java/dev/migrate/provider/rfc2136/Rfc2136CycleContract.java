package dev.migrate.provider.rfc2136;

import static dev.migrate.provider.rfc2136.LabDns.ZONE;
import static dev.migrate.provider.rfc2136.LabDns.rrset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.lab.TsigKey;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole cutover through the CLI against a real server: plan, apply stepped through every phase with
 * {@code --now}, rollback; after each step the server is asked directly (RD=0) and must serve exactly
 * the expected RRsets and TTLs.
 */
abstract class Rfc2136CycleContract {
    record Server(int port, TsigKey key, AutoCloseable stop) {}

    abstract Server start(String zone, String zoneText);

    static final String T = "2030-01-10T12:00:00Z";

    @TempDir
    Path dir;

    Server server;
    Path plan;

    @BeforeEach
    void up() throws Exception {
        server = start(ZONE, LabDns.ZONE_TEXT);
        plan = writePlan(dir, server.port(), server.key(), server.key().name());
    }

    @AfterEach
    void down() throws Exception {
        if (server != null) server.stop().close();
    }

    /** A plan as an operator writes it: the secret in a file of its own beside the plan. */
    static Path writePlan(Path dir, int port, TsigKey key, String keyName) throws Exception {
        Files.writeString(dir.resolve("key.secret"), key.secret() + "\n");
        Path p = dir.resolve("cutover.yaml");
        Files.writeString(p, """
                name: rfc2136-cycle
                cutover: %s
                provider:
                  type: rfc2136
                  server: "127.0.0.1:%d"
                  tsig: { name: %s, algorithm: %s, secretFile: key.secret }
                  read: axfr
                  timeout: 2s
                zones: [example.test]
                ttl:
                  lowered: 300
                  restore: original
                changes:
                  - { name: www,   type: A,    from: [203.0.113.10], to: [198.51.100.20] }
                  - { name: www,   type: AAAA, from: ["2001:db8:10::10"], to: ["2001:db8:20::20"] }
                  - { name: "@",   type: TXT,  to: ['"v=spf1 ip4:198.51.100.25 -all"'] }
                  - { name: multi, type: A,    to: [] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                nameservers: ["127.0.0.1:%d"]
                """.formatted(T, port, keyName, key.algorithm(), port));
        return p;
    }

    CliRun migrate(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.add(1, plan.toString());
        return CliRun.of(a.toArray(String[]::new));
    }

    RRset live(String name, String type) throws Exception {
        return LabDns.served(server.port(), name, type);
    }

    /** The whole zone as the server serves it, without the SOA (its serial is the server's). */
    Map<String, RRset> zoneWithoutSoa() throws Exception {
        ZoneSnapshot z = LabDns.provider(server.port(), server.key(), dir).read(ZONE);
        return z.rrsets().stream().filter(Predicate.not(s -> s.type().equals("SOA")))
                .collect(Collectors.toMap(s -> s.key().toString(), s -> s));
    }

    @Test
    void wholeCycleStepByStepThenRollbackRestoresEveryRRset() throws Exception {
        Map<String, RRset> original = zoneWithoutSoa();

        CliRun plan = migrate("plan", "--now", "2030-01-06T12:00:00Z");
        assertThat(plan.exit()).as(plan.toString()).isZero();
        assertThat(plan.out()).contains("www A").contains("198.51.100.20").contains("mail A").contains("safe");

        CliRun lower = migrate("apply", "--now", "2030-01-07T12:00:00Z"); // T-72h
        assertThat(lower.exit()).as(lower.toString()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:10::10"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 300, "203.0.113.25"));
        assertThat(live("multi.example.test.", "A")).isEqualTo(rrset("multi.example.test.", "A", 300, "192.0.2.1", "192.0.2.2"));
        assertThat(live(ZONE, "TXT")).isNull();
        assertThat(live(ZONE, "A")).isEqualTo(original.get("example.test. A")); // untouched

        CliRun verify = migrate("apply", "--now", "2030-01-09T12:00:00Z"); // T-24h
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));

        CliRun swap = migrate("apply", "--now", T);
        assertThat(swap.exit()).as(swap.toString()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "198.51.100.20"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:20::20"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 300, "198.51.100.25"));
        assertThat(live("multi.example.test.", "A")).isNull();
        assertThat(live(ZONE, "TXT")).isEqualTo(rrset(ZONE, "TXT", 300, "\"v=spf1 ip4:198.51.100.25 -all\""));

        CliRun confirm = migrate("apply", "--now", "2030-01-10T12:05:00Z"); // T+5m
        assertThat(confirm.exit()).as(confirm.toString()).isZero();

        CliRun restore = migrate("apply", "--now", "2030-01-11T12:00:00Z"); // T+24h
        assertThat(restore.exit()).as(restore.toString()).isZero();
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "198.51.100.20"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 3600, "2001:db8:20::20"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 7200, "198.51.100.25"));
        // created by the swap: takes the SOA's TTL (PhaseChanges.restoreTtl)
        assertThat(live(ZONE, "TXT")).isEqualTo(rrset(ZONE, "TXT", 3600, "\"v=spf1 ip4:198.51.100.25 -all\""));

        CliRun status = migrate("status", "--now", "2030-01-11T12:01:00Z");
        assertThat(status.exit()).as(status.toString()).isZero();

        CliRun rollback = migrate("rollback", "--now", "2030-01-11T13:00:00Z");
        assertThat(rollback.exit()).as(rollback.toString()).isZero();
        // the old data at once, the lowered TTL for a day (a retry needs no new lowering), then the original
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "203.0.113.10"));
        CliRun restoreAfter = migrate("apply", "--now", "2030-01-12T13:00:00Z");
        assertThat(restoreAfter.exit()).as(restoreAfter.toString()).isZero();
        assertThat(zoneWithoutSoa()).isEqualTo(original);
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 3600, "203.0.113.10"));
        assertThat(live("mail.example.test.", "A")).isEqualTo(rrset("mail.example.test.", "A", 7200, "203.0.113.25"));
        assertThat(live(ZONE, "TXT")).isNull();
        assertNoPendingBatches();
    }

    @Test
    void aRecordChangedWithNsupdateBeforeTheSwapIsAConflictAndLeftAlone() throws Exception {
        assertThat(migrate("apply", "--now", "2030-01-07T12:00:00Z").exit()).isZero();
        assertThat(migrate("apply", "--now", "2030-01-09T12:00:00Z").exit()).isZero();
        LabDns.nsupdate(server.port(), server.key(),
                "update delete www.example.test. A", "update add www.example.test. 300 A 192.0.2.77");

        CliRun swap = migrate("apply", "--now", T);
        assertThat(swap.exit()).as(swap.toString()).isEqualTo(4);
        assertThat(swap.err()).contains("www.example.test. A").contains("192.0.2.77");
        // Left alone, and the rest of the swap's batch did not land either (one atomic UPDATE).
        assertThat(live("www.example.test.", "A")).isEqualTo(rrset("www.example.test.", "A", 300, "192.0.2.77"));
        assertThat(live("www.example.test.", "AAAA")).isEqualTo(rrset("www.example.test.", "AAAA", 300, "2001:db8:10::10"));
        assertThat(live(ZONE, "TXT")).isNull();
        assertNoPendingBatches();
    }

    void assertNoPendingBatches() throws Exception {
        Path state = dir.resolve(".migrate").resolve("rfc2136-cycle");
        assertThat(JournalState.of(Journal.eventsIn(state)).pending()).isEmpty();
    }
}
