package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.lab.BindServer;
import dev.migrate.lab.Ports;
import dev.migrate.lab.TsigKey;
import dev.migrate.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The propagation probe against real BIND primaries and secondaries on 127.0.0.1: the "Done when"
 * for confirm (a secondary without NOTIFY is named and fails the deadline; with NOTIFY it confirms).
 */
class AuthoritativeProbeLabTest {
    static final String ZONE = "example.test.";
    // Refresh 3600 s: a secondary that gets no NOTIFY keeps the old copy for the whole test (RFC 1996).
    static final String ZONE_TEXT = """
            $TTL 300
            @    IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
            @    IN NS  ns1.example.test.
            @    IN NS  ns2.example.test.
            ns1  IN A   127.0.0.1
            ns2  IN A   127.0.0.1
            www  IN A   192.0.2.10
            old  IN A   192.0.2.11
            """;
    static final RRset WWW_BEFORE = RRset.of("www." + ZONE, "A", 300, List.of("192.0.2.10"));
    static final RRset WWW_AFTER = RRset.of("www." + ZONE, "A", 300, List.of("198.51.100.20"));

    static AuthoritativeProbe.Settings fast(int rounds) {
        return new AuthoritativeProbe.Settings(false, Duration.ofMillis(200), Duration.ofMillis(800), 2, rounds, 64, 0.2);
    }

    static Expectation expect(RRset s) {
        return new Expectation(ZONE, s.key(), s);
    }

    static final class Recorder implements PropagationCheck.Listener {
        final List<String> lines = new ArrayList<>();
        int lastInSync = -1;
        int lastTotal = -1;

        @Override
        public void progress(int inSync, int total, List<String> laggards, Duration elapsed, Instant deadline) {
            lastInSync = inSync;
            lastTotal = total;
            lines.add(inSync + "/" + total + " " + laggards);
        }
    }

