package dev.migrate.cli;

import static dev.migrate.testing.Cli.migrate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.lab.LabTest;
import dev.migrate.lab.PostgresServer;
import dev.migrate.testing.Cli.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate state export / import} between the directory beside the plan and a real PostgreSQL: a
 * journal written by real runs moves to the database and back without a byte changing, an import never
 * overwrites a journal, bad lines are named, and a password never shows.
 */
@LabTest
class StateCommandTest {
    static PostgresServer pg;

    @TempDir
    Path dir;
    Path plan;
    String db;

    @BeforeAll
    static void start() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stop() {
        if (pg != null) pg.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Files.copy(Path.of(System.getProperty("migrate.project.dir", ".")).resolve("plans/zones/example.com.zone"),
                zones.resolve("example.com.zone"));
        Path pw = dir.resolve("pg.pw");
        Files.writeString(pw, pg.password() + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        plan = dir.resolve("web.yaml");
        String name = "web-" + dir.getFileName().toString().toLowerCase().replaceAll("[^a-z0-9]", "");
        Files.writeString(plan, """
                name: %s
                cutover: 2026-12-01T02:00:00Z
                provider: { type: zonefile, directory: zones }
                zones: [example.com]
                ttl: { lowered: 300 }
                changes:
                  - { name: www, type: A, from: [203.0.113.10], to: [198.51.100.20] }
                rewrite:
                  - { from: 203.0.113.25, to: 198.51.100.25 }
                """.formatted(name));
        db = pg.url() + "&passwordFile=" + pw;
    }

    /** The journal the file backend writes for lower-ttl, verify and the swap, run through the CLI. */
    List<String> fileJournal() throws Exception {
        for (String now : List.of("2026-11-28T02:00:00Z", "2026-11-30T02:00:00Z", "2026-12-01T02:00:00Z")) {
            Run r = migrate("apply", plan.toString(), "--now", now);
            assertThat(r.code()).as(r.all()).isZero();
        }
        Path journal;
        try (var s = Files.list(dir.resolve(".migrate"))) {
            journal = s.findFirst().orElseThrow().resolve("journal.jsonl");
        }
        return Files.readAllLines(journal);
    }

    @Test
    void aJournalMovesToTheDatabaseAndBackWithoutAByteChanged() throws Exception {
        List<String> original = fileJournal();
        assertThat(original).hasSizeGreaterThan(8);

        Path exported = dir.resolve("exported.jsonl");
        Run ex = migrate("state", "export", plan.toString(), "--to", exported.toString());
        assertThat(ex.code()).as(ex.all()).isZero();
        assertThat(Files.readAllLines(exported)).as("export of the file journal is the file journal").isEqualTo(original);
        assertThat(Files.getPosixFilePermissions(exported)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        Run im = migrate("state", "import", plan.toString(), "--state", db, "--from", exported.toString());
        assertThat(im.code()).as(im.all()).isZero();
        assertThat(im.err()).contains("imported " + original.size() + " events into database postgresql://migrate@127.0.0.1:")
                .doesNotContain(pg.password()).doesNotContain("passwordFile");

        Run back = migrate("state", "export", plan.toString(), "--state", db);
        assertThat(back.code()).as(back.all()).isZero();
        assertThat(back.out().lines().toList()).as("export from the database").isEqualTo(original);

        Path again = dir.resolve("again.jsonl");
        Files.writeString(again, back.out());
        Run toDir = migrate("state", "import", plan.toString(), "--state-dir", dir.resolve("other").toString(), "--from", again.toString());
        assertThat(toDir.code()).as(toDir.all()).isZero();
        try (var s = Files.list(dir.resolve("other"))) {
            assertThat(Files.readAllLines(s.findFirst().orElseThrow().resolve("journal.jsonl")))
                    .as("file -> database -> file").isEqualTo(original);
        }
    }

    @Test
    void importNeverWritesOverAJournal() throws Exception {
        List<String> original = fileJournal();
        Path exported = dir.resolve("exported.jsonl");
        Files.write(exported, original);
        assertThat(migrate("state", "import", plan.toString(), "--state", db, "--from", exported.toString()).code()).isZero();
        Run twice = migrate("state", "import", plan.toString(), "--state", db, "--from", exported.toString());
        assertThat(twice.code()).as(twice.all()).isEqualTo(ExitCode.BLOCKED);
        assertThat(twice.err()).contains("already holds a journal of " + original.size() + " events");
        Run onFile = migrate("state", "import", plan.toString(), "--from", exported.toString());
        assertThat(onFile.code()).as("into the journal it came from").isEqualTo(ExitCode.BLOCKED);
    }

    @Test
    void aDamagedOrGappedExportIsRefusedWholeNamingTheLine() throws Exception {
        List<String> original = fileJournal();
        List<String> damaged = new ArrayList<>(original);
        damaged.set(3, "{\"seq\": 4, \"at\": \"yesterday\"}");
        Path bad = dir.resolve("bad.jsonl");
        Files.write(bad, damaged);
        Run r = migrate("state", "import", plan.toString(), "--state", db, "--from", bad.toString());
        assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains(bad + ":4: not a journal event").contains("nothing was imported");

        // A line cut short (a copy that stopped mid-write) is named as not JSON.
        damaged.set(3, "{\"seq\": 4, \"at\": \"yesterday\"");
        Files.write(bad, damaged);
        r = migrate("state", "import", plan.toString(), "--state", db, "--from", bad.toString());
        assertThat(r.code()).as(r.all()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains(bad + ":4: not JSON").contains("nothing was imported");

        List<String> gapped = new ArrayList<>(original);
        gapped.remove(2);
        Files.write(bad, gapped);
        r = migrate("state", "import", plan.toString(), "--state", db, "--from", bad.toString());
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains(bad + ":3: event 4 where event 3 was expected");
        assertThat(migrate("state", "export", plan.toString(), "--state", db).out()).as("nothing was written").isEmpty();
    }

    @Test
    void thePlansStateKeyIsHonouredAndTheCommandLineBeatsIt() throws Exception {
        List<String> original = fileJournal();
        Path exported = dir.resolve("exported.jsonl");
        Files.write(exported, original);
        Files.writeString(plan, Files.readString(plan) + "state: " + db + "\n");
        assertThat(migrate("state", "import", plan.toString(), "--from", exported.toString()).code()).isZero();
        assertThat(migrate("state", "export", plan.toString()).out().lines().toList()).isEqualTo(original);
        assertThat(migrate("state", "export", plan.toString(), "--state", "file:" + dir.resolve("empty")).out()).isEmpty();
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        String url = "postgresql://migrate:" + pg.password() + "@127.0.0.1:" + pg.port() + "/migrate";
        Run r = migrate("state", "export", plan.toString(), "--state", url);
        assertThat(r.code()).isEqualTo(ExitCode.INVALID);
        assertThat(r.err()).contains("--state: a password is never written in the state URL").doesNotContain(pg.password());
        Run verbose = migrate("state", "export", plan.toString(), "--state", url, "--verbose");
        assertThat(verbose.all()).doesNotContain(pg.password());
    }

    @Test
    void theDriverFindsThePasswordInPgpassAndAWrongOneIsAFailureThatNamesNoSecret() throws Exception {
        Path pgpass = dir.resolve("pgpass");
        Files.writeString(pgpass, "127.0.0.1:" + pg.port() + ":migrate:migrate:" + pg.password() + "\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("PGPASSFILE", pgpass.toString());
        Process ok = child(env, "state", "export", plan.toString(), "--state", pg.url());
        assertThat(ok.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(ok.getErrorStream().readAllBytes());
        assertThat(ok.exitValue()).as(err).isZero();
        assertThat(err).contains("exported 0 events of database postgresql://migrate@127.0.0.1:" + pg.port() + "/migrate");

        Process wrong = child(Map.of("PGPASSWORD", "wrong-password-5150"), "state", "export", plan.toString(), "--state", pg.url());
        assertThat(wrong.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String werr = new String(wrong.getErrorStream().readAllBytes());
        assertThat(wrong.exitValue()).as(werr).isEqualTo(ExitCode.FAILURE);
        assertThat(werr).contains("password authentication failed").doesNotContain("wrong-password-5150");
    }

    Process child(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("PGPASSWORD");
        pb.environment().remove("MIGRATE_STATE");
        pb.environment().remove("MIGRATE_STATE_DIR");
        pb.environment().putAll(env);
        return pb.start();
    }
}
