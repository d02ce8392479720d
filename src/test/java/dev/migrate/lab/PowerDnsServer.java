package dev.migrate.lab;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * PowerDNS Authoritative ({@code pdns_server --config-dir=DIR}) with the gsqlite3 backend, DNS on
 * 127.0.0.1:{@link #dnsPort()} and the HTTP API on 127.0.0.1 at {@link #apiUrl()}.
 *
 * <pre>{@code
 * try (PowerDnsServer pdns = PowerDnsServer.builder().start()) {
 *   pdns.createZone("example.test.", zoneText);   // via the API, then served over DNS
 *   // pdns.apiUrl(), pdns.apiKey(), pdns.dnsPort()
 * }
 * }</pre>
 *
 * <p>The packet and query caches are off ({@code cache-ttl=0} etc.), so a change made through the
 * API is what the next DNS query sees. {@code allow-axfr-ips} is empty: its loopback default would
 * allow unsigned AXFR (LAB-NOTES). RFC 2136 is off unless enabled with {@link Builder#config}.
 */
public final class PowerDnsServer extends LabServer {
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int apiPort;
  private final String apiKey;
  // No proxy: a CI proxy variable must never route lab traffic off 127.0.0.1.
  private final HttpClient http = HttpClient.newBuilder()
      .proxy(ProxySelector.of(null))
      .connectTimeout(HTTP_TIMEOUT)
      .build();

  private PowerDnsServer(Path dir, int port, int apiPort, String apiKey) {
    super(dir, port);
    this.apiPort = apiPort;
    this.apiKey = apiKey;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The DNS port (UDP and TCP) on 127.0.0.1; same as {@link #port()}. */
  public int dnsPort() {
    return port();
  }

  /** Base URL of the HTTP API, e.g. {@code http://127.0.0.1:41234} (paths start /api/v1/...). */
  public String apiUrl() {
    return "http://127.0.0.1:" + apiPort;
  }

  /** The random API key (header {@code X-API-Key}); a wrong key gets 401. */
  public String apiKey() {
    return apiKey;
  }

  /**
   * One authenticated API call: {@code api("GET", "/api/v1/servers/localhost/zones", null)}.
   * Returns whatever status came back; throws only if no HTTP answer came within 5 s.
   */
  public HttpResponse<String> api(String method, String path, String jsonBody) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(apiUrl() + path))
        .timeout(HTTP_TIMEOUT)
        .header("X-API-Key", apiKey)
        .header("Accept", "application/json");
    if (jsonBody == null) {
      req.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      req.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
    }
    try {
      return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("PowerDNS API " + method + " " + path + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Creates a Native zone through the API from zone-file text (the same text the BIND and Knot
   * labs take; parsed with dnsjava, origin = zone, so it must contain the SOA), with
   * {@code soa_edit_api: DEFAULT} so API changes bump the serial. Note that DEFAULT already rewrites
   * the serial on creation (a serial of 1 is served as YYYYMMDD01). Returns once the zone answers
   * SOA over DNS.
   */
  public void createZone(String zone, String zoneFileText) {
    String origin = absolute(zone);
    List<Record> records = new ArrayList<>();
    try (Master parser = new Master(
        new ByteArrayInputStream(zoneFileText.getBytes(StandardCharsets.UTF_8)),
        Name.fromString(origin), 3600)) {
      for (Record r = parser.nextRecord(); r != null; r = parser.nextRecord()) {
        records.add(r);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot parse zone text for " + origin + ": " + e.getMessage(), e);
    }
    createZone(origin, records);
  }

  /**
   * Creates a Native zone from records (must include the zone's SOA); records of one name and type
   * become one rrset (the first record's TTL). Returns once the zone answers SOA over DNS.
   *
   * @throws IllegalStateException with the API's answer if it did not return 201
   */
  public void createZone(String zone, List<Record> records) {
    String origin = absolute(zone);
    Map<String, ObjectNode> rrsets = new LinkedHashMap<>();
    for (Record r : records) {
      String name = r.getName().toString().toLowerCase(java.util.Locale.ROOT);
      String type = Type.string(r.getType());
      ObjectNode rrset = rrsets.computeIfAbsent(name + " " + type, k -> {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", name).put("type", type).put("ttl", r.getTTL());
        n.putArray("records");
        return n;
      });
      ((ArrayNode) rrset.get("records")).addObject()
          .put("content", r.rdataToString())
          .put("disabled", false);
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("name", origin).put("kind", "Native").put("soa_edit_api", "DEFAULT");
    // NS records come in the rrsets; the "nameservers" list must then be empty.
    body.putArray("nameservers");
    ArrayNode sets = body.putArray("rrsets");
    rrsets.values().forEach(sets::add);
    HttpResponse<String> resp = api("POST", "/api/v1/servers/localhost/zones", body.toString());
    if (resp.statusCode() != 201) {
      throw new IllegalStateException(
          "PowerDNS did not create " + origin + ": HTTP " + resp.statusCode() + " " + resp.body());
    }
    process().waitForSoa(dnsPort(), origin, false, START_TIMEOUT);
  }

  /** Options; {@link #start()} creates the database, writes pdns.conf and runs pdns_server. */
  public static final class Builder {
    private int port;
    private final List<String> extra = new ArrayList<>();

    private Builder() {}

    /** The DNS port; by default {@link Ports#free()}. The API always gets its own free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /**
     * An extra pdns.conf line, e.g. {@code "dnsupdate=yes"} and
     * {@code "allow-dnsupdate-from=127.0.0.1/32"} for RFC 2136. Later lines override earlier ones.
     */
    public Builder config(String line) {
      extra.add(line);
      return this;
    }

    /** Starts pdns_server and returns once DNS and the API both answer. */
    public PowerDnsServer start() {
      Path pdns = LabBinaries.require("pdns_server");
      Path sqlite3 = LabBinaries.require("sqlite3");
      Path schema = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");
      if (!schema.toFile().isFile()) {
        throw new AssertionError("missing " + schema + " (package pdns-backend-sqlite3); run .ci/install-servers.sh");
      }
      int dnsPort = port != 0 ? port : Ports.free();
      int apiPort = Ports.free();
      byte[] keyBytes = new byte[16];
      new SecureRandom().nextBytes(keyBytes);
      String apiKey = HexFormat.of().formatHex(keyBytes);
      Path dir = newTempDir("pdns");
      PowerDnsServer server = new PowerDnsServer(dir, dnsPort, apiPort, apiKey);

      // The gsqlite3 backend does not create its schema (LAB-NOTES).
      Path db = dir.resolve("pdns.sqlite3");
      runSqlite(sqlite3, db, schema, dir);
      write(dir.resolve("run/.keep"), "");

      List<String> conf = new ArrayList<>(List.of(
          "launch=gsqlite3",
          "gsqlite3-database=" + db,
          "daemon=no",
          "guardian=no",
          "socket-dir=" + dir.resolve("run"),
          "local-address=127.0.0.1",
          "local-port=" + dnsPort,
          "api=yes",
          "api-key=" + apiKey,
          "webserver=yes",
          "webserver-address=127.0.0.1",
          "webserver-port=" + apiPort,
          "webserver-allow-from=127.0.0.1,::1",
          // Empty: no security-status DNS query to the internet at start.
          "security-poll-suffix=",
          // Empty: the loopback default would allow unsigned AXFR (LAB-NOTES).
          "allow-axfr-ips=",
          // Caches off: tests must see API changes at once over DNS.
          "cache-ttl=0",
          "query-cache-ttl=0",
          "negquery-cache-ttl=0",
          "disable-syslog=yes",
          "log-timestamp=no",
          "loglevel=4",
          "distributor-threads=1",
          "receiver-threads=1"));
      conf.addAll(extra);
      write(dir.resolve("pdns.conf"), String.join("\n", conf) + "\n");

      server.launch("pdns_server", List.of(pdns.toString(), "--config-dir=" + dir), null, () -> {
        server.process().waitForTcp(dnsPort, START_TIMEOUT);
        server.awaitApi();
      });
      return server;
    }

    private static void runSqlite(Path sqlite3, Path db, Path schema, Path dir) {
      try {
        Process p = new ProcessBuilder(sqlite3.toString(), db.toString())
            .redirectInput(schema.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("sqlite3.log").toFile())
            .start();
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException("sqlite3 did not finish creating " + db);
        }
        if (p.exitValue() != 0) {
          throw new IllegalStateException("sqlite3 failed creating " + db + ": "
              + java.nio.file.Files.readString(dir.resolve("sqlite3.log")));
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run sqlite3", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  /**
   * If the API port is taken, pdns keeps serving DNS without the API (LAB-NOTES), so "DNS answers"
   * is not enough: wait for an authenticated 200 from the API.
   */
  private void awaitApi() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    String last = "no answer";
    while (true) {
      process().checkAlive("waiting for the API on " + apiUrl());
      try {
        HttpResponse<String> r = api("GET", "/api/v1/servers/localhost", null);
        if (r.statusCode() == 200) {
          return;
        }
        last = "HTTP " + r.statusCode() + " " + r.body();
      } catch (IllegalStateException e) {
        last = e.getMessage();
      }
      if (System.nanoTime() > deadline) {
        throw process().failure("API at " + apiUrl() + " did not answer 200 within " + START_TIMEOUT
            + " (last: " + last + ")");
      }
      LabProcess.sleep(Duration.ofMillis(50));
    }
  }
}