    @Test
    void secondaryWithoutNotifyIsNamedAndTheConfirmFailsAtItsDeadline() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT).start();
                BindServer secondary = BindServer.builder().key(key).addSecondaryZone(ZONE, primary.port(), key, null).start()) {
            LabDns.replace(primary.port(), key, ZONE, WWW_AFTER);
            AuthoritativeProbe probe = new AuthoritativeProbe(LabDns.servers(ZONE,
                    LabDns.ns(ZONE, "ns1.example.test.", primary.port()),
                    LabDns.ns(ZONE, "ns2.example.test.", secondary.port())), fast(2), Clock.systemUTC(), Sleeper.REAL);
            Recorder rec = new Recorder();
            long t0 = System.nanoTime();
            Instant deadline = Instant.now().plusSeconds(3);
            PropagationCheck.Outcome o = probe.await(List.of(expect(WWW_AFTER)), deadline, rec);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);

            assertThat(o.live()).isFalse();
            assertThat(o.confirmedAt()).isNull();
            assertThat(took).isBetween(Duration.ofMillis(2900), Duration.ofSeconds(8));
            assertThat(o.summary()).contains("1/2 addresses in sync").contains("ns2.example.test. 127.0.0.1:" + secondary.port() + " (stale)");
            assertThat(o.problems()).singleElement().asString()
                    .contains("ns2.example.test. 127.0.0.1:" + secondary.port() + " stale")
                    .contains("serves 192.0.2.10 TTL 300; expected 198.51.100.20 TTL 300")
                    .contains("serial 1, others have 2");
            assertThat(rec.lines.size()).isGreaterThan(3);
            assertThat(rec.lastInSync).isEqualTo(1);
            assertThat(rec.lastTotal).isEqualTo(2);
        }
    }

    @Test
    void secondaryWithNotifyConfirmsInTwoConsecutiveRounds() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        int secondaryPort = Ports.free();
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT, secondaryPort).start();
                BindServer secondary = BindServer.builder().port(secondaryPort).key(key)
                        .addSecondaryZone(ZONE, primary.port(), key, null).start()) {
            Instant changed = Instant.now();
            LabDns.replace(primary.port(), key, ZONE, WWW_AFTER);
            AuthoritativeProbe probe = new AuthoritativeProbe(LabDns.servers(ZONE,
                    LabDns.ns(ZONE, "ns1.example.test.", primary.port()),
                    LabDns.ns(ZONE, "ns2.example.test.", secondary.port())), fast(2), Clock.systemUTC(), Sleeper.REAL);
            Recorder rec = new Recorder();
            PropagationCheck.Outcome o = probe.await(List.of(expect(WWW_AFTER)), Instant.now().plusSeconds(20), rec);

            assertThat(o.live()).as("%s / %s / secondary log:\n%s", o.summary(), o.problems(), secondary.logTail()).isTrue();
            assertThat(o.problems()).isEmpty();
            assertThat(o.confirmedAt()).isAfter(changed).isBefore(Instant.now());
            assertThat(o.summary()).startsWith("live: 2/2");
            assertThat(rec.lastInSync).isEqualTo(2);
        }
    }

    @Test
    void loweredTtlIsConfirmedOnlyWhenEveryAddressServesIt() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT).start();
                BindServer secondary = BindServer.builder().key(key).addSecondaryZone(ZONE, primary.port(), key, null).start()) {
            RRset lowered = WWW_BEFORE.withTtl(60);
            LabDns.replace(primary.port(), key, ZONE, lowered);
            AuthoritativeProbe probe = new AuthoritativeProbe(LabDns.servers(ZONE,
                    LabDns.ns(ZONE, "ns1.example.test.", primary.port()),
                    LabDns.ns(ZONE, "ns2.example.test.", secondary.port())), fast(1), Clock.systemUTC(), Sleeper.REAL);
            Round r = probe.probeOnce(List.of(expect(lowered)));
            assertThat(r.addresses().get(0).state()).isEqualTo(ServerState.MATCH);
            assertThat(r.addresses().get(0).serial()).isEqualTo(2);
            AddressReport lagging = r.addresses().get(1);
            assertThat(lagging.state()).isEqualTo(ServerState.STALE);
            assertThat(lagging.detail()).isEqualTo("www.example.test. A TTL 300, expected 60");
            assertThat(lagging.behindBy()).isEqualTo(2L);
        }
    }

    @Test
    void classifiesUnreachableRefusedNotYetAndAbsence() throws Exception {
        TsigKey key = TsigKey.random("k");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT).start()) {
            LabDns.delete(primary.port(), key, ZONE, "old." + ZONE, "A");
            int closed = Ports.free(); // nothing listens: ICMP port unreachable on loopback
            AuthoritativeProbe probe = new AuthoritativeProbe(java.util.Map.of(
                    ZONE, List.of(LabDns.ns(ZONE, "ns1.example.test.", primary.port()), LabDns.ns(ZONE, "gone.example.test.", closed)),
                    "other.test.", List.of(LabDns.ns("other.test.", "ns1.example.test.", primary.port()))),
                    fast(1), Clock.systemUTC(), Sleeper.REAL);
            RRset created = RRset.of("new." + ZONE, "A", 300, List.of("198.51.100.30"));
            Round r = probe.probeOnce(List.of(
                    expect(WWW_BEFORE),
                    new Expectation(ZONE, new RRsetKey("old." + ZONE, "A"), null), // deleted: absence expected
                    expect(created),                                                 // not created yet
                    new Expectation("other.test.", new RRsetKey("www.other.test.", "A"), null)));
            AddressReport ok = find(r, primary.port(), ZONE);
            assertThat(ok.rrsets()).extracting(RRsetState::state)
                    .containsExactly(ServerState.MATCH, ServerState.MATCH, ServerState.NOT_YET);
            assertThat(ok.state()).isEqualTo(ServerState.NOT_YET);
            assertThat(ok.detail()).contains("new.example.test. A: NXDOMAIN; expected 198.51.100.30 TTL 300");
            AddressReport gone = find(r, closed, ZONE);
            assertThat(gone.state()).isEqualTo(ServerState.UNREACHABLE);
            assertThat(gone.detail()).contains("port unreachable");
            AddressReport refused = find(r, primary.port(), "other.test.");
            assertThat(refused.state()).isEqualTo(ServerState.REFUSED);
            assertThat(refused.detail()).isEqualTo("SOA answered REFUSED");

            // The unreachable policy: strict by default, excused (and still reported) with unreachable: ignore.
            List<Expectation> www = List.of(expect(WWW_BEFORE));
            AuthoritativeProbe zoneOnly = new AuthoritativeProbe(java.util.Map.of(ZONE, List.of(
                    LabDns.ns(ZONE, "ns1.example.test.", primary.port()), LabDns.ns(ZONE, "gone.example.test.", closed))),
                    fast(1), Clock.systemUTC(), Sleeper.REAL);
            PropagationCheck.Outcome strict = zoneOnly.await(www, Instant.now().plusMillis(500), PropagationCheck.Listener.NONE);
            assertThat(strict.live()).isFalse();
            assertThat(strict.problems()).singleElement().asString().contains("gone.example.test. 127.0.0.1:" + closed + " unreachable");
            PropagationCheck.Outcome lenient = zoneOnly.withUnreachable("ignore").await(www, Instant.now().plusSeconds(5),
                    PropagationCheck.Listener.NONE);
            assertThat(lenient.live()).isTrue();
            assertThat(lenient.summary()).contains("1 unreachable address ignored");
            assertThat(lenient.problems()).singleElement().asString().contains("unreachable");
        }
    }

    @Test
    void parentServerGivingAReferralIsLame() throws Exception {
        // The parent zone's server answers for example.test. with a referral: NOERROR, no AA bit.
        String parent = """
                $TTL 300
                @        IN SOA ns.test. hostmaster.test. 1 3600 600 86400 60
                @        IN NS  ns.test.
                ns       IN A   127.0.0.1
                example  IN NS  ns1.example.test.
                ns1.example IN A 127.0.0.1
                """;
        try (BindServer tld = BindServer.builder().addPrimaryZone("test.", parent).start()) {
            AuthoritativeProbe probe = new AuthoritativeProbe(LabDns.servers(ZONE, LabDns.ns(ZONE, "ns.test.", tld.port())),
                    fast(1), Clock.systemUTC(), Sleeper.REAL);
            AddressReport a = probe.probeOnce(List.of(expect(WWW_BEFORE))).addresses().get(0);
            assertThat(a.state()).isEqualTo(ServerState.LAME);
            assertThat(a.detail()).isEqualTo("SOA answered without the AA bit (not authoritative for the zone)");
        }
    }

    @Test
    void nameserversOutsideTheZoneAreAskedOfThePlansResolvers() throws Exception {
        // The provider's zone names ns.provider.test. (no glue): its A and AAAA come from the plan's resolver
        // (Unbound here, resolving provider.test. from a lab BIND), never from the JVM's resolver.
        String provider = """
                $TTL 300
                @   IN SOA ns.provider.test. hostmaster.provider.test. 1 3600 600 86400 60
                @   IN NS  ns.provider.test.
                ns  IN A    127.0.0.53
                ns  IN AAAA ::53
                """;
        try (BindServer b = BindServer.builder().addPrimaryZone("provider.test.", provider).start();
                dev.migrate.lab.UnboundServer u = dev.migrate.lab.UnboundServer.builder().stubZone("provider.test.", b.port()).start()) {
            dev.migrate.dns.ZoneSnapshot z = new dev.migrate.dns.ZoneSnapshot(ZONE, List.of(
                    RRset.of(ZONE, "NS", 3600, List.of("ns.provider.test."))));
            dev.migrate.plan.Propagation p = new dev.migrate.plan.Propagation(List.of(), List.of("127.0.0.1:" + u.port()),
                    false, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 2, "auto");
            // Only discovered, not queried: port 53 on those addresses is nobody's.
            assertThat(NameserverDiscovery.fromNs(z, p)).extracting(NameServer::label)
                    .containsExactly("ns.provider.test. 127.0.0.53:53", "ns.provider.test. [::53]:53");
        }
    }

    @Test
    void pollsOnTheInjectedClockUntilTheDeadline() throws Exception {
        TsigKey key = TsigKey.random("xfr-key");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT).start();
                BindServer secondary = BindServer.builder().key(key).addSecondaryZone(ZONE, primary.port(), key, null).start()) {
            LabDns.replace(primary.port(), key, ZONE, WWW_AFTER);
            MutableClock clock = new MutableClock(Instant.parse("2026-12-01T02:00:00Z"));
            AuthoritativeProbe.Settings s = new AuthoritativeProbe.Settings(false, Duration.ofSeconds(10),
                    Duration.ofMillis(800), 2, 2, 64, 0.2);
            AuthoritativeProbe probe = new AuthoritativeProbe(LabDns.servers(ZONE,
                    LabDns.ns(ZONE, "ns1.example.test.", primary.port()),
                    LabDns.ns(ZONE, "ns2.example.test.", secondary.port())), s, clock, clock.sleeper());
            Recorder rec = new Recorder();
            Instant deadline = clock.instant().plus(Duration.ofMinutes(10));
            long t0 = System.nanoTime();
            PropagationCheck.Outcome o = probe.await(List.of(expect(WWW_AFTER)), deadline, rec);
            // Ten virtual minutes at 10 s +-20 %: 50 to 76 rounds, the last one at the deadline itself; real time: no waiting.
            assertThat(o.live()).isFalse();
            assertThat(clock.instant()).isEqualTo(deadline);
            assertThat(rec.lines.size()).isBetween(50, 76);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(20));
            assertThat(o.summary()).contains("not live by the deadline 2026-12-01T02:10:00Z").contains("over 10m");
        }
    }

    @Test
    void largeRRsetIsReadOverTcpAfterTruncation() throws Exception {
        TsigKey key = TsigKey.random("k");
        try (BindServer primary = BindServer.builder().key(key).addPrimaryZone(ZONE, ZONE_TEXT).start()) {
            // 60 TXT records of 60 bytes: ~4 KB, more than the 1232-byte EDNS buffer, so UDP comes back with TC.
            RRset big = RRset.of("big." + ZONE, "TXT", 300, IntStream.range(0, 60)
                    .mapToObj(i -> "\"record-" + i + "-" + "x".repeat(50) + "\"").toList());
            LabDns.replace(primary.port(), key, ZONE, big);
            AuthoritativeProbe probe = new AuthoritativeProbe(LabDns.servers(ZONE,
                    LabDns.ns(ZONE, "ns1.example.test.", primary.port())), fast(1), Clock.systemUTC(), Sleeper.REAL);
            Round r = probe.probeOnce(List.of(expect(big)));
            assertThat(r.addresses().get(0).state()).as(r.addresses().get(0).describe()).isEqualTo(ServerState.MATCH);
            assertThat(r.addresses().get(0).rrsets().get(0).served().rdata()).hasSize(60);
        }
    }

    static AddressReport find(Round r, int port, String zone) {
        return r.addresses().stream()
                .filter(a -> a.server().address().getPort() == port && a.server().zone().equals(zone))
                .findFirst().orElseThrow();
    }
}
