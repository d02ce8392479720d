package dev.migrate.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.migrate.cli.Main;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.zonefile.ZoneFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What the engine tests share: running {@code migrate} in-process or as a child JVM, reading the zone
 * file back, and reading the journal line by line. No fakes: the zone-file provider writes real files.
 */
final class EngineFixture {
    private EngineFixture() {}

    static final String ZONE = "example.com.";
    static final ObjectMapper JSON = new ObjectMapper();

    /** What one run of the CLI said and returned. */
    record Run(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** {@code migrate ARGS} in this JVM, through the same entry point as the launcher. */
    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    static Path projectDir() {
        return Path.of(System.getProperty("migrate.project.dir", ".")).toAbsolutePath();
    }

    /** The example zone the repository ships, copied into {@code dir/zones/}. */
    static Path copyExampleZone(Path dir) throws IOException {
        Path zones = Files.createDirectories(dir.resolve("zones"));
        Path to = zones.resolve("example.com.zone");
        Files.copy(projectDir().resolve("plans/zones/example.com.zone"), to);
        return to;
    }

    static ZoneSnapshot readZone(Path zoneFile) {
        try {
            return ZoneFiles.read(zoneFile, ZONE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Someone else's edit of the zone file, outside the tool (the file is rewritten atomically). */
    static void editZone(Path zoneFile, RRset replacement) throws IOException {
        ZoneSnapshot z = readZone(zoneFile);
        RRset old = z.get(replacement.key());
        ZoneFiles.writeAtomically(zoneFile, z.with(List.of(
                dev.migrate.dns.RRsetChange.of(ZONE, old, replacement))));
    }

    /** Every RRset, the SOA with its serial blanked: two zones equal under this differ at most in serial. */
    static Map<RRsetKey, RRset> withoutSerial(ZoneSnapshot z) {
        Map<RRsetKey, RRset> m = new TreeMap<>();
        for (RRset s : z.rrsets()) {
            if (s.type().equals("SOA")) {
                String[] f = s.rdata().get(0).split("\\s+");
                f[2] = "0";
                s = s.withData(List.of(String.join(" ", f)));
            }
            m.put(s.key(), s);
        }
        return m;
    }

    static RRsetKey key(String name, String type) {
        return new RRsetKey(name, type);
    }

    static Path journalFile(Path stateDir) {
        return stateDir.resolve("journal.jsonl");
    }

    static List<String> journalLines(Path stateDir) throws IOException {
        Path f = journalFile(stateDir);
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).toList();
    }

    /** Every journal line parsed; fails the test on a line that is not one JSON object. */
    static List<JsonNode> journal(Path stateDir) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : journalLines(stateDir)) {
            JsonNode n = JSON.readTree(l);
            assertThat(n.isObject()).as("journal line is a JSON object: %s", l).isTrue();
            out.add(n);
        }
        return out;
    }

    static long count(List<JsonNode> events, String type, String phase) {
        return events.stream().filter(e -> e.path("event").asText().equals(type)
                && (phase == null || e.path("phase").asText().equals(phase))).count();
    }

    // ------------------------------------------------------------------ child processes

    /** {@code java -cp <this test's classpath> dev.migrate.cli.Main ARGS}, with extra environment. */
    static ProcessBuilder child(Path workDir, Map<String, String> env, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xshare:auto");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.migrate.cli.Main");
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().remove("MIGRATE_PAUSE_AT");
        pb.environment().remove("MIGRATE_PAUSE_FILE");
        pb.environment().remove("MIGRATE_NOW");
        pb.environment().remove("MIGRATE_STATE_DIR");
        pb.environment().putAll(env);
        return pb;
    }

    /** A finished child: its exit code and what it printed (stdout and stderr went to files). */
    record Finished(int exit, String out, String err) {}

    static Process start(ProcessBuilder pb, Path logDir, String name) throws IOException {
        pb.redirectOutput(logDir.resolve(name + ".out").toFile());
        pb.redirectError(logDir.resolve(name + ".err").toFile());
        return pb.start();
    }

    static Finished await(Process p, Path logDir, String name, Duration limit) throws Exception {
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(name + " did not finish within " + limit + "; stderr: "
                    + read(logDir.resolve(name + ".err")));
        }
        return new Finished(p.exitValue(), read(logDir.resolve(name + ".out")), read(logDir.resolve(name + ".err")));
    }

    /** SIGKILL (destroyForcibly on Linux) and wait, bounded, until the process is gone. */
    static void kill9(Process p) throws InterruptedException {
        p.destroyForcibly();
        if (!p.waitFor(20, TimeUnit.SECONDS)) throw new AssertionError("process " + p.pid() + " survived SIGKILL");
        assertThat(p.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    }

    /**
     * Waits, bounded, until a child parked at a crash point has written its pause file. Returns false
     * when the child ended without reaching the point.
     */
    static boolean awaitPause(Process p, Path pauseFile, Duration limit) throws InterruptedException {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            if (Files.exists(pauseFile)) return true;
            if (!p.isAlive()) return Files.exists(pauseFile);
            Thread.sleep(20);
        }
        p.destroyForcibly();
        throw new AssertionError("the child neither reached its crash point nor ended within " + limit);
    }

    /**
     * Runs {@code migrate ARGS} in a child JVM (working in {@code dir}) that parks at crash point {@code point},
     * and SIGKILLs it there; fails when the child ends without reaching it.
     */
    static void killAt(Path dir, String point, Duration limit, String... args) throws Exception {
        String name = "child-" + point.replace('#', '-');
        Path pause = dir.resolve("paused-" + point.replace('#', '-'));
        Process p = start(child(dir, Map.of("MIGRATE_PAUSE_AT", point, "MIGRATE_PAUSE_FILE", pause.toString()),
                List.of(args)), dir, name);
        try {
            if (!awaitPause(p, pause, limit)) {
                Finished f = await(p, dir, name, limit);
                throw new AssertionError("the child ended (exit " + f.exit() + ") without reaching " + point + ": "
                        + f.out() + f.err());
            }
            kill9(p);
        } finally {
            if (p.isAlive()) p.destroyForcibly();
        }
    }

    static String read(Path f) {
        try {
            return Files.exists(f) ? Files.readString(f) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
