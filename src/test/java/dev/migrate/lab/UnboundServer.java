package dev.migrate.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Unbound ({@code unbound -d -c unbound.conf}) as a caching resolver on 127.0.0.1 that resolves lab
 * zones through stub zones pointing at lab authoritative servers: what a cutover test's "the
 * world's resolvers" look like.
 *
 * <pre>{@code
 * try (UnboundServer unbound = UnboundServer.builder()
 *     .stubZone("example.test.", bind.port())
 *     .start()) {
 *   // query 127.0.0.1:unbound.port(); unbound.flush("www.example.test.") drops a cached name
 * }
 * }</pre>
 *
 * <p>All its queries stay on 127.0.0.1: a client query for a name outside the stub zones is answered
 * REFUSED at once ({@code local-zone: "." refuse}), and the root itself is a stub pointing at a closed
 * loopback port, so no internal lookup can reach the internet root servers either. With
 * {@link Builder#rootHints} it resolves from a lab root instead (see {@link DelegationLab}).
 */
public final class UnboundServer extends LabServer {
  private static final Duration CONTROL_TIMEOUT = Duration.ofSeconds(10);
  /**
   * A loopback port nothing listens on (discard): the "root servers", so that any lookup outside the
   * lab zones fails on loopback instead of going to the root servers built into unbound.
   */
  private static final int DEAD_ROOT_PORT = 9;

  private final Path conf;

  private UnboundServer(Path dir, int port, Path conf) {
    super(dir, port);
    this.conf = conf;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The config file; {@code unbound-control -c} takes it. */
  public Path conf() {
    return conf;
  }

  /**
   * Runs {@code unbound-control -c CONF args...} over the unix control socket and returns its
   * output, e.g. {@code control("dump_cache")}.
   *
   * @throws IllegalStateException if it exits non-zero or takes over 10 s
   */
  public String control(String... args) {
    List<String> cmd = new ArrayList<>(List.of(
        LabBinaries.require("unbound-control").toString(), "-c", conf.toString()));
    cmd.addAll(List.of(args));
    try {
      Path out = Files.createTempFile(dir(), "control-", ".out");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      if (!p.waitFor(CONTROL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("unbound-control " + List.of(args) + " did not finish in " + CONTROL_TIMEOUT);
      }
      String text = Files.readString(out);
      Files.deleteIfExists(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("unbound-control " + List.of(args) + " exited " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run unbound-control", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Drops one name (all types) from the cache: {@code unbound-control flush NAME}. */
  public void flush(String name) {
    control("flush", name);
  }

  /** Drops every cached name at or below {@code zone}: {@code unbound-control flush_zone ZONE}. */
  public void flushZone(String zone) {
    control("flush_zone", zone);
  }

  /** Options; {@link #start()} writes unbound.conf and runs unbound. */
  public static final class Builder {
    private int port;
    private int cacheMinTtl = 0;
    private int cacheMaxTtl = 86400;
    private final Map<String, Integer> stubs = new LinkedHashMap<>();
    private final Map<String, Integer> forwards = new LinkedHashMap<>();
    private final List<String> resolvable = new ArrayList<>();
    private final List<String> extra = new ArrayList<>();
    private String rootHints;

    private Builder() {}

    /** The port to listen on; by default {@link Ports#free()}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Resolve {@code zone} by asking the authoritative server on 127.0.0.1:{@code authPort}. */
    public Builder stubZone(String zone, int authPort) {
      stubs.put(absolute(zone), authPort);
      return this;
    }

    /**
     * Forward queries for {@code zone} (RD=1) to the server on 127.0.0.1:{@code port}
     * ({@code forward-zone}, {@code forward-first: no}): a nameserver address kept alive as a
     * forwarder to the new servers, as BIND's {@code forwarders { ...; }; forward only;} does.
     */
    public Builder forwardZone(String zone, int port) {
      forwards.put(absolute(zone), port);
      return this;
    }

    /**
     * Resolve from a lab root instead of stub zones: {@code hintsText} is a root hints file in zone-file
     * form ({@code . NS a.root.lab.} and the address of that name), read by {@code root-hints:}. The
     * addresses must answer on port 53 (a resolver asks the root and every delegation there): give them
     * with {@link PortRelay}. Names a client may ask about are opened with {@link #resolvable}.
     */
    public Builder rootHints(String hintsText) {
      this.rootHints = hintsText;
      return this;
    }

    /**
     * Lets clients ask about names at or under {@code zone} (resolved through the root hints or a stub);
     * every other client query stays REFUSED.
     */
    public Builder resolvable(String zone) {
      resolvable.add(absolute(zone));
      return this;
    }

    /**
     * {@code cache-min-ttl} in seconds (default 0). Non-zero stretches short TTLs: the resolver
     * keeps serving the old answer after a cutover for at least this long.
     */
    public Builder cacheMinTtl(int seconds) {
      this.cacheMinTtl = seconds;
      return this;
    }

    /** {@code cache-max-ttl} in seconds (default 86400): caps how long any answer is kept. */
    public Builder cacheMaxTtl(int seconds) {
      this.cacheMaxTtl = seconds;
      return this;
    }

    /**
     * An extra line for the {@code server:} clause, e.g. {@code "serve-expired: yes"},
     * {@code "prefetch: yes"}, {@code "cache-max-negative-ttl: 5"}.
     */
    public Builder serverOption(String line) {
      extra.add(line);
      return this;
    }

    /** Writes unbound.conf, starts unbound and waits until it accepts queries and control commands. */
    public UnboundServer start() {
      Path unbound = LabBinaries.require("unbound");
      LabBinaries.require("unbound-control");
      int listenPort = port != 0 ? port : Ports.free();
      Path dir = newTempDir("unbound");
      Path confFile = dir.resolve("unbound.conf");
      Path socket = dir.resolve("control.sock");
      UnboundServer server = new UnboundServer(dir, listenPort, confFile);

      StringBuilder c = new StringBuilder();
      c.append("server:\n")
          .append("  interface: 127.0.0.1\n")
          .append("  port: ").append(listenPort).append("\n")
          .append("  do-ip6: no\n")
          .append("  access-control: 127.0.0.0/8 allow\n")
          .append("  num-threads: 1\n")
          .append("  outgoing-range: 64\n")
          .append("  so-reuseport: no\n")
          // Stay root and out of a chroot; everything lives in the temp dir.
          .append("  username: \"\"\n")
          .append("  chroot: \"\"\n")
          .append("  directory: ").append(quote(dir)).append("\n")
          .append("  pidfile: ").append(quote(dir.resolve("unbound.pid"))).append("\n")
          .append("  use-syslog: no\n")
          .append("  logfile: \"\"\n")
          .append("  verbosity: 1\n")
          // No validator: a lab zone has no trust anchor, and none is needed (LAB-NOTES).
          .append("  module-config: \"iterator\"\n")
          // The lab's authoritative servers are on loopback; by default unbound never asks
          // 127.0.0.0/8 and answers SERVFAIL (LAB-NOTES).
          .append("  do-not-query-localhost: no\n")
          .append("  cache-min-ttl: ").append(cacheMinTtl).append("\n")
          .append("  cache-max-ttl: ").append(cacheMaxTtl).append("\n");
      // Lab zones sit under names unbound answers itself by default (test., invalid., ...: NXDOMAIN).
      // "transparent" on the lab zone outranks that default and lets the zone be resolved through
      // its stub. (Seen here: "nodefault" on example.test. alone still gave NXDOMAIN; LAB-NOTES'
      // "test." nodefault works but opens every other .test name to the root.) "." refuse answers
      // every other client query REFUSED at once, so nothing is ever asked off this machine.
      java.util.Set<String> open = new java.util.LinkedHashSet<>(stubs.keySet());
      open.addAll(resolvable);
      for (String zone : open) {
        c.append("  local-zone: ").append(quote(zone)).append(" transparent\n");
      }
      for (String zone : forwards.keySet()) {
        c.append("  local-zone: ").append(quote(zone)).append(" transparent\n");
      }
      if (rootHints != null) {
        // The lab root instead of the internet's (the built-in hints are never used then).
        Path hints = dir.resolve("root.hints");
        write(hints, rootHints);
        c.append("  root-hints: ").append(quote(hints)).append("\n");
      }
      c.append("  local-zone: \".\" refuse\n");
      for (String line : extra) {
        c.append("  ").append(line).append("\n");
      }
      c.append("remote-control:\n")
          .append("  control-enable: yes\n")
          // A unix socket needs no certificates (LAB-NOTES).
          .append("  control-interface: ").append(quote(socket)).append("\n")
          .append("  control-use-cert: no\n");
      stubs.forEach((zone, authPort) -> c.append("stub-zone:\n")
          .append("  name: ").append(quote(zone)).append("\n")
          .append("  stub-addr: 127.0.0.1@").append(authPort).append("\n"));
      forwards.forEach((zone, authPort) -> c.append("forward-zone:\n")
          .append("  name: ").append(quote(zone)).append("\n")
          .append("  forward-addr: 127.0.0.1@").append(authPort).append("\n")
          .append("  forward-first: no\n"));
      if (rootHints == null) {
        c.append("stub-zone:\n")
            .append("  name: \".\"\n")
            .append("  stub-addr: 127.0.0.1@").append(DEAD_ROOT_PORT).append("\n")
            .append("  stub-prime: no\n");
      }
      write(confFile, c.toString());

      // -d: foreground.
      server.launch("unbound", List.of(unbound.toString(), "-d", "-c", confFile.toString()), null, () -> {
        server.process().waitForTcp(listenPort, START_TIMEOUT);
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(socket)) {
          server.process().checkAlive("waiting for the control socket " + socket);
          if (System.nanoTime() > deadline) {
            throw server.process().failure("no control socket " + socket + " within " + START_TIMEOUT);
          }
          LabProcess.sleep(Duration.ofMillis(50));
        }
      });
      return server;
    }
  }
}
