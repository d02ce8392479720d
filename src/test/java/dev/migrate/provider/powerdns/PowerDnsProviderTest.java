package dev.migrate.provider.powerdns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.lab.LabTest;
import dev.migrate.lab.Ports;
import dev.migrate.lab.PowerDnsServer;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderConfig;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;

/** The powerdns adapter against a real pdns_server (gsqlite3, API on 127.0.0.1) from the test lab. */
@LabTest
class PowerDnsProviderTest {
    static final String ZONE_TEXT = """
            $TTL 3600
            @    IN SOA ns1 hostmaster 1 3600 600 86400 60
            @    IN NS  ns1
            ns1  IN A   127.0.0.1
            @    IN A   203.0.113.10
            www  IN A   203.0.113.10
            www  IN AAAA 2001:db8:10::10
            mail IN A   203.0.113.25
            @    IN MX  10 mail
            @    IN TXT "v=spf1 ip4:203.0.113.25 -all"
            """;

    static PowerDnsServer pdns;
    static int zones;

    @BeforeAll
    static void start() {
        // primary=yes so the server sends NOTIFY for Master zones (the notify test).
        pdns = PowerDnsServer.builder().config("primary=yes").start();
    }

    @AfterAll
    static void stop() {
        if (pdns != null) pdns.close();
    }

    /** A fresh zone per test, so tests do not see each other's changes. */
    static String newZone() {
        String zone = "z" + (++zones) + ".example.test.";
        pdns.createZone(zone, ZONE_TEXT);
        return zone;
    }

    static DnsProvider provider(String key, Map<String, Object> extra) throws ProviderException {
        Map<String, Object> settings = new HashMap<>(Map.of("url", pdns.apiUrl(), "apiKeyEnv", "PDNS_KEY"));
        settings.putAll(extra);
        return new PowerDnsProviderFactory().create(new ProviderConfig("powerdns", settings, Path.of("."),
                Map.of("PDNS_KEY", key)::get, Clock.systemUTC()));
    }

    static DnsProvider provider() throws ProviderException {
        return provider(pdns.apiKey(), Map.of());
    }

    @Test
    void readsTheZoneAsNormalisedRRsetsWithItsSoa() throws Exception {
        String zone = newZone();
        try (DnsProvider p = provider()) {
            ZoneSnapshot z = p.read(zone);
            assertThat(z.zone()).isEqualTo(zone);
            assertThat(z.get("www." + zone, "A")).isEqualTo(RRset.of("www." + zone, "A", 3600, List.of("203.0.113.10")));
            assertThat(z.get(zone, "MX").rdata()).containsExactly("10 mail." + zone);
            assertThat(z.get(zone, "TXT").rdata()).containsExactly("\"v=spf1 ip4:203.0.113.25 -all\"");
            // soa_edit_api DEFAULT rewrote serial 1 on creation (lab notes): the serial is the server's.
            assertThat(z.serial()).isGreaterThan(1);
            assertThat(p.capabilities().compareAndSet()).isFalse();
            assertThat(p.capabilities().atomicBatch()).isTrue();
            assertThat(p.describe()).contains("127.0.0.1").doesNotContain(pdns.apiKey());
        }
    }

    @Test
    void appliesABatchInOneWriteAndTheServerServesIt() throws Exception {
        String zone = newZone();
        try (DnsProvider p = provider()) {
            ZoneSnapshot before = p.read(zone);
            RRset www = before.get("www." + zone, "A");
            RRset txt = before.get(zone, "TXT");
            RRset mailA = before.get("mail." + zone, "A");
            List<RRsetChange> batch = List.of(
                    RRsetChange.of(zone, www, www.withData(List.of("198.51.100.20"))),
                    RRsetChange.of(zone, txt, txt.withTtl(300)),
                    RRsetChange.of(zone, null, RRset.of("new." + zone, "CNAME", 300, List.of("www." + zone))),
                    RRsetChange.of(zone, mailA, null));
            p.apply(zone, batch);

            ZoneSnapshot after = p.read(zone);
            assertThat(after.get("www." + zone, "A").rdata()).containsExactly("198.51.100.20");
            assertThat(after.get(zone, "TXT").ttl()).isEqualTo(300);
            assertThat(after.get("new." + zone, "CNAME").rdata()).containsExactly("www." + zone);
            assertThat(after.get("mail." + zone, "A")).isNull();
            assertThat(after.serial()).isGreaterThan(before.serial());

            // And back, through the inverse changes: what rollback will send.
            List<RRsetChange> undo = new ArrayList<>();
            for (int i = batch.size() - 1; i >= 0; i--) undo.add(batch.get(i).inverse());
            p.apply(zone, undo);
            ZoneSnapshot restored = p.read(zone);
            for (RRset s : before.rrsets()) {
                if (!s.type().equals("SOA")) assertThat(restored.get(s.key())).isEqualTo(s);
            }
            assertThat(restored.get("new." + zone, "CNAME")).isNull();
        }
    }

