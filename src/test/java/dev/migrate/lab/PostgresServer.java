package dev.migrate.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL 15 cluster ({@code postgres -D DIR}) on 127.0.0.1, for the shared-state tests:
 * its own data directory in the lab temp dir, a port picked at run time, the unix socket in the temp dir.
 *
 * <pre>{@code
 * try (PostgresServer pg = PostgresServer.start()) {
 *   // pg.url() = "postgresql://127.0.0.1:PORT/migrate?user=migrate", the password in pg.password()
 *   try (Connection c = pg.connect()) { ... }   // as the superuser, for looking at the tables
 * }
 * }</pre>
 *
 * <p>initdb refuses to run as root (LAB-NOTES), so every server command runs as the {@code postgres}
 * user through {@code runuser}, in a directory that user owns. Connections over TCP need a password
 * (scram-sha-256), as on a real shared server, so the tests prove the password really travels from
 * {@code PGPASSWORD} / {@code passwordFile}; the unix socket trusts the superuser, for setup only.
 *
 * <p>Stopped by PID: SIGINT to the postmaster (its PID from {@code postmaster.pid}: PostgreSQL's
 * "fast" shutdown, which does not wait for clients to leave), then {@link LabProcess#close} on the
 * runuser process (SIGTERM, bounded wait, SIGKILL).
 */
public final class PostgresServer extends LabServer {
  /** The Debian package's binaries, not on PATH (LAB-NOTES). */
  public static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  public static final String DATABASE = "migrate";
  public static final String USER = "migrate";
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);

  private final Path data;
  private final String password;

  private PostgresServer(Path dir, int port, Path data, String password) {
    super(dir, port);
    this.data = data;
    this.password = password;
  }

  /** initdb, start, wait with pg_isready, then create the {@code migrate} role and database. */
  public static PostgresServer start() {
    Path postgres = require("postgres");
    Path initdb = require("initdb");
    Path isReady = require("pg_isready");
    Path runuser = LabBinaries.require("runuser");
    int port = Ports.free();
    Path dir = newTempDir("postgres");
    // The postgres user must reach its data directory and write its socket and log here.
    chown(dir, "postgres");
    Path data = dir.resolve("data");
    String password = "lab-" + java.util.UUID.randomUUID();
    PostgresServer server = new PostgresServer(dir, port, data, password);
    Path pwfile = dir.resolve("superuser.pw");
    write(pwfile, password + "\n");
    chown(pwfile, "postgres");

    runAsPostgres(server, runuser, List.of(initdb.toString(), "-D", data.toString(), "-U", "postgres",
        "--pwfile=" + pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-locale",
        // A throwaway cluster: skip initdb's own fsync of its files (the server itself keeps fsync on,
        // so commits are as durable as in production).
        "--no-sync"), dir.resolve("initdb.log"));

    server.launch("postgres", List.of(runuser.toString(), "-u", "postgres", "--", postgres.toString(),
        "-D", data.toString(), "-p", Integer.toString(port), "-k", dir.toString(),
        "-c", "listen_addresses=127.0.0.1", "-c", "logging_collector=off",
        "-c", "max_connections=50", "-c", "shared_buffers=16MB"), null, () -> {
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (!ready(isReady, port)) {
        server.process().checkAlive("waiting for pg_isready on port " + port);
        if (System.nanoTime() > deadline) {
          throw server.process().failure("pg_isready did not answer on 127.0.0.1:" + port + " within " + START_TIMEOUT);
        }
        LabProcess.sleep(Duration.ofMillis(100));
      }
      try (Connection c = server.connectTo("postgres"); var st = c.createStatement()) {
        st.execute("create role " + USER + " login password '" + password + "'");
        st.execute("create database " + DATABASE + " owner " + USER);
      } catch (SQLException e) {
        throw server.process().failure("cannot create the migrate role and database: " + e.getMessage());
      }
    });
    return server;
  }

  /** {@code postgresql://127.0.0.1:PORT/migrate?user=migrate}: what an operator gives {@code --state}. */
  public String url() {
    return "postgresql://127.0.0.1:" + port() + "/" + DATABASE + "?user=" + USER;
  }

  /**
   * A fresh empty database owned by {@code migrate}, for a test that wants state of its own; returns its
   * {@code postgresql://...?user=migrate} URL. Names: lower-case letters, digits and underscores.
   */
  public String createDatabase(String name) {
    if (!name.matches("[a-z][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("database name " + name);
    }
    try (Connection c = connect(); var st = c.createStatement()) {
      st.execute("create database " + name + " owner " + USER);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + ": " + e.getMessage(), e);
    }
    return "postgresql://127.0.0.1:" + port() + "/" + name + "?user=" + USER;
  }

  /** The password of both the {@code migrate} role and the superuser. */
  public String password() {
    return password;
  }

  /** A JDBC connection to the {@code migrate} database as the superuser (for looking at the tables). */
  public Connection connect() throws SQLException {
    return connectTo(DATABASE);
  }

  private Connection connectTo(String database) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "postgres");
    p.setProperty("password", password);
    p.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port() + "/" + database, p);
  }

  /** The postmaster's PID, from {@code postmaster.pid}. */
  public long postmasterPid() {
    try {
      return Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    LabProcess p = process();
    if (p != null && p.isAlive()) {
      try {
        long pid = postmasterPid();
        // SIGINT: fast shutdown (clients are disconnected, no waiting for them).
        new ProcessBuilder("kill", "-INT", Long.toString(pid)).inheritIO().start().waitFor(5, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        while (p.isAlive() && System.nanoTime() < deadline) {
          LabProcess.sleep(Duration.ofMillis(50));
        }
      } catch (IOException | RuntimeException e) {
        // no pid file: the process close below stops it
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    super.close();
  }

  private static Path require(String binary) {
    Path p = BIN.resolve(binary);
    if (!Files.isRegularFile(p) || !Files.isExecutable(p)) {
      throw new AssertionError("lab binary " + p + " is not installed; run .ci/install-servers.sh (Debian package"
          + " postgresql) to install the lab servers");
    }
    return p;
  }

  private static boolean ready(Path isReady, int port) {
    try {
      Process p = new ProcessBuilder(isReady.toString(), "-q", "-h", "127.0.0.1", "-p", Integer.toString(port), "-t", "2")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs one command as postgres to its end (bounded), failing with its log when it does not succeed. */
  private static void runAsPostgres(PostgresServer server, Path runuser, List<String> command, Path log) {
    List<String> cmd = new ArrayList<>(List.of(runuser.toString(), "-u", "postgres", "--"));
    cmd.addAll(command);
    try {
      Process p = new ProcessBuilder(cmd).directory(server.dir().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(0) + " did not finish within 60 s");
      }
      if (p.exitValue() != 0) {
        String text = Files.readString(log);
        server.close();
        throw new IllegalStateException(command.get(0) + " exited " + p.exitValue() + ":\n" + text);
      }
    } catch (IOException e) {
      server.close();
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void chown(Path p, String user) {
    try {
      UserPrincipal owner = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
      Files.setOwner(p, owner);
      if (Files.isDirectory(p)) {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot give " + p + " to the " + user + " user (the lab runs as root)", e);
    }
  }
}
