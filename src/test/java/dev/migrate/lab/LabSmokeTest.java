package dev.migrate.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.*;
import org.xbill.DNS.Record;

/**
 * Proves each lab server really runs and behaves as the other tests will rely on. Every server
 * listens on 127.0.0.1 on a port picked at run time and is stopped by PID (close / @AfterAll).
 */
class LabSmokeTest {
  static final String ZONE = "example.test.";
  static final String ZONE_TEXT = """
      $TTL 300
      @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
      @    IN NS  ns1.example.test.
      ns1  IN A   127.0.0.1
      www  IN A   192.0.2.10
      txt  IN TXT "hello lab"
      """;

  /** One BIND primary shared by the tests that only add names to it. */
  static BindServer bind;

  @BeforeAll
  static void startBind() {
    bind = BindServer.builder().addPrimaryZone(ZONE, ZONE_TEXT).start();
  }

  @AfterAll
  static void stopBind() {
    if (bind != null) {
      bind.close();
    }
  }

  // ---------------------------------------------------------------- BIND

  @Test
  void bindServesZoneAndAcceptsOnlyTsigSignedUpdates() throws Exception {
    Message soa = query(bind.port(), ZONE, Type.SOA, false);
    assertThat(soa.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(soa.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(answers(query(bind.port(), "www." + ZONE, Type.A, true))).containsExactly("192.0.2.10");

    Message signed = update(bind.port(), bind.key(), "bind-added." + ZONE, "192.0.2.21");
    assertThat(Rcode.string(signed.getRcode())).isEqualTo("NOERROR");
    assertThat(answers(query(bind.port(), "bind-added." + ZONE, Type.A, false))).containsExactly("192.0.2.21");
    // Updates land in the journal beside the zone file (LAB-NOTES); the file itself is unchanged.
    assertThat(Path.of(bind.zoneFile(ZONE) + ".jnl")).exists();
    assertThat(Files.readString(bind.zoneFile(ZONE))).doesNotContain("bind-added");

    Message unsigned = update(bind.port(), null, "bind-unsigned." + ZONE, "192.0.2.22");
    assertThat(Rcode.string(unsigned.getRcode())).isEqualTo("REFUSED");
    Message wrongSecret = update(bind.port(), bind.key().withRandomSecret(), "bind-wrong." + ZONE, "192.0.2.23");
    assertThat(Rcode.string(wrongSecret.getRcode())).isEqualTo("NOTAUTH");
    assertThat(query(bind.port(), "bind-unsigned." + ZONE, Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(query(bind.port(), "bind-wrong." + ZONE, Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void bindSecondaryFollowsPrimaryThroughNotify() throws Exception {
    // The primary must know where to send NOTIFY before the secondary exists: pick its port first.
    int secondaryPort = Ports.free();
    TsigKey key = TsigKey.random("xfr-key");
    try (BindServer primary = BindServer.builder().key(key)
            .addPrimaryZone(ZONE, ZONE_TEXT, secondaryPort).start();
        BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
            // No refresh hint: SOA refresh is 3600 s, so only a NOTIFY can bring the change quickly.
            .addSecondaryZone(ZONE, primary.port(), key, null).start()) {
      assertThat(answers(query(secondary.port(), "www." + ZONE, Type.A, false))).containsExactly("192.0.2.10");
      // named answers from memory first and dumps the transferred zone to disk a moment later.
      String dumped = "";
      long dumpDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!dumped.contains("192.0.2.10") && System.nanoTime() < dumpDeadline) {
        dumped = Files.exists(secondary.zoneFile(ZONE)) ? Files.readString(secondary.zoneFile(ZONE)) : "";
        if (!dumped.contains("192.0.2.10")) {
          Thread.sleep(50);
        }
      }
      assertThat(dumped).contains("192.0.2.10");

      assertThat(update(primary.port(), key, "notified." + ZONE, "192.0.2.30").getRcode()).isEqualTo(Rcode.NOERROR);

      List<String> seen = List.of();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (seen.isEmpty() && System.nanoTime() < deadline) {
        seen = answers(query(secondary.port(), "notified." + ZONE, Type.A, false));
        if (seen.isEmpty()) {
          Thread.sleep(100);
        }
      }
      assertThat(seen).as("secondary log:\n%s", secondary.logTail()).containsExactly("192.0.2.30");
      long primarySerial = serial(primary.port());
      assertThat(serial(secondary.port())).isEqualTo(primarySerial).isGreaterThan(1);
    }
  }

  @Test
  void bindSecondaryWithRefreshHintPollsWithoutNotify() throws Exception {
    TsigKey key = TsigKey.random("poll-key");
    try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT).start();
        BindServer secondary = BindServer.builder().key(key)
            .addSecondaryZone(ZONE, primary.port(), key, Duration.ofSeconds(1)).start()) {
      assertThat(update(primary.port(), key, "polled." + ZONE, "192.0.2.31").getRcode()).isEqualTo(Rcode.NOERROR);
      List<String> seen = List.of();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (seen.isEmpty() && System.nanoTime() < deadline) {
        seen = answers(query(secondary.port(), "polled." + ZONE, Type.A, false));
        if (seen.isEmpty()) {
          Thread.sleep(100);
        }
      }
      assertThat(seen).as("secondary log:\n%s", secondary.logTail()).containsExactly("192.0.2.31");
    }
  }

  @Test
  void startFailureThrowsWithTheServersLogTail() {
    // No NS record: named stays up but does not load the zone, and says why in its log.
    String broken = "$TTL 300\n@ IN SOA ns1.example.test. h.example.test. 1 3600 600 86400 60\n";
    long start = System.nanoTime();
    assertThatThrownBy(() -> BindServer.builder().addPrimaryZone("broken.test.", broken).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("last lines of")
        .hasMessageContaining("has no NS records");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void knotStartFailureIsReportedWithoutWaitingForTheTimeout() {
    String broken = ZONE_TEXT + "bad IN A not-an-address\n";
    long start = System.nanoTime();
    assertThatThrownBy(() -> KnotServer.builder().addZone(ZONE, broken).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("failed to load zone");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void closeStopsTheProcessByPidAndRemovesItsDirectory() {
    KnotServer knot = KnotServer.builder().start();
    ProcessHandle handle = ProcessHandle.of(knot.pid()).orElseThrow();
    Path dir = knot.dir();
    knot.close();
    assertThat(handle.isAlive()).isFalse();
    assertThat(dir).doesNotExist();
  }

  // ---------------------------------------------------------------- Knot

  @Test
  void knotServesZoneAndAcceptsOnlyTsigSignedUpdates() throws Exception {
    try (KnotServer knot = KnotServer.builder().addZone(ZONE, ZONE_TEXT).start()) {
      assertThat(answers(query(knot.port(), "www." + ZONE, Type.A, false))).containsExactly("192.0.2.10");

      Message signed = update(knot.port(), knot.key(), "knot-added." + ZONE, "192.0.2.41");
      assertThat(Rcode.string(signed.getRcode())).isEqualTo("NOERROR");
      assertThat(answers(query(knot.port(), "knot-added." + ZONE, Type.A, true))).containsExactly("192.0.2.41");
      assertThat(serial(knot.port())).isGreaterThan(1);
      // zonefile-sync: -1 keeps the change in the journal only (LAB-NOTES).
      assertThat(Files.readString(knot.zoneFile(ZONE))).doesNotContain("knot-added");

      // Knot answers an unsigned update NOTAUTH where BIND says REFUSED (LAB-NOTES).
      Message unsigned = update(knot.port(), null, "knot-unsigned." + ZONE, "192.0.2.42");
      assertThat(Rcode.string(unsigned.getRcode())).isEqualTo("NOTAUTH");
      assertThat(query(knot.port(), "knot-unsigned." + ZONE, Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
  }

  // ---------------------------------------------------------------- PowerDNS

  @Test
  void powerDnsApiCreatesZoneThatIsServedOverDns() throws Exception {
    try (PowerDnsServer pdns = PowerDnsServer.builder().start()) {
      assertThat(pdns.api("GET", "/api/v1/servers/localhost", null).statusCode()).isEqualTo(200);
      OkHttpClient http = new OkHttpClient.Builder().proxy(java.net.Proxy.NO_PROXY).build();
      try (Response r = http.newCall(new Request.Builder()
          .url(pdns.apiUrl() + "/api/v1/servers/localhost").header("X-API-Key", "wrong").build()).execute()) {
        assertThat(r.code()).isEqualTo(401);
      }

      pdns.createZone(ZONE, ZONE_TEXT);

      assertThat(answers(query(pdns.dnsPort(), "www." + ZONE, Type.A, false))).containsExactly("192.0.2.10");
      assertThat(answers(query(pdns.dnsPort(), "txt." + ZONE, Type.TXT, true))).containsExactly("\"hello lab\"");
      assertThat(pdns.api("GET", "/api/v1/servers/localhost/zones/" + ZONE, null).body())
          .contains("\"kind\": \"Native\"", "www.example.test.");
    }
  }

  // ---------------------------------------------------------------- Unbound

  @Test
  void unboundResolvesLabZoneThroughStubAndFlushes() throws Exception {
    try (UnboundServer unbound = UnboundServer.builder().stubZone(ZONE, bind.port()).start()) {
      assertThat(answers(query(unbound.port(), "www." + ZONE, Type.A, false))).containsExactly("192.0.2.10");

      // Change the record on the authoritative server: the resolver keeps its cached answer...
      Update replace = new Update(Name.fromString(ZONE));
      replace.replace(Name.fromString("cached." + ZONE), Type.A, 300, "192.0.2.50");
      assertThat(send(bind.port(), bind.key(), replace).getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answers(query(unbound.port(), "cached." + ZONE, Type.A, false))).containsExactly("192.0.2.50");
      Update change = new Update(Name.fromString(ZONE));
      change.replace(Name.fromString("cached." + ZONE), Type.A, 300, "192.0.2.51");
      assertThat(send(bind.port(), bind.key(), change).getRcode()).isEqualTo(Rcode.NOERROR);
      assertThat(answers(query(unbound.port(), "cached." + ZONE, Type.A, false))).containsExactly("192.0.2.50");

      // ...until it is flushed through the control socket.
      unbound.flush("cached." + ZONE);
      assertThat(answers(query(unbound.port(), "cached." + ZONE, Type.A, false))).containsExactly("192.0.2.51");

      // Names outside lab zones are refused at once, never looked up on the internet.
      assertThat(query(unbound.port(), "example.com.", Type.A, false).getRcode()).isEqualTo(Rcode.REFUSED);
      assertThat(query(unbound.port(), "other.test.", Type.A, false).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }
  }

  // ---------------------------------------------------------------- nginx

  @Test
  void nginxServesHealthOverHttpsWithTestCa(@TempDir Path tmp) throws Exception {
    TestCa ca = TestCa.create(tmp);
    String host = "www.example.test";
    OkHttpClient client = ca.loopbackClient();
    try (NginxServer nginx = NginxServer.builder()
        .certificate(ca.issue(host))
        .location("= /down", "return 503 \"down\";")
        .start()) {
      try (Response r = client.newCall(new Request.Builder().url(nginx.url(host, "/health")).build()).execute()) {
        assertThat(r.code()).isEqualTo(200);
        assertThat(r.body().string()).isEqualTo("ok");
      }
      try (Response r = client.newCall(new Request.Builder().url(nginx.url(host, "/down")).build()).execute()) {
        assertThat(r.code()).isEqualTo(503);
      }
    }
    try (NginxServer expired = NginxServer.builder().certificate(ca.issueExpired(host)).start()) {
      assertThatThrownBy(() -> client.newCall(new Request.Builder().url(expired.url(host, "/health")).build()).execute())
          .isInstanceOf(SSLHandshakeException.class);
    }
    try (NginxServer wrongName = NginxServer.builder().certificate(ca.issueWrongName(host)).start()) {
      assertThatThrownBy(() -> client.newCall(new Request.Builder().url(wrongName.url(host, "/health")).build()).execute())
          .isInstanceOf(SSLPeerUnverifiedException.class);
    }
  }

  // ---------------------------------------------------------------- PostgreSQL

  @Test
  void postgresRunsAsThePostgresUserWantsAPasswordOverTcpAndStopsByPid() throws Exception {
    long postmaster;
    Path dataDir;
    try (PostgresServer pg = PostgresServer.start()) {
      try (java.sql.Connection c = pg.connect(); java.sql.Statement st = c.createStatement();
          java.sql.ResultSet rs = st.executeQuery("select current_setting('server_version_num')::int,"
              + " current_setting('listen_addresses'), inet_server_port(), current_database()")) {
        rs.next();
        assertThat(rs.getInt(1)).as("PostgreSQL 14+ (client_connection_check_interval)").isGreaterThanOrEqualTo(150000);
        assertThat(rs.getString(2)).isEqualTo("127.0.0.1");
        assertThat(rs.getInt(3)).isEqualTo(pg.port());
        assertThat(rs.getString(4)).isEqualTo(PostgresServer.DATABASE);
      }
      java.util.Properties noPassword = new java.util.Properties();
      noPassword.setProperty("user", PostgresServer.USER);
      noPassword.setProperty("password", "not-it");
      assertThatThrownBy(() -> java.sql.DriverManager.getConnection(
          "jdbc:postgresql://127.0.0.1:" + pg.port() + "/" + PostgresServer.DATABASE, noPassword))
          .hasMessageContaining("password authentication failed");
      postmaster = pg.postmasterPid();
      assertThat(ProcessHandle.of(postmaster).flatMap(h -> h.info().user())).contains("postgres");
      dataDir = pg.dir();
    }
    assertThat(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive)).as("postmaster stopped").isIn(
        java.util.Optional.empty(), java.util.Optional.of(false));
    assertThat(dataDir).doesNotExist();
  }

  // ---------------------------------------------------------------- helpers

  static Message query(int port, String name, int type, boolean tcp) throws IOException {
    SimpleResolver res = resolver(port);
    res.setTCP(tcp);
    return res.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
  }

  /** An RFC 2136 update adding one A record, TSIG-signed with {@code key} unless it is null. */
  static Message update(int port, TsigKey key, String name, String address) throws IOException {
    Update upd = new Update(Name.fromString(ZONE));
    upd.add(Name.fromString(name), Type.A, 300, address);
    return send(port, key, upd);
  }

  static Message send(int port, TsigKey key, Message msg) throws IOException {
    SimpleResolver res = resolver(port);
    if (key != null) {
      res.setTSIGKey(key.toTsig());
    }
    return res.send(msg);
  }

  static SimpleResolver resolver(int port) {
    SimpleResolver res = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    res.setTimeout(Duration.ofSeconds(3));
    return res;
  }

  static List<String> answers(Message m) {
    return m.getSection(Section.ANSWER).stream()
        .filter(r -> r.getType() != Type.RRSIG)
        .map(Record::rdataToString)
        .collect(Collectors.toList());
  }

  static long serial(int port) throws IOException {
    Record soa = query(port, ZONE, Type.SOA, false).getSection(Section.ANSWER).get(0);
    return ((SOARecord) soa).getSerial();
  }
}
