package dev.migrate.provider.sandbox;

import static dev.migrate.provider.sandbox.TestZones.ask;
import static dev.migrate.provider.sandbox.TestZones.set;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import dev.migrate.provider.zonefile.ZoneFiles;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.*;
import org.xbill.DNS.Record;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SandboxTest {
    private static final String Z = "example.com.";
    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private Sandbox sandbox;

    /** The rehearsal's clock in miniature: time moves only when told. */
    static final class MovableClock extends Clock {
        private volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void set(Instant i) {
            now = i;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @AfterEach
    void stop() {
        if (sandbox != null) sandbox.close();
    }

    private Sandbox start(int servers, Set<Integer> lagging) throws Exception {
        sandbox = Sandbox.start(List.of(TestZones.exampleCom(), TestZones.exampleNet()), servers, lagging, clock);
        return sandbox;
    }

    private InetSocketAddress server(int i) {
        return new InetSocketAddress("127.0.0.1", sandbox.addresses().get(i).getPort());
    }

    private static List<String> answer(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).sorted().toList();
    }

    private long servedSerial(int i) throws Exception {
        Message m = ask(server(i), Z, Type.SOA);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
    }

    private RRsetChange moveWww(ZoneSnapshot live) {
        RRset before = live.get("www.example.com.", "A");
        return RRsetChange.of(Z, before, set(Z, "www.example.com.", "A", 300, "198.51.100.10"));
    }

    @Test
    void startsOneServerPerPortOnLoopback() throws Exception {
        start(3, Set.of(2));
        assertThat(sandbox.addresses()).hasSize(3);
        assertThat(sandbox.addresses()).allSatisfy(a -> assertThat(a.getAddress().getHostAddress()).isEqualTo("127.0.0.1"));
        assertThat(sandbox.addresses().stream().map(InetSocketAddress::getPort).distinct()).hasSize(3);
        assertThat(sandbox.type()).isEqualTo("sandbox");
        assertThat(sandbox.zones()).containsExactly("example.com.", "example.net.");
        assertThat(sandbox.describe()).startsWith("sandbox 127.0.0.1:").contains("(primary)").contains("(lagging)");
        assertThat(sandbox.capabilities().atomicBatch()).isTrue();
        assertThat(sandbox.capabilities().compareAndSet()).isTrue();
        assertThat(sandbox.capabilities().meaningfulSerial()).isTrue();
        for (int i = 0; i < 3; i++) assertThat(servedSerial(i)).isEqualTo(2026112001L);
    }

    @Test
    void applyReachesEveryServerButTheLaggingOneWithTheSerialBumped() throws Exception {
        start(3, Set.of(2));
        ZoneSnapshot before = sandbox.read(Z);
        sandbox.apply(Z, List.of(moveWww(before)));

        // Date-style serial: today's first serial, from the injected clock (2026-11-22).
        assertThat(sandbox.read(Z).serial()).isEqualTo(2026112200L);
        assertThat(sandbox.read(Z).get("www.example.com.", "A").rdata()).containsExactly("198.51.100.10");
        for (int i : List.of(0, 1)) {
            Message m = ask(server(i), "www.example.com.", Type.A);
            assertThat(answer(m)).as("server " + i).containsExactly("198.51.100.10");
            assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(300);
            assertThat(servedSerial(i)).as("server " + i).isEqualTo(2026112200L);
            assertThat(sandbox.servedBy(i, Z)).isEqualTo(sandbox.read(Z));
        }
        Message stale = ask(server(2), "www.example.com.", Type.A);
        assertThat(answer(stale)).containsExactly("203.0.113.10");
        assertThat(stale.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(3600);
        assertThat(servedSerial(2)).isEqualTo(2026112001L);
        assertThat(sandbox.servedBy(2, Z)).isSameAs(before);
    }

    @Test
    void conflictingBeforeImagesAreNamedAndNothingChanges() throws Exception {
        start(2, Set.of());
        ZoneSnapshot live = sandbox.read(Z);
        RRset mail = live.get("mail.example.com.", "A");
        RRset staleMail = mail.withTtl(300); // the live TTL is 14400
        RRset created = set(Z, "legacy.example.com.", "A", 300, "192.0.2.9");
        RRset existing = live.get("ns1.example.com.", "A");
        List<RRsetChange> batch = List.of(
                moveWww(live), // fine on its own: must not land either (atomic)
                RRsetChange.of(Z, staleMail, mail.withData(List.of("198.51.100.25"))),
                RRsetChange.of(Z, null, existing.withData(List.of("198.51.100.53"))), // "create" what exists
                new RRsetChange(Z, created.key(), created, null)); // delete what does not exist

        assertThatThrownBy(() -> sandbox.apply(Z, batch))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.CONFLICT);
                    assertThat(e.conflicts()).containsExactly(mail.key(), existing.key(), created.key());
                    assertThat(e.getMessage()).contains("mail.example.com. A");
                });
        assertThat(sandbox.read(Z)).isSameAs(live);
        assertThat(sandbox.history()).isEmpty();
        assertThat(answer(ask(server(0), "www.example.com.", Type.A))).containsExactly("203.0.113.10");
        assertThat(servedSerial(1)).isEqualTo(2026112001L);
    }

    @Test
    void createsAndDeletesNamesAsProbesSeeThem() throws Exception {
        start(1, Set.of());
        assertThat(ask(server(0), "new.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
        RRset created = set(Z, "new.example.com.", "A", 60, "192.0.2.10");
        RRset legacy = sandbox.read(Z).get("ns1.example.com.", "A");
        sandbox.apply(Z, List.of(RRsetChange.of(Z, null, created), RRsetChange.of(Z, legacy, null)));

        Message m = ask(server(0), "new.example.com.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answer(m)).containsExactly("192.0.2.10");
        assertThat(ask(server(0), "ns1.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void historyKeepsEveryChangeInOrderWithItsInstantAndSerial() throws Exception {
        start(1, Set.of());
        RRsetChange first = moveWww(sandbox.read(Z));
        sandbox.apply(Z, List.of(first));

        Instant later = Instant.parse("2026-11-22T10:05:00Z");
        clock.set(later);
        RRset mx = sandbox.read(Z).get(Z, "MX");
        RRsetChange second = RRsetChange.of(Z, mx, mx.withTtl(300));
        RRset txt = sandbox.read(Z).get(Z, "TXT");
        RRsetChange third = RRsetChange.of(Z, txt, txt.withTtl(300));
        sandbox.apply(Z, List.of(second, third));

        Instant nextDay = Instant.parse("2026-11-23T00:00:00Z");
        clock.set(nextDay);
        RRsetChange undo = first.inverse();
        sandbox.apply(Z, List.of(undo));

        assertThat(sandbox.history()).containsExactly(first, second, third, undo);
        assertThat(sandbox.batches()).extracting(Sandbox.AppliedBatch::at)
                .containsExactly(Instant.parse("2026-11-22T10:00:00Z"), later, nextDay);
        assertThat(sandbox.batches()).extracting(Sandbox.AppliedBatch::serial)
                .containsExactly(2026112200L, 2026112201L, 2026112300L);
        assertThat(sandbox.batches()).extracting(Sandbox.AppliedBatch::zone).containsOnly(Z);
        assertThat(servedSerial(0)).isEqualTo(2026112300L);
    }

    @Test
    void anEmptyBatchChangesNothingNotEvenTheSerial() throws Exception {
        start(1, Set.of());
        ZoneSnapshot live = sandbox.read(Z);
        sandbox.apply(Z, List.of());
        assertThat(sandbox.read(Z)).isSameAs(live);
        assertThat(sandbox.batches()).isEmpty();
    }

    @Test
    void catchUpDeliversTheCurrentZonesToALaggingServerOnce() throws Exception {
        start(2, Set.of(1));
        sandbox.apply(Z, List.of(moveWww(sandbox.read(Z))));
        assertThat(servedSerial(1)).isEqualTo(2026112001L);

        sandbox.catchUp(1);
        assertThat(servedSerial(1)).isEqualTo(2026112200L);
        assertThat(answer(ask(server(1), "www.example.com.", Type.A))).containsExactly("198.51.100.10");

        RRset www = sandbox.read(Z).get("www.example.com.", "A");
        sandbox.apply(Z, List.of(RRsetChange.of(Z, www, www.withTtl(3600))));
        assertThat(servedSerial(0)).isEqualTo(2026112201L);
        assertThat(servedSerial(1)).isEqualTo(2026112200L); // lagging again
    }

    @Test
    void theSecondZoneIsWrittenIndependently() throws Exception {
        start(2, Set.of());
        String net = "example.net.";
        RRset a = sandbox.read(net).get("ns2.example.net.", "A");
        sandbox.apply(net, List.of(RRsetChange.of(net, a, a.withData(List.of("198.51.100.54")))));
        assertThat(sandbox.read(net).serial()).isEqualTo(8); // not date-style: plus one (RFC 1982)
        assertThat(sandbox.read(Z).serial()).isEqualTo(2026112001L);
        assertThat(answer(ask(server(1), "ns2.example.net.", Type.A))).containsExactly("198.51.100.54");
    }

    @Test
    void refusesBatchesNoServerWouldAccept() throws Exception {
        start(1, Set.of());
        ZoneSnapshot live = sandbox.read(Z);

        RRset www = live.get("www.example.com.", "A");
        RRset cname = set(Z, "www.example.com.", "CNAME", 300, "shop.example.com.");
        assertThatThrownBy(() -> sandbox.apply(Z, List.of(RRsetChange.of(Z, null, cname))))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.INVALID);
                    assertThat(e.getMessage()).contains("www.example.com.").contains("CNAME");
                });

        assertThatThrownBy(() -> sandbox.apply(Z, List.of(RRsetChange.of(Z, live.soa(), null))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
        assertThatThrownBy(() -> sandbox.apply(Z, List.of(RRsetChange.of("example.net.", www, www.withTtl(60)))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
        assertThatThrownBy(() -> sandbox.apply(Z, List.of(moveWww(live), moveWww(live))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID));
        assertThatThrownBy(() -> sandbox.read("example.org."))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));
        assertThatThrownBy(() -> sandbox.apply("example.org.", List.of(moveWww(live))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND));

        // Replacing the A RRset with a CNAME in one batch is fine: the result has only the CNAME.
        RRset aaaa = live.get("www.example.com.", "AAAA");
        sandbox.apply(Z, List.of(RRsetChange.of(Z, www, null), RRsetChange.of(Z, aaaa, null),
                RRsetChange.of(Z, null, set(Z, "www.example.com.", "CNAME", 300, "mail.example.com."))));
        assertThat(sandbox.history()).hasSize(3);
        assertThat(sandbox.read(Z).get(new RRsetKey("www.example.com.", "CNAME"))).isNotNull();
    }

    @Test
    void rejectsImpossibleServerLayouts() {
        var zones = List.of(TestZones.exampleCom());
        assertThatThrownBy(() -> Sandbox.start(zones, 0, Set.of(), clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sandbox.start(zones, 2, Set.of(0), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("primary");
        assertThatThrownBy(() -> Sandbox.start(zones, 2, Set.of(2), clock)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sandbox.start(List.of(new ZoneSnapshot(Z, List.of(
                set(Z, "www.example.com.", "A", 60, "192.0.2.1")))), 1, Set.of(), clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SOA");
    }

    @Test
    void servesTheExampleZoneFile() throws Exception {
        Path zoneFile = Path.of(System.getProperty("migrate.project.dir", "."), "plans/zones/example.com.zone");
        sandbox = Sandbox.start(List.of(ZoneFiles.read(zoneFile, Z)), 2, Set.of(), clock);
        Message web = ask(server(1), "webmail.example.com.", Type.A);
        assertThat(web.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(answer(web)).containsExactly("203.0.113.25", "mail.example.com.");
        assertThat(ask(server(0), "_tcp.example.com.", Type.SRV).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask(server(0), "_domainkey.example.com.", Type.TXT).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ask(server(0), "gone.example.com.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void closeFreesEveryPortAndRefusesWrites() throws Exception {
        start(3, Set.of(1));
        List<Integer> ports = sandbox.addresses().stream().map(InetSocketAddress::getPort).toList();
        ZoneSnapshot live = sandbox.read(Z);
        sandbox.close();
        sandbox.close();
        assertThatThrownBy(() -> sandbox.apply(Z, List.of(moveWww(live))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNREACHABLE));
        InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        for (int port : ports) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress(lo, port)); ServerSocket t = new ServerSocket()) {
                t.setReuseAddress(true);
                t.bind(new InetSocketAddress(lo, port));
            }
        }
    }
}
