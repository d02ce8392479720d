package dev.migrate.provider.rfc2136;

import static dev.migrate.provider.rfc2136.LabDns.ZONE;
import static dev.migrate.provider.rfc2136.LabDns.rrset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.TsigKey;
import dev.migrate.state.Journal;
import dev.migrate.state.JournalState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each way the server can say no, through the CLI against BIND: one clear line on stderr, exit 1, the
 * records untouched and the journal with no write left unsettled.
 */
@LabTest
class Rfc2136CliErrorsTest {
    static final String LOWER = "2030-01-07T12:00:00Z";
    static final String SWAP = Rfc2136CycleContract.T;

    @TempDir
    Path dir;

    CliRun apply(Path plan, String now) {
        return CliRun.of("apply", plan.toString(), "--now", now);
    }

    static void assertOneClearLine(CliRun run, String... mentions) {
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        String[] lines = run.err().strip().split("\n");
        assertThat(lines).as(run.toString()).hasSize(1);
        for (String m : mentions) assertThat(lines[0]).as(run.toString()).contains(m);
    }

    void assertJournalSettled() throws Exception {
        Path state = dir.resolve(".migrate").resolve("rfc2136-cycle");
        if (Files.exists(state)) assertThat(JournalState.of(Journal.eventsIn(state)).pending()).isEmpty();
        CliRun status = CliRun.of("status", dir.resolve("cutover.yaml").toString(), "--now", SWAP);
        assertThat(status.exit()).as(status.toString()).isZero();
    }

    @Test
    void aWrongSecretIsBadsig() throws Exception {
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, LabDns.ZONE_TEXT).start()) {
            TsigKey wrong = bind.key().withRandomSecret();
            Path plan = Rfc2136CycleContract.writePlan(dir, bind.port(), wrong, wrong.name());
            CliRun run = apply(plan, LOWER);
            assertOneClearLine(run, "BADSIG", "'lab-key'", "key.secret");
            assertThat(run.err() + run.out()).doesNotContain(wrong.secret()).doesNotContain(bind.key().secret());
            assertThat(LabDns.served(bind.port(), "www.example.test.", "A").ttl()).isEqualTo(3600);
            assertJournalSettled();
        }
    }

    @Test
    void anUnknownKeyNameIsBadkey() throws Exception {
        try (BindServer bind = BindServer.builder().addPrimaryZone(ZONE, LabDns.ZONE_TEXT).start()) {
            Path plan = Rfc2136CycleContract.writePlan(dir, bind.port(), bind.key(), "not-the-lab-key");
            CliRun run = apply(plan, LOWER);
            assertOneClearLine(run, "BADKEY", "not-the-lab-key");
            assertThat(run.err()).doesNotContain(bind.key().secret());
            assertJournalSettled();
        }
    }

    @Test
    void anUpdateRefusedByPolicyChangesNothing() throws Exception {
        // Transfers allowed for the key, updates for nobody.
        try (BindServer bind = BindServer.builder().allowUpdate(false).addPrimaryZone(ZONE, LabDns.ZONE_TEXT).start()) {
            Path plan = Rfc2136CycleContract.writePlan(dir, bind.port(), bind.key(), bind.key().name());
            CliRun run = apply(plan, LOWER);
            assertOneClearLine(run, "REFUSED", "UPDATE", "allow-update");
            assertThat(LabDns.served(bind.port(), "www.example.test.", "A"))
                    .isEqualTo(rrset("www.example.test.", "A", 3600, "203.0.113.10"));
            assertJournalSettled();
        }
    }

    @Test
    void aServerThatIsDownBeforeTheSwap() throws Exception {
        BindServer bind = BindServer.builder().addPrimaryZone(ZONE, LabDns.ZONE_TEXT).start();
        Path plan;
        try {
            plan = Rfc2136CycleContract.writePlan(dir, bind.port(), bind.key(), bind.key().name());
            assertThat(apply(plan, LOWER).exit()).isZero();
            assertThat(apply(plan, "2030-01-09T12:00:00Z").exit()).isZero();
        } finally {
            bind.close();
        }
        CliRun run = apply(plan, SWAP);
        assertOneClearLine(run, "127.0.0.1:" + bind.port(), "connection refused", "is the server running");
        assertJournalSettled();
    }
}
