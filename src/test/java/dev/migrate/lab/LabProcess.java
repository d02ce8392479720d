package dev.migrate.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * One server child process of the lab, started in the foreground with its output in a log file.
 *
 * <p>It is stopped only through its own {@link Process} object (that is, by its PID): SIGTERM, a
 * bounded wait on the process object, then SIGKILL. Never by name, which could hit another
 * engineer's or CI's servers on the same machine. LAB-NOTES: PID 1 here reaps slowly, so the wait
 * is on the child {@code Process} (which we reap ourselves), not a {@code kill -0} loop.
 *
 * <p>A JVM shutdown hook stops any process a test forgot to close, so a crashed test run does not
 * leave servers behind.
 */
public final class LabProcess implements AutoCloseable {
  /** How long {@link #close} waits after SIGTERM before SIGKILL, and after SIGKILL. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final int LOG_TAIL_LINES = 40;
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Set<LabProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(LabProcess::close), "lab-reaper"));
  }

  private final String name;
  private final Process process;
  private final Path logFile;
  private volatile boolean closed;
  private volatile Pattern fatalLogLine;

  private LabProcess(String name, Process process, Path logFile) {
    this.name = name;
    this.process = process;
    this.logFile = logFile;
  }

  /**
   * Starts {@code command} in {@code workDir} with stdout and stderr appended to {@code logFile}.
   * Returns at once: call {@link #waitForTcp} or {@link #waitForSoa} to know it is serving.
   *
   * @param name short label used in error messages, e.g. {@code "named"}
   */
  public static LabProcess start(String name, List<String> command, Path workDir, Path logFile) {
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    try {
      Process p = pb.start();
      LabProcess lp = new LabProcess(name, p, logFile);
      LIVE.add(lp);
      return lp;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + command, e);
    }
  }

  /** Short label given at start. */
  public String name() {
    return name;
  }

  /** The child's PID, as recorded at start. */
  public long pid() {
    return process.pid();
  }

  /** The file holding the server's stdout and stderr. */
  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last lines of the server's log (empty if there is none yet). */
  public String logTail() {
    try {
      if (!Files.exists(logFile)) {
        return "";
      }
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()).stream()
          .collect(Collectors.joining("\n"));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + logFile + ": " + e + ")";
    }
  }

  /**
   * An exception for a server that did not come up, carrying the tail of its log: that is where
   * the reason is (bad config line, port taken, zone not loaded).
   */
  public IllegalStateException failure(String what) {
    String state = process.isAlive() ? "still running" : "exited with code " + process.exitValue();
    return new IllegalStateException(
        name + " (pid " + pid() + ", " + state + "): " + what + "\n--- last lines of " + logFile
            + " ---\n" + logTail() + "\n--- end of log ---");
  }

  /** Waits until something accepts TCP connections on 127.0.0.1:{@code port}. */
  public void waitForTcp(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      checkAlive("waiting for TCP port " + port);
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, port), 200);
        return;
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        throw failure("nothing accepted TCP on 127.0.0.1:" + port + " within " + timeout);
      }
      sleep(POLL);
    }
  }

  /**
   * Waits until 127.0.0.1:{@code port} answers an SOA query for {@code zone} with NOERROR and the
   * SOA record, i.e. the server is up and the zone is loaded (BIND and Knot listen before their
   * zones are loaded; a secondary answers only once the transfer is done). Returns the SOA record.
   *
   * @param tcp query over TCP instead of UDP
   */
  public Record waitForSoa(int port, String zone, boolean tcp, Duration timeout) {
    Name zoneName;
    try {
      zoneName = Name.fromString(zone, Name.root);
    } catch (TextParseException e) {
      throw new IllegalArgumentException("bad zone name " + zone, e);
    }
    SimpleResolver resolver = new SimpleResolver(new InetSocketAddress(LOOPBACK, port));
    resolver.setTCP(tcp);
    resolver.setTimeout(Duration.ofMillis(500));
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (true) {
      checkAlive("waiting for the SOA of " + zoneName + " on port " + port);
      try {
        Message response = resolver.send(Message.newQuery(Record.newRecord(zoneName, Type.SOA, DClass.IN)));
        if (response.getRcode() == Rcode.NOERROR) {
          for (Record r : response.getSection(Section.ANSWER)) {
            if (r.getType() == Type.SOA && r.getName().equals(zoneName)) {
              return r;
            }
          }
        }
        last = "rcode " + Rcode.string(response.getRcode());
      } catch (IOException e) {
        last = e.toString();
      }
      if (System.nanoTime() > deadline) {
        throw failure("no SOA for " + zoneName + " on 127.0.0.1:" + port + " within " + timeout
            + " (last: " + last + ")");
      }
      sleep(POLL);
    }
  }

  /**
   * Makes the wait methods fail at once, instead of at their timeout, when a log line matches
   * {@code pattern}: for servers that keep running after a fatal-for-the-test error (named stays up
   * when a zone does not load).
   */
  public LabProcess failFastOnLog(Pattern pattern) {
    this.fatalLogLine = pattern;
    return this;
  }

  /**
   * Throws {@link #failure} if the process has exited, or if its log matches the
   * {@link #failFastOnLog} pattern.
   */
  public void checkAlive(String while_) {
    if (!process.isAlive()) {
      throw failure("exited early while " + while_);
    }
    Pattern fatal = fatalLogLine;
    if (fatal != null) {
      try {
        if (Files.exists(logFile) && fatal.matcher(Files.readString(logFile)).find()) {
          throw failure("log shows a fatal error (/" + fatal + "/) while " + while_);
        }
      } catch (IOException e) {
        // unreadable log: rely on the timeout
      }
    }
  }

  /**
   * Stops the process by PID: SIGTERM ({@link Process#destroy}), a bounded wait on the process
   * object, then SIGKILL. Child processes it had at the time (nginx workers) get the same, by PID.
   * Safe to call twice.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<ProcessHandle> children = new ArrayList<>();
    process.descendants().forEach(children::add);
    process.destroy();
    if (!waitFor(process, STOP_GRACE)) {
      process.destroyForcibly();
      waitFor(process, STOP_GRACE);
    }
    for (ProcessHandle child : children) {
      if (child.isAlive()) {
        child.destroyForcibly();
      }
    }
    LIVE.remove(this);
  }

  private static boolean waitFor(Process p, Duration d) {
    try {
      return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !p.isAlive();
    }
  }

  static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
