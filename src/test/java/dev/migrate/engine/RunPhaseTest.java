package dev.migrate.engine;

import static dev.migrate.engine.EngineFixture.cli;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.migrate.dns.RRsetKey;
import dev.migrate.engine.EngineFixture.Run;
import dev.migrate.exec.ProcessCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code action: run} through the command line, with real processes and a real zone file: the command
 * runs with the migration described in its environment and nothing else of migrate's; a failing one
 * fails the phase (exit 3) and follows onFailure; its output is journaled bounded and redacted; a secret
 * passed by env never reaches the journal; one that outlives its timeout is killed with its whole group.
 */
class RunPhaseTest {
    static final String T = "2026-12-01T02:00:00Z";

    @TempDir
    Path dir;

    Path plan(String runPhases) throws Exception {
        EngineFixture.copyExampleZone(dir);
        Path p = dir.resolve("plan.yaml");
        Files.writeString(p, """
                name: run-test
                cutover: %s
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                phases:
                  - { id: lower-ttl, at: T-72h, action: lower-ttl }
                  - { id: swap,      at: T,     action: swap }
                %s""".formatted(T, runPhases));
        return p;
    }

    Path script(String name, String body) throws Exception {
        Path s = Files.createDirectories(dir.resolve("bin")).resolve(name);
        Files.writeString(s, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    Path state() {
        return dir.resolve(".migrate/run-test");
    }

    Run apply(Path plan, String now, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("apply", plan.toString(), "--now", now));
        args.addAll(List.of(more));
        return cli(args.toArray(String[]::new));
    }

    String www() {
        return EngineFixture.readZone(dir.resolve("zones/example.com.zone"))
                .get(new RRsetKey("www.example.com.", "A")).rdata().toString();
    }

    @Test
    void aRunPhaseRunsItsCommandWithTheMigrationInItsEnvironmentAndNothingElseOfMigrates() throws Exception {
        script("note.sh", """
                printf '%s|%s|%s|%s|%s|%s|%s\\n' "$MIGRATE_PLAN" "$MIGRATE_PHASE" "$MIGRATE_ZONES" "$MIGRATE_CUTOVER" \\
                    "$MIGRATE_SCHEDULED_AT" "$REGION" "$1" > written.txt
                env > env.txt
                echo "wrote it"
                """);
        Path plan = plan("""
                  - { id: note, at: T+1m, action: run, command: [./bin/note.sh, "hello world"], env: { REGION: eu-west } }
                """);
        assertThat(apply(plan, "2026-11-28T02:00:00Z").exit()).isZero();
        assertThat(apply(plan, T).exit()).isZero();
        Run r = apply(plan, "2026-12-01T02:01:00Z");

        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("note: command ./bin/note.sh 'hello world' exited 0").contains("note: done");
        assertThat(Files.readString(dir.resolve("written.txt")))
                .isEqualTo("run-test|note|example.com|" + T + "|2026-12-01T02:01:00Z|eu-west|hello world\n");
        // It ran in the plan's directory, with the MIGRATE_* variables, the plan's own and a few harmless ones.
        Set<String> names = Files.readAllLines(dir.resolve("env.txt")).stream().filter(l -> l.contains("="))
                .map(l -> l.substring(0, l.indexOf('='))).collect(Collectors.toSet());
        Set<String> allowed = new java.util.HashSet<>(ProcessCommands.INHERITED);
        allowed.addAll(List.of("REGION", "PWD", "SHLVL", "_", "OLDPWD"));
        assertThat(names).allSatisfy(n -> assertThat(n.startsWith("MIGRATE_") || allowed.contains(n)).as(n).isTrue())
                .contains("MIGRATE_PLAN_FILE", "MIGRATE_STARTED_AT", "MIGRATE_JOURNAL", "MIGRATE_EARLIEST_SAFE_SWAP")
                .doesNotContain("MIGRATE_NOW", "MIGRATE_STATE_DIR");
        // Journaled with its output, and shown by migrate log.
        JsonNode cmd = EngineFixture.journal(state()).stream().filter(e -> e.path("event").asText().equals("command"))
                .findFirst().orElseThrow();
        assertThat(cmd.path("info").path("exitCode").asText()).isEqualTo("0");
        assertThat(cmd.path("info").path("stdout").asText()).isEqualTo("wrote it\n");
        Run log = cli("log", plan.toString());
        assertThat(log.out()).contains("note (run, scheduled 2026-12-01T02:01:00Z): done")
                .contains("command ./bin/note.sh 'hello world': exited 0")
                .contains("stdout (9 bytes), last line: wrote it");
        // Done means done: the next apply does not run it again.
        Files.delete(dir.resolve("written.txt"));
        assertThat(apply(plan, "2026-12-01T03:00:00Z").exit()).isZero();
        assertThat(dir.resolve("written.txt")).doesNotExist();
    }

    @Test
    void aFailedCommandHaltsAndDoesNotRunAgainByItselfOnlyWhenNamed() throws Exception {
        script("count.sh", """
                echo x >> runs.txt
                echo "mailbox copy: quota exceeded" >&2
                exit 4
                """);
        Path plan = plan("""
                  - { id: copy, at: T+1m, action: run, command: [./bin/count.sh] }
                """);
        apply(plan, "2026-11-28T02:00:00Z");
        apply(plan, T);
        Run failed = apply(plan, "2026-12-01T02:01:00Z");
        assertThat(failed.exit()).as(failed.all()).isEqualTo(3);
        assertThat(failed.err()).contains("copy: failed: command ./bin/count.sh exited 4")
                .contains("it last said: mailbox copy: quota exceeded").contains("onFailure is halt: nothing was rolled back");
        assertThat(www()).as("halt: the swap stays").isEqualTo("[198.51.100.20]");

        Run cron = apply(plan, "2026-12-01T02:05:00Z");
        assertThat(cron.exit()).as(cron.all()).isEqualTo(4);
        assertThat(cron.err()).contains("does not run again by itself", "--phase copy");
        assertThat(Files.readAllLines(dir.resolve("runs.txt"))).hasSize(1);

        Run named = apply(plan, "2026-12-01T02:06:00Z", "--phase", "copy");
        assertThat(named.exit()).as(named.all()).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("runs.txt"))).hasSize(2);
        assertThat(cli("status", plan.toString()).out()).contains("copy").contains("failed");
    }

    /**
     * As an operator runs it: a separate migrate process whose environment holds the secret the plan
     * names and another it does not name. The command gets the first (and prints it); neither reaches the
     * journal or the log, and the second never reaches the command.
     */
    @Test
    void aFailingCommandFollowsRollbackAndItsSecretNeverReachesTheJournal() throws Exception {
        String secret = "s3cr3t-copy-token-4711";
        String other = "provider-token-never-passed-0815";
        script("copy.sh", """
                echo "using token $COPY_TOKEN"
                echo "PROVIDER_TOKEN=$PROVIDER_TOKEN" > seen.txt
                echo "auth failed for $COPY_TOKEN" >&2
                exit 7
                """);
        Path plan = plan("""
                  - id: copy
                    at: T+1m
                    action: run
                    command: [./bin/copy.sh]
                    onFailure: rollback
                    env: { COPY_TOKEN: { fromEnv: MAIL_COPY_TOKEN } }
                """);
        Map<String, String> env = Map.of("MAIL_COPY_TOKEN", secret, "PROVIDER_TOKEN", other);
        for (String now : List.of("2026-11-28T02:00:00Z", T)) {
            assertThat(child(plan, env, "apply", plan.toString(), "--now", now).exit()).isZero();
        }
        EngineFixture.Finished r = child(plan, env, "apply", plan.toString(), "--now", "2026-12-01T02:01:00Z");

        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(3);
        assertThat(r.out() + r.err()).contains("exited 7", "auth failed for ***", "rolled back")
                .doesNotContain(secret);
        assertThat(www()).as("onFailure: rollback put the old address back").isEqualTo("[203.0.113.10]");
        assertThat(Files.readString(dir.resolve("seen.txt"))).isEqualTo("PROVIDER_TOKEN=\n");
        String journal = Files.readString(EngineFixture.journalFile(state()));
        assertThat(journal).doesNotContain(secret).contains("using token ***").contains("\"exitCode\":\"7\"");
        Run log = cli("log", plan.toString(), "-v");
        assertThat(log.out()).contains("command ./bin/copy.sh: exited 7").contains("| auth failed for ***")
                .contains("rollback: done").doesNotContain(secret);
    }

    @Test
    void aCommandThatOutlivesItsTimeoutIsKilledWithEveryProcessOfItsGroup() throws Exception {
        script("hang.sh", """
                echo $$ > shell.pid
                sleep 300 & echo $! > child.pid
                ( sleep 300 & echo $! > orphan.pid )
                echo started
                sleep 300
                """);
        Path plan = plan("""
                  - { id: hang, at: T+1m, action: run, command: [./bin/hang.sh], timeout: 2s }
                """);
        apply(plan, "2026-11-28T02:00:00Z");
        apply(plan, T);
        long t0 = System.nanoTime();
        Run r = apply(plan, "2026-12-01T02:01:00Z");
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(r.exit()).as(r.all()).isEqualTo(3);
        assertThat(r.all()).contains("outlived its timeout and was killed");
        assertThat(took).as("the 2 s timeout, then SIGTERM").isLessThan(Duration.ofSeconds(20));
        for (String f : List.of("shell.pid", "child.pid", "orphan.pid")) {
            long pid = Long.parseLong(Files.readString(dir.resolve(f)).strip());
            assertThat(goneWithin(pid, Duration.ofSeconds(10))).as(f + " " + pid + " is gone").isTrue();
        }
        JsonNode cmd = EngineFixture.journal(state()).stream().filter(e -> e.path("event").asText().equals("command"))
                .findFirst().orElseThrow();
        assertThat(cmd.path("info").path("timedOut").asText()).isEqualTo("true");
        assertThat(cmd.path("info").path("stdout").asText()).isEqualTo("started\n");
    }

    @Test
    void aProgramThatDoesNotExistFailsThePhaseSayingSo() throws Exception {
        Path plan = plan("""
                  - { id: nothing, at: T+1m, action: run, command: [./bin/no-such-script] }
                """);
        apply(plan, "2026-11-28T02:00:00Z");
        apply(plan, T);
        Run r = apply(plan, "2026-12-01T02:01:00Z");
        assertThat(r.exit()).as(r.all()).isEqualTo(3);
        assertThat(r.err()).contains("did not start: cannot start", "No such file or directory");
    }

    @Test
    void aDryRunShowsTheCommandAndRunsNothing() throws Exception {
        script("touch.sh", "touch touched\n");
        Path plan = plan("""
                  - { id: touch, at: T+1m, action: run, shell: true, command: "./bin/touch.sh && echo hi", timeout: 1m }
                """);
        apply(plan, "2026-11-28T02:00:00Z");
        apply(plan, T);
        Run r = apply(plan, "2026-12-01T02:01:00Z", "--dry-run");
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("touch: would run: would run sh -c './bin/touch.sh && echo hi' in " + dir)
                .contains("timeout 1m");
        assertThat(dir.resolve("touched")).doesNotExist();
        // and for real: a shell command when the plan asks for one
        assertThat(apply(plan, "2026-12-01T02:01:00Z").exit()).isZero();
        assertThat(dir.resolve("touched")).exists();
    }

    @Test
    void aRehearsalRunsNoCommand() throws Exception {
        script("touch.sh", "touch touched\n");
        Path plan = plan("""
                  - { id: touch, at: T+1m, action: run, command: [./bin/touch.sh] }
                """);
        Run r = cli("rehearse", plan.toString());
        assertThat(r.exit()).as(r.all()).isZero();
        assertThat(r.out()).contains("simulated: the rehearsal runs no command (./bin/touch.sh)");
        assertThat(dir.resolve("touched")).doesNotExist();
    }

    EngineFixture.Finished child(Path plan, Map<String, String> env, String... args) throws Exception {
        Process p = EngineFixture.start(EngineFixture.child(dir, env, Arrays.asList(args)), dir, "child");
        return EngineFixture.await(p, dir, "child", Duration.ofSeconds(60));
    }

    /** Gone, or a zombie waiting for a slow init to reap it (no longer running either way). */
    static boolean goneWithin(long pid, Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            try {
                String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
                if (stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z")) return true;
            } catch (java.io.IOException e) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
