package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Propagation;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The pure parts: answer classification, serial arithmetic, settling rules, glue discovery. */
class ProbeUnitTest {
    static final String ZONE = "example.test.";
    static final RRset WWW = RRset.of("www." + ZONE, "A", 300, List.of("192.0.2.1", "192.0.2.2"));

    static Message answer(int rcode, boolean aa, Record... answers) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString("www." + ZONE), Type.A, DClass.IN));
        m.getHeader().setFlag(Flags.QR);
        if (aa) m.getHeader().setFlag(Flags.AA);
        m.getHeader().setRcode(rcode);
        for (Record r : answers) m.addRecord(r, Section.ANSWER);
        return m;
    }

    static Record a(String ip, long ttl) throws Exception {
        return new ARecord(Name.fromString("www." + ZONE), DClass.IN, ttl, java.net.InetAddress.getByName(ip));
    }

    static RRsetState classify(Message m, RRset want) {
        return Answers.rrset(new DnsQueries.Reply(m, null), Answers.Wanted.of(new Expectation(ZONE, WWW.key(), want)));
    }

    @Test
    void classifiesAnswers() throws Exception {
        // Order of records does not matter; TTL does.
        assertThat(classify(answer(Rcode.NOERROR, true, a("192.0.2.2", 300), a("192.0.2.1", 300)), WWW).state())
                .isEqualTo(ServerState.MATCH);
        RRsetState ttl = classify(answer(Rcode.NOERROR, true, a("192.0.2.2", 3600), a("192.0.2.1", 3600)), WWW);
        assertThat(ttl.state()).isEqualTo(ServerState.STALE);
        assertThat(ttl.detail()).isEqualTo("www.example.test. A TTL 3600, expected 300");
        // RFC 2181 §5.2: differing TTLs within an RRset count as the lowest.
        assertThat(classify(answer(Rcode.NOERROR, true, a("192.0.2.2", 300), a("192.0.2.1", 900)), WWW).state())
                .isEqualTo(ServerState.MATCH);
        assertThat(classify(answer(Rcode.NOERROR, true, a("192.0.2.1", 300)), WWW).state()).isEqualTo(ServerState.STALE);
        assertThat(classify(answer(Rcode.NXDOMAIN, true), WWW).state()).isEqualTo(ServerState.NOT_YET);
        assertThat(classify(answer(Rcode.NOERROR, true), WWW).detail()).contains("no A records (NODATA)");
        assertThat(classify(answer(Rcode.NXDOMAIN, true), null).state()).isEqualTo(ServerState.MATCH);
        assertThat(classify(answer(Rcode.NOERROR, true, a("192.0.2.1", 300)), null).state()).isEqualTo(ServerState.STALE);
        assertThat(classify(answer(Rcode.NOERROR, false, a("192.0.2.1", 300), a("192.0.2.2", 300)), WWW).state())
                .isEqualTo(ServerState.LAME);
        assertThat(classify(answer(Rcode.REFUSED, true), WWW).state()).isEqualTo(ServerState.REFUSED);
        assertThat(classify(answer(Rcode.NOTAUTH, true), WWW).state()).isEqualTo(ServerState.REFUSED);
        assertThat(classify(answer(Rcode.SERVFAIL, true), WWW).state()).isEqualTo(ServerState.ERROR);
        RRsetState silent = Answers.rrset(new DnsQueries.Reply(null, "no answer within 2000 ms (3 tries)"),
                Answers.Wanted.of(new Expectation(ZONE, WWW.key(), WWW)));
        assertThat(silent.state()).isEqualTo(ServerState.UNREACHABLE);
        assertThat(silent.detail()).isEqualTo("no answer within 2000 ms (3 tries)");
    }

    static AddressReport report(int port, long serial, ServerState state) {
        return new AddressReport(new NameServer(ZONE, "ns" + port, new InetSocketAddress("127.0.0.1", port)), serial, null,
                state, "", List.of());
    }

    @Test
    void serialsCompareWithRfc1982Arithmetic() {
        // 4294967295 + 1 wraps to 0: 5 is newer than 4294967295 (RFC 1982 §3.2), though smaller as a number.
        List<AddressReport> r = AuthoritativeProbe.withSerialLag(List.of(report(1, 4294967295L, ServerState.MATCH),
                report(2, 5, ServerState.MATCH), report(3, -1, ServerState.UNREACHABLE)));
        assertThat(r.get(0).behindBy()).isEqualTo(5L);
        assertThat(r.get(1).behindBy()).isNull();
        assertThat(r.get(2).behindBy()).isNull();
    }

    @Test
    void aRoundSettlesOnlyWhenEveryAddressMatchesOrOnlyUnreachableOnesAreExcused() {
        Round all = new Round(Instant.EPOCH, Instant.EPOCH, List.of(report(1, 1, ServerState.MATCH), report(2, 1, ServerState.MATCH)));
        Round gone = new Round(Instant.EPOCH, Instant.EPOCH, List.of(report(1, 1, ServerState.MATCH), report(2, -1, ServerState.UNREACHABLE)));
        Round lame = new Round(Instant.EPOCH, Instant.EPOCH, List.of(report(1, 1, ServerState.MATCH), report(2, -1, ServerState.LAME)));
        Round none = new Round(Instant.EPOCH, Instant.EPOCH, List.of(report(2, -1, ServerState.UNREACHABLE)));
        assertThat(all.settled(false)).isTrue();
        assertThat(gone.settled(false)).isFalse();
        assertThat(gone.settled(true)).isTrue();
        assertThat(lame.settled(true)).isFalse();
        assertThat(none.settled(true)).as("at least one address must serve the change").isFalse();
    }

    static Propagation propagation(List<String> resolvers) {
        Propagation d = Propagation.defaults();
        return new Propagation(List.of(), resolvers, false, d.interval(), Duration.ofSeconds(1), 1, 2, "auto");
    }

    @Test
    void nameserversComeFromTheNsRRsetAndInZoneGlue() throws Exception {
        ZoneSnapshot z = new ZoneSnapshot(ZONE, List.of(
                RRset.of(ZONE, "NS", 3600, List.of("ns1.example.test.", "ns2.example.test.")),
                RRset.of("ns1." + ZONE, "A", 3600, List.of("192.0.2.53")),
                RRset.of("ns1." + ZONE, "AAAA", 3600, List.of("2001:db8::53")),
                RRset.of("ns2." + ZONE, "A", 3600, List.of("198.51.100.53"))));
        List<NameServer> ns = NameserverDiscovery.fromNs(z, propagation(List.of()));
        assertThat(ns).extracting(NameServer::label).containsExactly(
                "ns1.example.test. 192.0.2.53:53", "ns1.example.test. [2001:db8::53]:53", "ns2.example.test. 198.51.100.53:53");

        ZoneSnapshot outside = new ZoneSnapshot(ZONE, List.of(RRset.of(ZONE, "NS", 3600, List.of("ns.provider.test."))));
        assertThatThrownBy(() -> NameserverDiscovery.fromNs(outside, propagation(List.of())))
                .isInstanceOf(ProbeException.class)
                .hasMessageContaining("ns.provider.test.").hasMessageContaining("list resolvers:");
    }
}
