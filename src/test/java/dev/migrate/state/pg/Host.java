package dev.migrate.state.pg;

import dev.migrate.cli.Main;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One "host" of a shared-state test: its own working directory (plan, key and password files), its own
 * host name, and {@code migrate} run there as a separate JVM, as cron would. Stopped by PID only.
 */
final class Host {
    final String name;
    final Path dir;
    private final Map<String, String> env = new HashMap<>();
    private final AtomicInteger runs = new AtomicInteger();

    Host(String name, Path dir) {
        this.name = name;
        this.dir = dir;
        env.put("HOSTNAME", name);
    }

    Host env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** What one run printed and returned. */
    record Finished(int exit, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** A started run; its output goes to files named after it. */
    final class Started {
        final Process process;
        final String id;

        Started(Process process, String id) {
            this.process = process;
            this.id = id;
        }

        Finished await(Duration limit) throws Exception {
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(name + " run " + id + " did not finish within " + limit + ": " + read(".err"));
            }
            return new Finished(process.exitValue(), read(".out"), read(".err"));
        }

        private String read(String ext) throws IOException {
            Path f = dir.resolve("run-" + id + ext);
            return Files.exists(f) ? Files.readString(f) : "";
        }

        void kill9() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(20, TimeUnit.SECONDS)) throw new AssertionError(name + " survived SIGKILL");
        }

        void signal(String sig) throws Exception {
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).inheritIO().start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new AssertionError("kill -" + sig + " failed");
        }
    }

    /** {@code migrate ARGS} in this host's directory, in a JVM of its own; {@code extraEnv} on top. */
    Started start(Map<String, String> extraEnv, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        String id = Integer.toString(runs.incrementAndGet());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
                .redirectOutput(dir.resolve("run-" + id + ".out").toFile())
                .redirectError(dir.resolve("run-" + id + ".err").toFile());
        for (String k : List.of("MIGRATE_PAUSE_AT", "MIGRATE_PAUSE_FILE", "MIGRATE_NOW", "MIGRATE_STATE", "MIGRATE_STATE_DIR",
                "PGPASSWORD")) {
            pb.environment().remove(k);
        }
        pb.environment().putAll(env);
        pb.environment().putAll(extraEnv);
        return new Started(pb.start(), id);
    }

    Finished run(String... args) throws Exception {
        return start(Map.of(), args).await(Duration.ofSeconds(120));
    }

    /** Waits, bounded, until a run parked at a crash point has written its pause file. */
    static void awaitPause(Started s, Path pauseFile, Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < until) {
            if (Files.exists(pauseFile)) return;
            if (!s.process.isAlive()) {
                Finished f = s.await(Duration.ofSeconds(5));
                throw new AssertionError("the run ended (exit " + f.exit() + ") before its crash point: " + f.all());
            }
            Thread.sleep(20);
        }
        s.process.destroyForcibly();
        throw new AssertionError("the run did not reach its crash point within " + limit);
    }
}
