package dev.migrate.provider.sandbox;

import static dev.migrate.provider.sandbox.TestZones.ask;
import static dev.migrate.provider.sandbox.TestZones.query;
import static dev.migrate.provider.sandbox.TestZones.resolver;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.*;
import org.xbill.DNS.Record;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SandboxNameserverTest {
    private SandboxNameserver server;
    private InetSocketAddress at;

    @BeforeEach
    void start() throws Exception {
        server = SandboxNameserver.start(List.of(TestZones.exampleCom(), TestZones.exampleNet()));
        at = new InetSocketAddress("127.0.0.1", server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static List<String> data(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT)
                .map(r -> r.getName() + " " + r.getTTL() + " " + Type.string(r.getType()) + " " + r.rdataToString())
                .sorted().toList();
    }

    @Test
    void bindsLoopbackOnly() {
        assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(server.zones()).containsExactly("example.com.", "example.net.");
    }

    @Test
    void answersAAndAaaaAuthoritativelyWithTheirTtl() throws Exception {
        Message a = ask(at, "www.example.com.", Type.A);
        assertThat(a.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(a.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(a.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(a.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(data(a, Section.ANSWER)).containsExactly("www.example.com. 3600 A 203.0.113.10");

        Message aaaa = ask(at, "www.example.com.", Type.AAAA);
        assertThat(aaaa.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(data(aaaa, Section.ANSWER)).containsExactly("www.example.com. 3600 AAAA 2001:db8:10:0:0:0:0:10");
    }

    @Test
    void answersMxWithInZoneAddressesInAdditional() throws Exception {
        Message mx = ask(at, "example.com.", Type.MX);
        assertThat(mx.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(data(mx, Section.ANSWER)).containsExactly(
                "example.com. 3600 MX 10 mail.example.com.", "example.com. 3600 MX 20 mail-backup.example.net.");
        // mail-backup.example.net. is in a zone we serve but has no address there: nothing added for it.
        assertThat(data(mx, Section.ADDITIONAL)).containsExactly("mail.example.com. 14400 A 203.0.113.25");
    }

    @Test
    void answersTxtAndSrv() throws Exception {
        Message txt = ask(at, "example.com.", Type.TXT);
        assertThat(data(txt, Section.ANSWER)).containsExactly("example.com. 3600 TXT \"v=spf1 ip4:203.0.113.25 -all\"");
        Message srv = ask(at, "_submission._tcp.example.com.", Type.SRV);
        assertThat(data(srv, Section.ANSWER)).containsExactly(
                "_submission._tcp.example.com. 3600 SRV 0 1 587 mail.example.com.");
    }

    @Test
    void cnameIsAnsweredAndFollowedInsideOurZones() throws Exception {
        Message m = ask(at, "shop.example.com.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(data(m, Section.ANSWER)).containsExactly(
                "shop.example.com. 3600 CNAME www.example.com.", "www.example.com. 3600 A 203.0.113.10");

        Message asked = ask(at, "shop.example.com.", Type.CNAME);
        assertThat(data(asked, Section.ANSWER)).containsExactly("shop.example.com. 3600 CNAME www.example.com.");
    }

    @Test
    void cnameOutOfOurZonesEndsTheAnswer() throws Exception {
        Message m = ask(at, "elsewhere.example.com.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(data(m, Section.ANSWER)).containsExactly("elsewhere.example.com. 600 CNAME www.example.org.");
        assertThat(m.getSection(Section.AUTHORITY)).isEmpty();
    }

    @Test
    void nodataIsNoerrorWithTheSoaAtTheNegativeTtl() throws Exception {
        Message m = ask(at, "mail.example.com.", Type.AAAA);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        // RFC 2308 §3: min(SOA TTL 3600, MINIMUM 300).
        assertThat(data(m, Section.AUTHORITY)).containsExactly("example.com. 300 SOA " + TestZones.SOA);
    }

    @Test
    void nxdomainCarriesTheSoa() throws Exception {
        Message m = ask(at, "nothere.example.com.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(data(m, Section.AUTHORITY)).containsExactly("example.com. 300 SOA " + TestZones.SOA);

        Message below = ask(at, "x.deep.a.b.example.com.", Type.A);
        assertThat(below.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void emptyNonTerminalsAreNodataNotNxdomain() throws Exception {
        for (String ent : List.of("a.b.example.com.", "b.example.com.", "_tcp.example.com.")) {
            Message m = ask(at, ent, Type.A);
            assertThat(m.getRcode()).as(ent).isEqualTo(Rcode.NOERROR);
            assertThat(m.getSection(Section.ANSWER)).as(ent).isEmpty();
            assertThat(data(m, Section.AUTHORITY)).as(ent).containsExactly("example.com. 300 SOA " + TestZones.SOA);
            Message any = ask(at, ent, Type.ANY);
            assertThat(any.getRcode()).as(ent).isEqualTo(Rcode.NOERROR);
            assertThat(any.getSection(Section.AUTHORITY)).as(ent).hasSize(1);
        }
    }

    @Test
    void wildcardsSynthesiseTheQueriedName() throws Exception {
        Message m = ask(at, "anything.wild.example.com.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(data(m, Section.ANSWER)).containsExactly("anything.wild.example.com. 300 A 192.0.2.77");
        Message nodata = ask(at, "anything.wild.example.com.", Type.MX);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void delegationsAreReferralsWithoutAa() throws Exception {
        Message m = ask(at, "www.sub.example.com.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(data(m, Section.AUTHORITY)).containsExactly("sub.example.com. 3600 NS ns.sub.example.com.");
        assertThat(data(m, Section.ADDITIONAL)).containsExactly("ns.sub.example.com. 3600 A 192.0.2.53");
    }

    @Test
    void namesOutsideOurZonesAreRefused() throws Exception {
        Message m = ask(at, "www.example.org.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(m.getHeader().getFlag(Flags.AA)).isFalse();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
        assertThat(ask(at, "com.", Type.SOA).getRcode()).isEqualTo(Rcode.REFUSED);
    }

    @Test
    void servesSeveralZones() throws Exception {
        Message m = ask(at, "ns2.example.net.", Type.A);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(data(m, Section.ANSWER)).containsExactly("ns2.example.net. 3600 A 198.51.100.53");
    }

    @Test
    void recursionDesiredIsCopiedNotHonoured() throws Exception {
        Message q = query("www.example.com.", Type.A);
        q.getHeader().setFlag(Flags.RD);
        Message m = resolver(at).send(q);
        assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(ask(at, "www.example.com.", Type.A).getHeader().getFlag(Flags.RD)).isFalse();
    }

    @Test
    void ednsIsEchoedWithOurPayloadAndOnlyWhenAsked() throws Exception {
        Message m = ask(at, "www.example.com.", Type.A); // SimpleResolver sends EDNS0 by default
        assertThat(m.getOPT()).isNotNull();
        assertThat(m.getOPT().getPayloadSize()).isEqualTo(1232);
        assertThat(m.getOPT().getVersion()).isZero();

        SimpleResolver plain = resolver(at);
        plain.setEDNS(-1, 0, 0, List.of());
        Message noEdns = plain.send(query("www.example.com.", Type.A));
        assertThat(noEdns.getOPT()).isNull();
        assertThat(noEdns.getHeader().getFlag(Flags.AA)).isTrue();
    }

    @Test
    void unknownEdnsVersionGetsBadvers() throws Exception {
        SimpleResolver r = resolver(at);
        r.setEDNS(-1, 0, 0, List.of()); // dnsjava only sends version 0 itself; we add our own OPT
        Message q = query("www.example.com.", Type.A);
        q.addRecord(new OPTRecord(1232, 0, 1, 0), Section.ADDITIONAL);
        Message m = r.send(q);
        assertThat(m.getOPT()).isNotNull();
        assertThat(m.getOPT().getVersion()).isZero();
        assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void soaQueryReturnsTheCurrentSerialAndPublishReplacesTheZone() throws Exception {
        Message before = ask(at, "example.com.", Type.SOA);
        assertThat(((SOARecord) before.getSection(Section.ANSWER).get(0)).getSerial()).isEqualTo(2026112001L);

        var z = TestZones.exampleCom();
        var soa = z.soa();
        var bumped = soa.withData(List.of(TestZones.SOA.replace("2026112001", "2026112002")));
        server.publish(z.with(List.of(dev.migrate.dns.RRsetChange.of(z.zone(), soa, bumped))));

        Message after = ask(at, "example.com.", Type.SOA);
        assertThat(((SOARecord) after.getSection(Section.ANSWER).get(0)).getSerial()).isEqualTo(2026112002L);
        assertThat(server.served("example.com.").serial()).isEqualTo(2026112002L);
    }

    @Test
    void largeRrsetIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        SimpleResolver udp = resolver(at);
        udp.setIgnoreTruncation(true);
        Message truncated = udp.send(query("big.example.com.", Type.TXT));
        assertThat(truncated.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(truncated.getSection(Section.ANSWER)).isEmpty();
        assertThat(truncated.getOPT()).isNotNull(); // RFC 6891 §7: OPT kept in a truncated response

        SimpleResolver tcp = resolver(at);
        tcp.setTCP(true);
        Message whole = tcp.send(query("big.example.com.", Type.TXT));
        assertThat(whole.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(whole.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(whole.getSection(Section.ANSWER)).hasSize(100);

        // The ordinary client path: UDP, TC, then TCP on its own.
        Message followed = resolver(at).send(query("big.example.com.", Type.TXT));
        assertThat(followed.getSection(Section.ANSWER)).hasSize(100);
    }

    @Test
    void withoutEdnsTheUdpLimitIs512Bytes() throws Exception {
        SimpleResolver r = resolver(at);
        r.setEDNS(-1, 0, 0, List.of());
        r.setIgnoreTruncation(true);
        Message m = r.send(query("big.example.com.", Type.TXT));
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(m.toWire().length).isLessThanOrEqualTo(512);
    }

    @Test
    void tcpCarriesSeveralLengthFramedQueriesOnOneConnection() throws Exception {
        try (Socket s = new Socket()) {
            s.connect(at, 2_000);
            s.setSoTimeout(3_000);
            OutputStream out = s.getOutputStream();
            DataInputStream in = new DataInputStream(s.getInputStream());
            for (String name : List.of("www.example.com.", "mail.example.com.", "nothere.example.com.")) {
                byte[] q = query(name, Type.A).toWire();
                out.write(new byte[] {(byte) (q.length >>> 8), (byte) q.length});
                out.write(q);
                out.flush();
                byte[] r = new byte[in.readUnsignedShort()];
                in.readFully(r);
                Message m = new Message(r);
                assertThat(m.getQuestion().getName().toString()).isEqualTo(name);
                assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
            }
        }
    }

    @Test
    void garbageGetsFormerrAndResponsesAreIgnored() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(2_000);
            byte[] junk = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 'b', 'r', 'o'};
            s.send(new DatagramPacket(junk, junk.length, at));
            DatagramPacket p = new DatagramPacket(new byte[512], 512);
            s.receive(p);
            Message m = new Message(java.util.Arrays.copyOf(p.getData(), p.getLength()));
            assertThat(m.getHeader().getID()).isEqualTo(0x1234);
            assertThat(m.getRcode()).isEqualTo(Rcode.FORMERR);

            Message response = query("www.example.com.", Type.A);
            response.getHeader().setFlag(Flags.QR);
            byte[] wire = response.toWire();
            s.send(new DatagramPacket(wire, wire.length, at));
            s.setSoTimeout(500);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> s.receive(new DatagramPacket(new byte[512], 512)))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void answersTwoHundredConcurrentQueries() throws Exception {
        int n = 200;
        ExecutorService clients = Executors.newFixedThreadPool(n);
        try {
            // All 200 wait at the gate and send together, so the queries really are in flight at once.
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<Message>> sent = new ArrayList<>();
            String[] names = {"www.example.com.", "mail.example.com.", "ns1.example.com.", "example.com."};
            for (int i = 0; i < n; i++) {
                String name = names[i % names.length];
                boolean tcp = i % 10 == 0;
                sent.add(clients.submit(() -> {
                    SimpleResolver r = resolver(at);
                    r.setTCP(tcp);
                    Message q = query(name, Type.A);
                    gate.await(10, TimeUnit.SECONDS);
                    return r.send(q);
                }));
            }
            gate.countDown();
            for (int i = 0; i < n; i++) {
                Message m = sent.get(i).get(20, TimeUnit.SECONDS);
                assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
                assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
                assertThat(m.getQuestion().getName().toString()).isEqualTo(names[i % names.length]);
                assertThat(m.getSection(Section.ANSWER)).hasSize(1);
            }
            assertThat(server.queries()).isEqualTo(n);
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void closeFreesThePortForUdpAndTcp() throws Exception {
        ask(at, "www.example.com.", Type.A);
        int port = server.port();
        server.close();
        assertThat(server.isClosed()).isTrue();
        server.close(); // idempotent
        InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, port));
                ServerSocket t = new ServerSocket()) {
            t.setReuseAddress(true);
            t.bind(new InetSocketAddress(lo, port));
            assertThat(u.getLocalPort()).isEqualTo(port);
            assertThat(t.getLocalPort()).isEqualTo(port);
        }
        assertThat(Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("sandbox-dns-" + port + "-") && t.isAlive())).isEmpty();
    }
}
