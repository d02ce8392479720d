package dev.migrate.state.pg;

import dev.migrate.lab.PostgresServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link StoreChild} JVM driven line by line; stopped by its PID. */
final class Child implements AutoCloseable {
    final Process process;
    private final PrintWriter in;
    private final BlockingQueue<String> out = new LinkedBlockingQueue<>();

    Child(PostgresServer pg, String url, String migration, String hostName) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), StoreChild.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().put("MIGRATE_TEST_URL", url);
        pb.environment().put("MIGRATE_TEST_MIGRATION", migration);
        pb.environment().put("PGPASSWORD", pg.password());
        pb.environment().put("HOSTNAME", hostName);
        process = pb.start();
        in = new PrintWriter(process.getOutputStream(), true);
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                String l;
                while ((l = r.readLine()) != null) out.add(l);
            } catch (IOException ignored) {
                // the child is gone
            }
        }, "child-reader");
        reader.setDaemon(true);
        reader.start();
    }

    long pid() {
        return process.pid();
    }

    void send(String line) {
        in.println(line);
    }

    /** The next line the child printed, waiting at most {@code limit}. */
    String next(Duration limit) throws InterruptedException {
        String l = out.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        if (l == null) throw new AssertionError("the child (pid " + pid() + ") said nothing within " + limit);
        return l;
    }

    /** Sends a command and returns the child's one-line answer. */
    String ask(String line) throws InterruptedException {
        send(line);
        return next(Duration.ofSeconds(60));
    }

    void signal(String sig) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) throw new AssertionError("kill -" + sig + " " + pid() + " failed");
    }

    void kill9() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(20, TimeUnit.SECONDS)) throw new AssertionError("child " + pid() + " survived SIGKILL");
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            try {
                signal("CONT");
            } catch (IOException | AssertionError ignored) {
                // it is being killed anyway
            }
            kill9();
        }
    }
}
