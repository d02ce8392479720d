package dev.migrate.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.BindServer;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.SmtpResponder;
import dev.migrate.lab.TsigKey;
import dev.migrate.lab.UnboundServer;
import dev.migrate.testing.Cli;
import dev.migrate.testing.Dig;
import dev.migrate.testing.LabPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The issue's mail move as one plan, through the command line, against real servers: a BIND primary written
 * through the rfc2136 provider (TSIG), a BIND secondary fed by NOTIFY, and Unbound resolving from the
 * secondary. MX first points at a hold host whose port 25 refuses (a port nothing listens on: senders queue
 * and retry), one lowered TTL after that is live everywhere MX points at the new host, whose SMTP answers
 * (the lab's {@link SmtpResponder}). {@code --now} steps through the plan's days; Unbound lives on real time,
 * so each look through it first flushes the name (the TTL {@code --now} skipped).
 */
@LabTest
class MailMoveThroughCliLabTest {
    static final String ZONE = "example.test.";
    static final String ZONE_TEXT = """
            $TTL 3600
            @     3600  IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @     86400 IN NS  ns1.example.test.
            ns1   86400 IN A   127.0.0.1
            @     3600  IN MX  10 mail.example.test.
            mail  3600  IN A   127.0.0.1
            hold  3600  IN A   127.0.0.1
            mx2   3600  IN A   127.0.0.1
            www   3600  IN A   203.0.113.10
            """;
    static final Instant T = Instant.parse("2030-01-10T12:00:00Z");
    /** How long the secondary may take to transfer a change after the primary's NOTIFY. */
    static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(5);
    /** hold-live confirms at T+1m (--now holds the clock); open is planned one lowered TTL (300 s) later. */
    static final Instant HOLD_LIVE = T.plusSeconds(60);
    static final Instant OPEN_PLANNED = HOLD_LIVE.plusSeconds(300);
    /** The step gate: hold-live's confirmation + the lowered TTL + margin (5 min for a 300-s TTL). */
    static final Instant OPEN_SAFE = HOLD_LIVE.plusSeconds(300).plusSeconds(300);

    @TempDir
    Path dir;

    /** A primary, its secondary (NOTIFY on every change), Unbound resolving from the secondary, the SMTP host. */
    final class Lab implements AutoCloseable {
        final TsigKey key = TsigKey.random("lab-key");
        final int secondaryPort = Ports.free();
        final int holdPort = Ports.free(); // nothing listens here: the hold host refuses, senders retry
        final BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT, secondaryPort).start();
        final BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                .addSecondaryZone(ZONE, primary.port(), key, null).start();
        final UnboundServer unbound = UnboundServer.builder().stubZone(ZONE, secondaryPort).start();
        final SmtpResponder mx2 = SmtpResponder.builder().start();
        final Path plan;

        Lab() throws Exception {
            plan = dir.resolve("mail.yaml");
            Files.writeString(plan, """
                    name: mail-lab
                    cutover: %s
                    """.formatted(T) + LabPlan.rfc2136(dir, primary.port(), key) + """
                    zones: [example.test]
                    ttl: { lowered: 300, restore: original }
                    nameservers: ["127.0.0.1:%d", "127.0.0.1:%d"]
                    propagation: { interval: 1s, queryTimeout: 1s, tries: 2 }
                    checks:
                      - { id: hold-refuses, tcp: "127.0.0.1:%d", expect: refused }
                      - { id: hold-defers,  smtp: "127.0.0.1:%d", rcptTo: postmaster@example.test, expect: defer }
                      - { id: mx2-listens,  tcp: "127.0.0.1:%d", expectBanner: "220 " }
                      - { id: mx2-accepts,  smtp: "127.0.0.1:%d", rcptTo: postmaster@example.test }
                    phases:
                      - { id: lower-ttl,  at: T-72h, action: lower-ttl }
                      - { id: verify,     at: T-24h, action: verify, checks: [hold-refuses, hold-defers] }
                      - { id: hold,       at: T,     action: swap,
                          changes: [ { name: "@", type: MX, from: ["10 mail.example.test."], to: ["10 hold.example.test."] } ] }
                      - { id: hold-live,  at: hold+1m, action: confirm, timeout: 10s }
                      - { id: verify-new, at: hold-live+ttl, action: verify, checks: [mx2-listens, mx2-accepts] }
                      - { id: open,       at: hold-live+ttl, action: swap, approval: required,
                          changes: [ { name: "@", type: MX, from: ["10 hold.example.test."], to: ["10 mx2.example.test."] } ] }
                      - { id: open-live,  at: open+1m, action: confirm, timeout: 10s }
                      - { id: restore-ttl, at: T+5d, action: restore-ttl }
                    """.formatted(primary.port(), secondaryPort, holdPort, holdPort, mx2.port(), mx2.port()));
        }

        Cli.Run migrate(String command, Instant now, String... more) {
            List<String> args = new java.util.ArrayList<>(List.of(command, plan.toString()));
            args.addAll(List.of(more));
            args.addAll(List.of("--now", now.toString()));
            return Cli.migrate(args.toArray(String[]::new));
        }

        /** How many times the journal says {@code phase} started. */
        long starts(String phase) throws Exception {
            return Files.readAllLines(dir.resolve(".migrate/mail-lab/journal.jsonl")).stream()
                    .filter(l -> l.contains("\"event\":\"phase-started\"") && l.contains("\"phase\":\"" + phase + "\""))
                    .count();
        }

        Cli.Run ok(String command, Instant now, String... more) {
            Cli.Run r = migrate(command, now, more);
            assertThat(r.code()).as("%s at %s:%n%s", command, now, r.all()).isZero();
            return r;
        }

        /** The MX on the primary and on the secondary (authoritative, RD=0), and through Unbound. */
        void mxIs(String host, long ttl, String after) throws Exception {
            List<String> expected = List.of("10 " + host + "." + ZONE);
            for (int port : new int[] {primary.port(), secondary.port()}) {
                Dig.Answer a = Dig.authoritative(port, ZONE, "MX", x -> x.data().equals(expected) && x.ttl() == ttl, SETTLE);
                assertThat(a.data()).as("MX at 127.0.0.1:%d after %s", port, after).isEqualTo(expected);
                assertThat(a.ttl()).as("MX TTL at 127.0.0.1:%d after %s", port, after).isEqualTo(ttl);
                assertThat(a.authoritative()).isTrue();
            }
            unbound.flush(ZONE);
            assertThat(Dig.recursive(unbound.port(), ZONE, "MX").data()).as("MX through Unbound after %s", after)
                    .isEqualTo(expected);
        }

        /** lower-ttl, verify, hold and hold-live, each at its instant. */
        void upToTheHold() throws Exception {
            mxIs("mail", 3600, "nothing");
            Cli.Run lower = ok("apply", T.minusSeconds(72 * 3600));
            assertThat(lower.out()).contains("lowered TTL confirmed at");
            mxIs("mail", 300, "lower-ttl");
            Cli.Run verify = ok("apply", T.minusSeconds(24 * 3600));
            assertThat(verify.out()).contains("check hold-refuses passed", "check hold-defers passed");
            Cli.Run hold = ok("apply", T);
            assertThat(hold.out()).contains("hold: done", "10 hold.example.test.");
            mxIs("hold", 300, "hold");
            Cli.Run live = ok("apply", HOLD_LIVE);
            assertThat(live.out()).contains("hold-live: done", "live: 2/2");
            mxIs("hold", 300, "hold-live");
        }

        /** verify-new and open (approved), then open-live. */
        void open() throws Exception {
            ok("approve", OPEN_PLANNED, "open", "--by", "mailbox-copier");
            Cli.Run held = migrate("apply", OPEN_PLANNED); // verify-new; then the step gate holds open
            assertThat(held.code()).as(held.all()).isEqualTo(4);
            ok("apply", OPEN_SAFE);
            ok("apply", OPEN_SAFE.plusSeconds(60));
            mxIs("mx2", 300, "open-live");
        }

        @Override
        public void close() {
            for (AutoCloseable c : new AutoCloseable[] {mx2, unbound, secondary, primary}) {
                try {
                    c.close();
                } catch (Exception e) {
                    // the next one still closes
                }
            }
        }
    }

    @Test
    void theMailPlanRunsEndToEndAndTheStepGateHoldsOpenUntilTheHoldIsLiveForOneLoweredTtlPlusMargin() throws Exception {
        try (Lab lab = new Lab()) {
            lab.upToTheHold();

            // One lowered TTL after the hold: verify-new finds the new host listening; open waits for its approval.
            Cli.Run unapproved = lab.migrate("apply", OPEN_PLANNED);
            assertThat(unapproved.code()).as(unapproved.all()).isEqualTo(4);
            assertThat(unapproved.out()).contains("verify-new: done", "check mx2-listens passed", "check mx2-accepts passed");
            assertThat(unapproved.all()).contains("phase open needs an approval", "migrate approve");
            assertThat(lab.mx2.transcript()).as("the smtp check talked to the new host").anyMatch(l -> l.startsWith("EHLO"))
                    .noneMatch(l -> l.startsWith("DATA"));
            lab.mxIs("hold", 300, "verify-new");

            lab.ok("approve", OPEN_PLANNED, "open", "--by", "mailbox-copier");
            // Approved, and due by the plan (hold-live + ttl), but resolvers may still hold the hold MX until
            // hold-live's confirmation + 300 s + 5 min margin: the gate holds it, naming the instant.
            for (Instant early : List.of(OPEN_PLANNED, OPEN_SAFE.minusSeconds(1))) {
                Cli.Run held = lab.migrate("apply", early);
                assertThat(held.code()).as(held.all()).isEqualTo(4);
                assertThat(held.all()).contains("unsafe until " + OPEN_SAFE)
                        .contains("resolvers may still hold what the earlier step wrote");
                lab.mxIs("hold", 300, "open held at " + early);
            }

            Cli.Run open = lab.ok("apply", OPEN_SAFE);
            assertThat(open.out()).contains("open: done", "10 mx2.example.test.");
            lab.mxIs("mx2", 300, "open");
            Cli.Run openLive = lab.ok("apply", OPEN_SAFE.plusSeconds(60));
            assertThat(openLive.out()).contains("open-live: done", "live: 2/2");
            lab.mxIs("mx2", 300, "open-live");

            // Nothing is due until T+5d; then the MX goes back to its original TTL on both servers.
            Cli.Run idle = lab.ok("apply", T.plusSeconds(4 * 86400));
            assertThat(idle.out()).contains("next: restore-ttl");
            Cli.Run restore = lab.ok("apply", T.plusSeconds(5 * 86400));
            assertThat(restore.out()).contains("restore-ttl: done");
            lab.mxIs("mx2", 3600, "restore-ttl");

            Cli.Run log = Cli.migrate("log", lab.plan.toString());
            assertThat(log.code()).as(log.all()).isZero();
            assertThat(log.out()).contains("mailbox-copier");
        }
    }

    /** Each step a rollback may start from, with the instant just after it ran. */
    @ParameterizedTest(name = "rollback after {0}")
    @ValueSource(strings = {"lower-ttl", "hold", "hold-live", "verify-new", "open", "open-live", "restore-ttl"})
    void aRollbackFromAnyStepKeepsTheLoweredTtlEverywhereConfirmsAndRestoresTheTtlWhenDue(String after) throws Exception {
        try (Lab lab = new Lab()) {
            Instant at = runUpTo(lab, after);
            Instant rollbackAt = at.plusSeconds(600);
            Cli.Run back = lab.ok("rollback", rollbackAt);
            Instant restoreAt = rollbackAt.plusSeconds(86400);
            boolean swapped = !after.equals("lower-ttl");
            if (swapped) {
                assertThat(back.out()).contains("undone; the old records are served again at the lowered TTL (300 s)"
                        + " on every authoritative address (live: 2/2");
            } else {
                assertThat(back.out()).contains("no swap to undo");
            }
            assertThat(back.out()).contains("the TTLs stay lowered until restore-ttl at " + restoreAt);
            lab.mxIs("mail", 300, "rollback after " + after);

            // cron: nothing else runs, nothing is restored before its time, then the TTLs go back up
            Cli.Run waiting = lab.ok("apply", restoreAt.minusSeconds(1));
            assertThat(waiting.out()).contains("rolled back at " + rollbackAt, "--restart");
            lab.mxIs("mail", 300, "apply before the restore");
            Cli.Run status = lab.ok("status", restoreAt.minusSeconds(1));
            assertThat(status.out()).contains("restore-ttl at " + restoreAt);
            Cli.Run restored = lab.ok("apply", restoreAt);
            assertThat(restored.out()).contains("rollback-restore-ttl: done");
            lab.mxIs("mail", 3600, "the restore after the rollback");
            Cli.Run later = lab.ok("apply", restoreAt.plusSeconds(3600));
            assertThat(later.out()).doesNotContain("started");
        }
    }

    /** Runs the plan up to and including {@code phase}; returns the instant that phase ran at. */
    static Instant runUpTo(Lab lab, String phase) throws Exception {
        List<String> order = List.of("lower-ttl", "verify", "hold", "hold-live", "verify-new", "open", "open-live",
                "restore-ttl");
        List<Instant> at = List.of(T.minusSeconds(72 * 3600), T.minusSeconds(24 * 3600), T, HOLD_LIVE, OPEN_PLANNED,
                OPEN_SAFE, OPEN_SAFE.plusSeconds(60), T.plusSeconds(5 * 86400));
        lab.ok("approve", T.minusSeconds(72 * 3600), "open", "--by", "mailbox-copier");
        for (int i = 0; i <= order.indexOf(phase); i++) {
            Cli.Run r = lab.migrate("apply", at.get(i), "--phase", order.get(i));
            assertThat(r.code()).as("%s:%n%s", order.get(i), r.all()).isZero();
            assertThat(r.out()).contains(order.get(i) + ": done");
        }
        return at.get(order.indexOf(phase));
    }

    @Test
    void rollbackToHoldFromAfterOpenGoesBackOneStepAndRestartRetriesOpenWithoutANewLowering() throws Exception {
        try (Lab lab = new Lab()) {
            lab.upToTheHold();
            lab.open();

            Instant back = OPEN_SAFE.plusSeconds(3600);
            Cli.Run toHold = lab.ok("rollback", back, "--to", "hold");
            assertThat(toHold.out()).contains("1 RRset change(s) undone", "at the lowered TTL (300 s)", "live: 2/2");
            lab.mxIs("hold", 300, "rollback --to hold");
            Cli.Run status = lab.ok("status", back);
            assertThat(status.out()).containsPattern("hold\\s+swap\\s+done").containsPattern("hold-live\\s+confirm\\s+done")
                    .containsPattern("open\\s+swap\\s+rolled-back").containsPattern("lower-ttl\\s+lower-ttl\\s+done");

            // The approval was for the try that went wrong: the retry is approved anew (after the rollback).
            lab.ok("approve", back.plusSeconds(300), "open", "--by", "mailbox-copier");
            Cli.Run restart = lab.ok("apply", back.plusSeconds(600), "--restart");
            assertThat(restart.out()).contains("without a new lowering", "open: done").doesNotContain("lower-ttl: started");
            lab.mxIs("mx2", 300, "apply --restart");
            Cli.Run live = lab.ok("apply", back.plusSeconds(660));
            assertThat(live.out()).contains("open-live: done", "live: 2/2");

            assertThat(lab.starts("lower-ttl")).as("lower-ttl ran once, before the rollback").isEqualTo(1);
            assertThat(lab.starts("open")).as("open ran again after --restart").isEqualTo(2);
            // A rollback --to a phase that has not run says which ran
            Cli.Run bad = lab.migrate("rollback", back.plusSeconds(700), "--to", "restore-ttl");
            assertThat(bad.code()).isEqualTo(2);
            assertThat(bad.all()).contains("--to restore-ttl: that phase has not run");
        }
    }
}
