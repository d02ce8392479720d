package dev.migrate.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nginx ({@code nginx -p DIR -c nginx.conf -e DIR/error.log}) serving HTTPS on 127.0.0.1 with a
 * given certificate, in the foreground ({@code daemon off;}) with pid, logs and every temp path in
 * a fresh temporary directory (defaults are under /var/lib/nginx; LAB-NOTES).
 *
 * <pre>{@code
 * TestCa ca = TestCa.create(tmp);
 * try (NginxServer nginx = NginxServer.builder()
 *     .certificate(ca.issue("www.example.test"))
 *     .location("= /down", "return 503 \"down\";")
 *     .start()) {
 *   ca.loopbackClient().newCall(new Request.Builder().url(nginx.url("www.example.test", "/health")).build())
 * }
 * }</pre>
 *
 * <p>{@code GET /health} always answers 200 {@code ok}.
 */
public final class NginxServer extends LabServer {
  private NginxServer(Path dir, int port) {
    super(dir, port);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@code https://HOST:PORT/PATH}: put the certificate's name in {@code host} and resolve it to
   * 127.0.0.1 in the client (see {@link TestCa#loopbackClient()}).
   */
  public String url(String host, String path) {
    return "https://" + host + ":" + port() + (path.startsWith("/") ? path : "/" + path);
  }

  private static boolean pidFileHolds(Path pidFile, long pid) {
    try {
      return java.nio.file.Files.exists(pidFile)
          && java.nio.file.Files.readString(pidFile).trim().equals(Long.toString(pid));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** Options; {@link #start()} writes nginx.conf and runs nginx. */
  public static final class Builder {
    private int port;
    private Path certPem;
    private Path keyPem;
    private final Map<String, String> locations = new LinkedHashMap<>();
    private final Map<String, String> virtualHosts = new LinkedHashMap<>();

    private Builder() {}

    /** The HTTPS port; by default {@link Ports#free()}. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The server certificate (PEM, leaf first) and its private key (PEM). Required. */
    public Builder certificate(Path certPem, Path keyPem) {
      this.certPem = certPem;
      this.keyPem = keyPem;
      return this;
    }

    /** Same as {@code certificate(cert.certPem(), cert.keyPem())}. */
    public Builder certificate(TestCa.ServerCert cert) {
      return certificate(cert.certPem(), cert.keyPem());
    }

    /**
     * An extra {@code location MATCH { DIRECTIVES }} block, e.g.
     * {@code location("= /ready", "return 503 \"not ready\";")}.
     */
    public Builder location(String match, String directives) {
      if (match.equals("= /health")) {
        throw new IllegalArgumentException("/health is built in");
      }
      locations.put(match, directives);
      return this;
    }

    /**
     * A name-based virtual host on the same port and certificate: {@code server { server_name NAME;
     * DIRECTIVES }}. Requests whose Host (and SNI) is {@code serverName} go to it; any other name
     * falls to the default server (the built-in one, with {@code /health}), as on a real shared
     * host, e.g. {@code virtualHost("www.shop.test", "location / { return 200 \"site shop.test\"; }")}.
     */
    public Builder virtualHost(String serverName, String directives) {
      if (!serverName.matches("[A-Za-z0-9.*-]+")) {
        throw new IllegalArgumentException("not a server name: " + serverName);
      }
      virtualHosts.put(serverName, directives);
      return this;
    }

    /** Writes nginx.conf, starts nginx and waits until the HTTPS port accepts connections. */
    public NginxServer start() {
      if (certPem == null || keyPem == null) {
        throw new IllegalStateException("NginxServer needs certificate(cert, key)");
      }
      Path nginx = LabBinaries.require("nginx");
      int listenPort = port != 0 ? port : Ports.free();
      Path dir = newTempDir("nginx");
      NginxServer server = new NginxServer(dir, listenPort);
      Path tmp = dir.resolve("tmp");
      write(tmp.resolve(".keep"), "");

      List<String> c = new ArrayList<>();
      c.add("daemon off;");
      // As root, workers would switch to "nobody" and could not enter the 0700 temp dir.
      if ("root".equals(System.getProperty("user.name"))) {
        c.add("user root;");
      }
      c.add("worker_processes 1;");
      c.add("pid " + quote(dir.resolve("nginx.pid")) + ";");
      c.add("error_log " + quote(dir.resolve("error.log")) + " info;");
      c.add("events { worker_connections 64; }");
      c.add("http {");
      c.add("  access_log " + quote(dir.resolve("access.log")) + ";");
      for (String t : List.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")) {
        c.add("  " + t + "_temp_path " + quote(tmp.resolve(t)) + ";");
      }
      c.add("  default_type text/plain;");
      c.add("  server {");
      c.add("    listen 127.0.0.1:" + listenPort + " ssl;");
      c.add("    server_name _;");
      c.add("    ssl_certificate " + quote(certPem.toAbsolutePath()) + ";");
      c.add("    ssl_certificate_key " + quote(keyPem.toAbsolutePath()) + ";");
      c.add("    location = /health { return 200 \"ok\"; }");
      locations.forEach((match, directives) -> c.add("    location " + match + " { " + directives + " }"));
      c.add("  }");
      virtualHosts.forEach((name, directives) -> {
        c.add("  server {");
        c.add("    listen 127.0.0.1:" + listenPort + " ssl;");
        c.add("    server_name " + name + ";");
        c.add("    ssl_certificate " + quote(certPem.toAbsolutePath()) + ";");
        c.add("    ssl_certificate_key " + quote(keyPem.toAbsolutePath()) + ";");
        c.add("    " + directives);
        c.add("  }");
      });
      c.add("}");
      Path confFile = dir.resolve("nginx.conf");
      write(confFile, String.join("\n", c) + "\n");

      // -e: the error log before the config is read (the compiled-in default is under /var/log).
      // nginx's own stderr is appended to the same file (both append), so a start-up failure
      // shows the error log's tail.
      server.launch("nginx", dir.resolve("error.log"), List.of(nginx.toString(), "-p", dir + "/", "-c", confFile.toString(),
          "-e", dir.resolve("error.log").toString()), null, () -> {
            // nginx writes its pid file only after binding its sockets: our PID there means the
            // port is ours, not another process's that grabbed it after Ports.free().
            Path pidFile = dir.resolve("nginx.pid");
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!pidFileHolds(pidFile, server.pid())) {
              server.process().checkAlive("waiting for " + pidFile);
              if (System.nanoTime() > deadline) {
                throw server.process().failure("no pid file " + pidFile + " within " + START_TIMEOUT);
              }
              LabProcess.sleep(java.time.Duration.ofMillis(20));
            }
            server.process().waitForTcp(listenPort, START_TIMEOUT);
          });
      return server;
    }
  }
}
