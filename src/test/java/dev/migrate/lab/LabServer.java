package dev.migrate.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * What every lab server has: a fresh temporary directory holding its config, data and log, the
 * port it serves on (chosen at run time), and its process.
 *
 * <p>{@link #close()} stops the process by PID and deletes the directory. Run the tests with
 * {@code -Dmigrate.lab.keep=true} to keep the directories (configs and logs) for a post-mortem.
 */
public abstract class LabServer implements AutoCloseable {
  /** Generous start-up bound; each server starts in well under 100 ms here (LAB-NOTES). */
  static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private final Path dir;
  private final int port;
  private LabProcess process;

  LabServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** The port the server listens on, on 127.0.0.1 (DNS servers: UDP and TCP; nginx: HTTPS). */
  public int port() {
    return port;
  }

  /** The server's own temporary directory: config, data, log. */
  public Path dir() {
    return dir;
  }

  /** The server's PID. */
  public long pid() {
    return process.pid();
  }

  /** The file holding the server's stdout/stderr. */
  public Path logFile() {
    return process.logFile();
  }

  /** The last lines of the server's log; worth printing when an assertion about it fails. */
  public String logTail() {
    return process.logTail();
  }

  /** Same as {@link #close()}. */
  public void stop() {
    close();
  }

  /** Stops the server by PID (SIGTERM, bounded wait, SIGKILL) and deletes its directory. */
  @Override
  public void close() {
    if (process != null) {
      process.close();
    }
    if (!Boolean.getBoolean("migrate.lab.keep")) {
      deleteTree(dir);
    }
  }

  /** The running process; for subclasses' readiness probes. */
  LabProcess process() {
    return process;
  }

  /**
   * Starts the command with its log in {@code dir/<name>.log}, then runs {@code ready}; if that
   * throws, the server is closed and the exception (which carries the log tail) rethrown, so a
   * failed start never leaves a server behind.
   */
  void launch(String name, java.util.List<String> command, java.util.regex.Pattern fatalLog, Runnable ready) {
    launch(name, dir.resolve(name + ".log"), command, fatalLog, ready);
  }

  /**
   * As above with the output appended to {@code logFile}; {@code fatalLog} (may be null) is passed
   * to {@link LabProcess#failFastOnLog}.
   */
  void launch(String name, Path logFile, java.util.List<String> command, java.util.regex.Pattern fatalLog,
      Runnable ready) {
    process = LabProcess.start(name, command, dir, logFile);
    if (fatalLog != null) {
      process.failFastOnLog(fatalLog);
    }
    try {
      ready.run();
    } catch (RuntimeException | Error e) {
      // The exception already carries the log tail; stop the process and drop the directory
      // (kept with -Dmigrate.lab.keep=true).
      close();
      throw e;
    }
  }

  static Path newTempDir(String kind) {
    try {
      return Files.createTempDirectory("migrate-lab-" + kind + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Zone name with exactly one trailing dot, lower case: {@code "Example.Test"} -> {@code "example.test."}. */
  static String absolute(String zone) {
    String z = zone.trim().toLowerCase(java.util.Locale.ROOT);
    return z.endsWith(".") ? z : z + ".";
  }

  /** Quotes a path or string for BIND/Unbound/Knot/nginx config files. */
  static String quote(Object s) {
    String text = s.toString();
    if (text.contains("\"") || text.contains("\n")) {
      throw new IllegalArgumentException("cannot quote for a config file: " + text);
    }
    return "\"" + text + "\"";
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: a leftover temp dir does not break later runs (ports and dirs are fresh).
    }
  }
}