    @Test
    void aForeignChangeIsAConflictNamingTheRRsetAndNothingIsWritten() throws Exception {
        String zone = newZone();
        try (DnsProvider p = provider()) {
            ZoneSnapshot before = p.read(zone);
            RRset www = before.get("www." + zone, "A");
            RRset apex = before.get(zone, "A");
            // Someone else edits www between our read and our write.
            HttpResponse<String> r = pdns.api("PATCH", "/api/v1/servers/localhost/zones/" + zone, """
                    {"rrsets":[{"name":"www.%s","type":"A","ttl":3600,"changetype":"REPLACE",
                      "records":[{"content":"192.0.2.99","disabled":false}]}]}""".formatted(zone));
            assertThat(r.statusCode()).isEqualTo(204);

            ProviderException e = catchThrowableOfType(() -> p.apply(zone, List.of(
                    RRsetChange.of(zone, apex, apex.withData(List.of("198.51.100.20"))),
                    RRsetChange.of(zone, www, www.withData(List.of("198.51.100.20"))))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
            assertThat(e.conflicts()).containsExactly(new RRsetKey("www." + zone, "A"));
            assertThat(e.getMessage()).contains("www." + zone + " A", "192.0.2.99", "nothing was written");
            // The other change of the batch was not written either.
            assertThat(p.read(zone).get(zone, "A")).isEqualTo(apex);
        }
    }

    @Test
    void disabledRecordsAreNotDataButSurviveAReplace() throws Exception {
        String zone = newZone();
        pdns.api("PATCH", "/api/v1/servers/localhost/zones/" + zone, """
                {"rrsets":[{"name":"www.%s","type":"A","ttl":3600,"changetype":"REPLACE","records":[
                  {"content":"203.0.113.10","disabled":false},{"content":"203.0.113.11","disabled":true}]}]}""".formatted(zone));
        try (DnsProvider p = provider()) {
            RRset www = p.read(zone).get("www." + zone, "A");
            assertThat(www.rdata()).containsExactly("203.0.113.10");
            p.apply(zone, List.of(RRsetChange.of(zone, www, www.withData(List.of("198.51.100.20")))));
            String body = pdns.api("GET", "/api/v1/servers/localhost/zones/" + zone, null).body();
            assertThat(body).contains("\"content\": \"203.0.113.11\", \"disabled\": true");
        }
    }

    @Test
    void dataTheServerRejectsComesBackWithTheServersReason() throws Exception {
        String zone = newZone();
        try (DnsProvider p = provider()) {
            // A CNAME beside the A of www: PowerDNS refuses (RFC 1034 §3.6.2) with 422.
            ProviderException e = catchThrowableOfType(() -> p.apply(zone, List.of(RRsetChange.of(zone, null,
                    RRset.of("www." + zone, "CNAME", 300, List.of("mail." + zone))))), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("HTTP 422", "www." + zone, "onflict");
        }
    }

    @Test
    void aWrongApiKeyIsAnAuthErrorThatSaysSoWithoutTheKey() throws Exception {
        String zone = newZone();
        String wrong = "not-the-key-" + System.nanoTime();
        try (DnsProvider p = provider(wrong, Map.of())) {
            ProviderException e = catchThrowableOfType(() -> p.read(zone), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.AUTH);
            assertThat(e.getMessage()).contains("wrong API key", "HTTP 401", "environment variable PDNS_KEY")
                    .doesNotContain(wrong).doesNotContain(pdns.apiKey());
        }
    }

    @Test
    void anUnknownZoneIsNotFound() throws Exception {
        try (DnsProvider p = provider()) {
            ProviderException e = catchThrowableOfType(() -> p.read("nowhere.test."), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND);
            assertThat(e.getMessage()).contains("nowhere.test.", "does not exist");
        }
    }

    @Test
    void aServerThatIsDownIsUnreachableAfterBoundedRetries() throws Exception {
        int closedPort = Ports.free();
        List<Duration> slept = new ArrayList<>();
        var key = dev.migrate.secret.Secret.of("some-api-key-123", "test");
        try (var p = new PowerDnsProvider(okhttp3.HttpUrl.get("http://127.0.0.1:" + closedPort), "localhost", key,
                false, Duration.ofSeconds(5), slept::add)) {
            ProviderException e = catchThrowableOfType(() -> p.read("example.test."), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE);
            assertThat(e.getMessage()).contains("connection refused", "127.0.0.1:" + closedPort, "pdns_server running");
            assertThat(slept).containsExactly(Duration.ofMillis(250), Duration.ofMillis(500));
        }
    }

    @Test
    void notifyAsksTheServerToNotifySecondariesOfAPrimaryZone() throws Exception {
        String zone = "primary.example.test.";
        HttpResponse<String> created = pdns.api("POST", "/api/v1/servers/localhost/zones", """
                {"name":"%1$s","kind":"Master","soa_edit_api":"DEFAULT","nameservers":[],"rrsets":[
                 {"name":"%1$s","type":"SOA","ttl":3600,"records":[{"content":"ns1.%1$s hostmaster.%1$s 1 3600 600 86400 60","disabled":false}]},
                 {"name":"%1$s","type":"NS","ttl":3600,"records":[{"content":"ns1.%1$s","disabled":false}]},
                 {"name":"ns1.%1$s","type":"A","ttl":3600,"records":[{"content":"127.0.0.1","disabled":false}]},
                 {"name":"www.%1$s","type":"A","ttl":3600,"records":[{"content":"203.0.113.10","disabled":false}]}]}""".formatted(zone));
        assertThat(created.statusCode()).isEqualTo(201);
        try (DatagramSocket secondary = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            secondary.setSoTimeout(500);
            HttpResponse<String> meta = pdns.api("PUT", "/api/v1/servers/localhost/zones/" + zone + "/metadata/ALSO-NOTIFY",
                    "{\"metadata\":[\"127.0.0.1:" + secondary.getLocalPort() + "\"]}");
            assertThat(meta.statusCode()).isEqualTo(200);
            // Control: without notify the change alone sends nothing soon (the NOTIFY below is ours).
            try (DnsProvider p = provider()) {
                RRset www = p.read(zone).get("www." + zone, "A");
                p.apply(zone, List.of(RRsetChange.of(zone, www, www.withData(List.of("198.51.100.21")))));
            }
            assertThat(receiveNotify(secondary, zone, Duration.ofSeconds(2))).isNull();
            try (DnsProvider p = provider(pdns.apiKey(), Map.of("notify", "true"))) {
                RRset www = p.read(zone).get("www." + zone, "A");
                p.apply(zone, List.of(RRsetChange.of(zone, www, www.withData(List.of("198.51.100.20")))));
            }
            Message notify = receiveNotify(secondary, zone, Duration.ofSeconds(10));
            assertThat(notify).as("a NOTIFY for " + zone + " at the secondary").isNotNull();
        }
        // notify on a zone PowerDNS does not send NOTIFY for is a configuration error, found before writing.
        String native_ = newZone();
        try (DnsProvider p = provider(pdns.apiKey(), Map.of("notify", "true"))) {
            ProviderException e = catchThrowableOfType(() -> p.read(native_), ProviderException.class);
            assertThat(e.kind()).isEqualTo(Kind.INVALID);
            assertThat(e.getMessage()).contains("Native", "notify: false");
        }
    }

    private static Message receiveNotify(DatagramSocket s, String zone, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buf = new byte[4096];
        while (System.nanoTime() < deadline) {
            DatagramPacket pkt = new DatagramPacket(buf, buf.length);
            try {
                s.receive(pkt);
            } catch (SocketTimeoutException e) {
                continue;
            }
            Message m = new Message(java.util.Arrays.copyOf(pkt.getData(), pkt.getLength()));
            if (m.getHeader().getOpcode() == Opcode.NOTIFY && m.getQuestion() != null
                    && m.getQuestion().getName().toString().equalsIgnoreCase(zone)) {
                return m;
            }
        }
        return null;
    }
}
