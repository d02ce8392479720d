package dev.migrate.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DSRecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base16;

/** The pure parts of a provider move's probes: where each RRset is answered, what an answer says, the parent's view. */
class MoveAnswersTest {
    static final String ZONE = "shop.test.";
    static final NameServer NEW1 = new NameServer(ZONE, "ns1.new.test.", new InetSocketAddress("127.0.0.1", 5301));
    static final Set<String> OLD = Set.of("ns1.old.test.", "ns2.old.test.");
    static final Set<String> NEW = Set.of("ns1.new.test.", "ns2.new.test.");

    static RRset set(String name, String type, long ttl, String... data) {
        return RRset.of(name, type, ttl, List.of(data));
    }

    static Message reply(String qname, int qtype, int rcode, boolean aa) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(qname), qtype, DClass.IN));
        m.getHeader().setFlag(Flags.QR);
        if (aa) m.getHeader().setFlag(Flags.AA);
        m.getHeader().setRcode(rcode);
        return m;
    }

    static Record a(String name, long ttl, String ip) throws Exception {
        return new ARecord(Name.fromString(name), DClass.IN, ttl, InetAddress.getByName(ip));
    }

    static Record ns(String owner, long ttl, String target) throws Exception {
        return new NSRecord(Name.fromString(owner), DClass.IN, ttl, Name.fromString(target));
    }

    static DnsQueries.Reply answered(Message m) {
        return new DnsQueries.Reply(m, null);
    }

    // ------------------------------------------------------------------ layout

    @Test
    void aZoneCutInsideTheZoneIsAReferralItsGlueIsAdditionalAndWhatItHidesIsNotCompared() {
        List<RRset> zone = List.of(
                set(ZONE, "NS", 3600, "ns1.new.test."),
                set("www." + ZONE, "A", 300, "192.0.2.1"),
                set("sub." + ZONE, "NS", 3600, "ns.sub." + ZONE, "ns.elsewhere.test."),
                set("sub." + ZONE, "DS", 3600, "1 13 2 " + "AB".repeat(32)),
                set("ns.sub." + ZONE, "A", 3600, "192.0.2.53"),
                set("old.sub." + ZONE, "A", 3600, "192.0.2.54"),
                set("sub." + ZONE, "TXT", 3600, "\"hidden\""));
        ZoneAnswers.Layout l = ZoneAnswers.layout(ZONE, zone);
        assertThat(l.wanted()).extracting(w -> w.key().toString() + " " + w.where()).containsExactlyInAnyOrder(
                "shop.test. NS AUTHORITATIVE", "www.shop.test. A AUTHORITATIVE", "sub.shop.test. NS DELEGATION",
                "sub.shop.test. DS AUTHORITATIVE", "ns.sub.shop.test. A GLUE");
        assertThat(l.occluded()).containsExactlyInAnyOrder(new RRsetKey("old.sub." + ZONE, "A"),
                new RRsetKey("sub." + ZONE, "TXT"));
    }

    // ------------------------------------------------------------------ one RRset at one address

    @Test
    void eachKindOfDifferenceIsNamed() throws Exception {
        RRset www = set("www." + ZONE, "A", 300, "192.0.2.1", "192.0.2.2");
        ZoneAnswers.Wanted w = ZoneAnswers.Wanted.of(www, ZoneAnswers.Where.AUTHORITATIVE);

        Message same = reply("www." + ZONE, Type.A, Rcode.NOERROR, true);
        same.addRecord(a("www." + ZONE, 300, "192.0.2.2"), Section.ANSWER);
        same.addRecord(a("www." + ZONE, 300, "192.0.2.1"), Section.ANSWER);
        assertThat(ZoneAnswers.classify(NEW1, w, answered(same))).isNull();

        Message ttl = reply("www." + ZONE, Type.A, Rcode.NOERROR, true);
        ttl.addRecord(a("www." + ZONE, 3600, "192.0.2.2"), Section.ANSWER);
        ttl.addRecord(a("www." + ZONE, 3600, "192.0.2.1"), Section.ANSWER);
        Difference t = ZoneAnswers.classify(NEW1, w, answered(ttl));
        assertThat(t.kind()).isEqualTo(Difference.Kind.DIFFERENT_TTL);
        assertThat(t.describe()).isEqualTo("ns1.new.test. 127.0.0.1:5301 www.shop.test. A: different TTL: TTL 3600, expected 300");

        Message data = reply("www." + ZONE, Type.A, Rcode.NOERROR, true);
        data.addRecord(a("www." + ZONE, 300, "192.0.2.9"), Section.ANSWER);
        Difference d = ZoneAnswers.classify(NEW1, w, answered(data));
        assertThat(d.kind()).isEqualTo(Difference.Kind.DIFFERENT_DATA);
        assertThat(d.served()).isEqualTo(set("www." + ZONE, "A", 300, "192.0.2.9"));
        assertThat(d.detail()).isEqualTo("serves 192.0.2.9 TTL 300; expected 192.0.2.1, 192.0.2.2 TTL 300");

        assertThat(ZoneAnswers.classify(NEW1, w, answered(reply("www." + ZONE, Type.A, Rcode.NXDOMAIN, true))).detail())
                .startsWith("NXDOMAIN; expected");
        Difference nodata = ZoneAnswers.classify(NEW1, w, answered(reply("www." + ZONE, Type.A, Rcode.NOERROR, true)));
        assertThat(nodata.kind()).isEqualTo(Difference.Kind.MISSING);
        assertThat(nodata.detail()).startsWith("no A records (NODATA)");

        Message lame = reply("www." + ZONE, Type.A, Rcode.NOERROR, false);
        lame.addRecord(a("www." + ZONE, 300, "192.0.2.1"), Section.ANSWER);
        lame.addRecord(a("www." + ZONE, 300, "192.0.2.2"), Section.ANSWER);
        assertThat(ZoneAnswers.classify(NEW1, w, answered(lame)).kind()).isEqualTo(Difference.Kind.NOT_AUTHORITATIVE);
        assertThat(ZoneAnswers.classify(NEW1, w, answered(reply("www." + ZONE, Type.A, Rcode.REFUSED, false))).kind())
                .isEqualTo(Difference.Kind.REFUSED);
        assertThat(ZoneAnswers.classify(NEW1, w, answered(reply("www." + ZONE, Type.A, Rcode.SERVFAIL, false))).kind())
                .isEqualTo(Difference.Kind.ERROR);
        Difference silent = ZoneAnswers.classify(NEW1, w, new DnsQueries.Reply(null, "no answer within 2000 ms (3 tries)"));
        assertThat(silent.kind()).isEqualTo(Difference.Kind.UNREACHABLE);
        assertThat(silent.detail()).isEqualTo("no answer within 2000 ms (3 tries)");
    }

    @Test
    void aDelegationIsComparedInTheReferralAndItsGlueInTheAdditionalSection() throws Exception {
        RRset cut = set("sub." + ZONE, "NS", 3600, "ns.sub." + ZONE);
        RRset glue = set("ns.sub." + ZONE, "A", 3600, "192.0.2.53");
        Message referral = reply("sub." + ZONE, Type.NS, Rcode.NOERROR, false);
        referral.addRecord(ns("sub." + ZONE, 3600, "ns.sub." + ZONE), Section.AUTHORITY);
        referral.addRecord(a("ns.sub." + ZONE, 3600, "192.0.2.53"), Section.ADDITIONAL);
        assertThat(ZoneAnswers.classify(NEW1, ZoneAnswers.Wanted.of(cut, ZoneAnswers.Where.DELEGATION), answered(referral)))
                .isNull();
        assertThat(ZoneAnswers.classify(NEW1, ZoneAnswers.Wanted.of(glue, ZoneAnswers.Where.GLUE), answered(referral)))
                .isNull();
        Message bare = reply("ns.sub." + ZONE, Type.A, Rcode.NOERROR, false);
        bare.addRecord(ns("sub." + ZONE, 3600, "ns.sub." + ZONE), Section.AUTHORITY);
        Difference noGlue = ZoneAnswers.classify(NEW1, ZoneAnswers.Wanted.of(glue, ZoneAnswers.Where.GLUE), answered(bare));
        assertThat(noGlue.kind()).isEqualTo(Difference.Kind.MISSING);
        assertThat(noGlue.detail()).startsWith("no glue for it in the referral");
    }

    @Test
    void anAddressWhoseSoaAnswerIsUnusableIsOneDifference() throws Exception {
        assertThat(ZoneAnswers.wholeAddress(NEW1, new DnsQueries.Reply(null, "port unreachable (nothing listens there)"), ZONE))
                .extracting(Difference::kind, Difference::wholeAddress)
                .containsExactly(Difference.Kind.UNREACHABLE, true);
        Message referral = reply(ZONE, Type.SOA, Rcode.NOERROR, false);
        referral.addRecord(ns(ZONE, 3600, "ns1.old.test."), Section.AUTHORITY);
        assertThat(ZoneAnswers.wholeAddress(NEW1, answered(referral), ZONE).kind()).isEqualTo(Difference.Kind.NOT_AUTHORITATIVE);
        Message soa = reply(ZONE, Type.SOA, Rcode.NOERROR, true);
        soa.addRecord(new SOARecord(Name.fromString(ZONE), DClass.IN, 300, Name.fromString("ns1.new.test."),
                Name.fromString("h.new.test."), 1, 3600, 600, 86400, 60), Section.ANSWER);
        assertThat(ZoneAnswers.wholeAddress(NEW1, answered(soa), ZONE)).isNull();
    }

    // ------------------------------------------------------------------ the parent

    static final NameServer PARENT = new NameServer("test.", "ns.nic.test.", new InetSocketAddress("127.0.0.1", 5300));

    static Message referral(long ttl, String... targets) throws Exception {
        Message m = reply(ZONE, Type.NS, Rcode.NOERROR, false);
        for (String t : targets) m.addRecord(ns(ZONE, ttl, t), Section.AUTHORITY);
        return m;
    }

    static Message noDs() throws Exception {
        Message m = reply(ZONE, Type.DS, Rcode.NOERROR, true);
        m.addRecord(new SOARecord(Name.fromString("test."), DClass.IN, 300, Name.fromString("ns.nic.test."),
                Name.fromString("h.nic.test."), 1, 3600, 600, 86400, 60), Section.AUTHORITY);
        return m;
    }

    static ParentView view(Message ns, Message ds) {
        return ParentAnswers.classify(PARENT, ZONE, OLD, NEW, answered(ns), answered(ds));
    }

    @Test
    void theParentsReferralIsClassifiedAgainstTheOldAndNewSets() throws Exception {
        ParentView old = view(referral(172800, "ns1.old.test.", "ns2.old.test."), noDs());
        assertThat(old.state()).isEqualTo(ParentView.State.OLD);
        assertThat(old.nsTtl()).isEqualTo(172800);
        assertThat(old.ds().status()).isEqualTo(ParentView.Ds.Status.ABSENT);
        assertThat(old.delegatesTo(OLD)).isTrue();

        ParentView now = view(referral(3600, "NS2.new.test.", "ns1.new.test."), noDs());
        assertThat(now.state()).isEqualTo(ParentView.State.NEW);
        assertThat(now.nameservers()).containsExactly("ns1.new.test.", "ns2.new.test.");
        assertThat(now.delegatesTo(NEW)).isTrue();

        assertThat(view(referral(3600, "ns1.new.test.", "ns2.old.test."), noDs()).state()).isEqualTo(ParentView.State.MIXED);
        assertThat(view(referral(3600, "ns1.new.test."), noDs()).state()).isEqualTo(ParentView.State.OTHER);
        assertThat(view(referral(3600, "ns.third.test."), noDs()).state()).isEqualTo(ParentView.State.OTHER);
        assertThat(view(reply(ZONE, Type.NS, Rcode.NXDOMAIN, true), noDs()).state()).isEqualTo(ParentView.State.NONE);
        assertThat(view(reply(ZONE, Type.NS, Rcode.REFUSED, false), noDs()).state()).isEqualTo(ParentView.State.REFUSED);

        // Asked of a server that is not the parent's: it refers to the root, not to the child's servers.
        Message up = reply(ZONE, Type.NS, Rcode.NOERROR, false);
        up.addRecord(ns(".", 3600, "a.root.lab."), Section.AUTHORITY);
        ParentView lame = view(up, noDs());
        assertThat(lame.state()).isEqualTo(ParentView.State.LAME);
        assertThat(lame.detail()).isEqualTo("not a server of the parent zone: it refers to .");
        ParentView silent = ParentAnswers.classify(PARENT, ZONE, OLD, NEW, new DnsQueries.Reply(null, "timeout"),
                new DnsQueries.Reply(null, "timeout"));
        assertThat(silent.state()).isEqualTo(ParentView.State.UNREACHABLE);
        assertThat(silent.ds().status()).isEqualTo(ParentView.Ds.Status.UNKNOWN);
    }

    @Test
    void nameserversInsideTheChildNeedGlueInTheReferral() throws Exception {
        Set<String> inside = Set.of("ns1.shop.test.", "ns2.shop.test.");
        Message m = referral(3600, "ns1.shop.test.", "ns2.shop.test.");
        m.addRecord(a("ns1.shop.test.", 3600, "192.0.2.53"), Section.ADDITIONAL);
        ParentView v = ParentAnswers.classify(PARENT, ZONE, OLD, inside, answered(m), answered(noDs()));
        assertThat(v.state()).isEqualTo(ParentView.State.NEW);
        assertThat(v.glue()).isEqualTo(Map.of("ns1.shop.test.", List.of("192.0.2.53")));
        assertThat(v.missingGlue()).containsExactly("ns2.shop.test.");
        assertThat(v.delegatesTo(inside)).as("a resolver cannot reach ns2 without glue").isFalse();
    }

    @Test
    void theDsIsTheParentsOwnAnswerAndTheRoundTakesTheLargestTtl() throws Exception {
        Message ds = reply(ZONE, Type.DS, Rcode.NOERROR, true);
        ds.addRecord(new DSRecord(Name.fromString(ZONE), DClass.IN, 86400, 12345, 13, 2, base16.fromString("AB".repeat(32))),
                Section.ANSWER);
        ParentView withDs = view(referral(3600, "ns1.old.test.", "ns2.old.test."), ds);
        assertThat(withDs.ds().status()).isEqualTo(ParentView.Ds.Status.PRESENT);
        assertThat(withDs.ds().ttl()).isEqualTo(86400);
        assertThat(view(referral(3600, "ns1.old.test."), reply(ZONE, Type.DS, Rcode.NOERROR, false)).ds().status())
                .as("a DS answer without authority says nothing").isEqualTo(ParentView.Ds.Status.UNKNOWN);

        ParentView without = view(referral(7200, "ns1.new.test.", "ns2.new.test."), noDs());
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        DelegationProbe.Round round = new DelegationProbe.Round(t, t, List.of(withDs, without));
        assertThat(round.ds().status()).isEqualTo(ParentView.Ds.Status.PRESENT);
        assertThat(round.largestNsTtl()).isEqualTo(7200);
        assertThat(round.delegatesEverywhereTo(NEW)).isFalse();
        assertThat(round.delegatingTo(NEW)).isEqualTo(1);
        assertThat(new DelegationProbe.Round(t, t, List.of(without, without)).ds().status())
                .isEqualTo(ParentView.Ds.Status.ABSENT);
    }
}
