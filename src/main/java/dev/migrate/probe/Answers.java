package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** Pure classification of DNS answers: what a reply says about a zone's serial and about one RRset. */
final class Answers {
    private Answers() {}

    /** The SOA query's verdict on an address: state (MATCH means "usable"), reason, serial (-1 unknown). */
    record Soa(ServerState state, String detail, long serial) {}

    /** What to compare an RRset against, parsed once for every address and round. */
    record Wanted(Expectation expectation, Name name, int type, Set<Record> records, byte[] query) {
        static Wanted of(Expectation e) {
            Name name = Names.toName(e.key().name());
            int type = Type.value(e.key().type());
            return new Wanted(e, name, type, e.rrset() == null ? null : new HashSet<>(Rdata.toRecords(e.rrset())),
                    DnsQueries.wire(name, type, false));
        }

        RRsetKey key() {
            return expectation.key();
        }
    }

    /** An answer that cannot be used at all: no answer, a refusal, an error rcode, or no AA bit. */
    static ServerState unusable(DnsQueries.Reply r) {
        if (!r.answered()) return ServerState.UNREACHABLE;
        Message m = r.message();
        int rcode = m.getRcode(); // check it on every response (DOMAIN.md pitfalls)
        if (rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH) return ServerState.REFUSED;
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) return ServerState.ERROR;
        // An authoritative server answers for its own zones with AA set; without it the answer is a
        // referral or comes from a cache: the address is lame for this zone (DOMAIN.md).
        if (!m.getHeader().getFlag(Flags.AA)) return ServerState.LAME;
        return null;
    }

    static String unusableDetail(DnsQueries.Reply r, ServerState s) {
        return switch (s) {
            case UNREACHABLE -> r.failure();
            case REFUSED, ERROR -> "answered " + Rcode.string(r.message().getRcode());
            case LAME -> "answered without the AA bit (not authoritative for the zone)";
            default -> "";
        };
    }

    static Soa soa(DnsQueries.Reply r, String zone) {
        ServerState bad = unusable(r);
        if (bad != null) return new Soa(bad, "SOA " + unusableDetail(r, bad), -1);
        Name z = Names.toName(zone);
        for (Record rec : r.message().getSection(Section.ANSWER)) {
            if (rec instanceof SOARecord soa && rec.getName().equals(z)) {
                return new Soa(ServerState.MATCH, "", soa.getSerial());
            }
        }
        return new Soa(ServerState.ERROR, "no SOA for " + zone + " in an authoritative answer", -1);
    }

    /** The RRset {@code key} as served in the answer section, or null when absent (NXDOMAIN, NODATA, CNAME only). */
    static RRset served(Message m, RRsetKey key) {
        List<Record> recs = records(m, key);
        if (recs.isEmpty()) return null;
        long ttl = Long.MAX_VALUE;
        List<String> data = new ArrayList<>(recs.size());
        for (Record rec : recs) {
            // RFC 2181 §5.2: records of one RRset share a TTL; if a server sends different ones, the lowest counts.
            ttl = Math.min(ttl, rec.getTTL());
            data.add(Rdata.text(rec));
        }
        return RRset.of(key.name(), key.type(), ttl, data);
    }

    static List<Record> records(Message m, RRsetKey key) {
        return records(m, Names.toName(key.name()), Type.value(key.type()));
    }

    static List<Record> records(Message m, Name name, int type) {
        List<Record> out = new ArrayList<>();
        for (Record rec : m.getSection(Section.ANSWER)) {
            if (rec.getType() == type && rec.getName().equals(name)) out.add(rec);
        }
        return out;
    }

    private static long ttl(List<Record> recs) {
        long ttl = Long.MAX_VALUE;
        for (Record r : recs) ttl = Math.min(ttl, r.getTTL()); // RFC 2181 §5.2: the lowest counts
        return ttl;
    }

    /** One authoritative answer for one expected RRset. */
    static RRsetState rrset(DnsQueries.Reply r, Wanted w) {
        RRsetKey key = w.key();
        ServerState bad = unusable(r);
        if (bad != null) return new RRsetState(key, bad, null, unusableDetail(r, bad));
        List<Record> recs = records(r.message(), w.name(), w.type());
        RRset want = w.expectation().rrset();
        // The common case, every address serving exactly the expected RRset, builds nothing.
        if (want != null && recs.size() == w.records().size() && ttl(recs) == want.ttl()
                && new HashSet<>(recs).equals(w.records())) {
            return new RRsetState(key, ServerState.MATCH, want, "");
        }
        RRset served = served(r.message(), key);
        String absent = r.message().getRcode() == Rcode.NXDOMAIN ? "NXDOMAIN" : "no " + key.type() + " records (NODATA)";
        if (want == null) {
            if (served == null) return new RRsetState(key, ServerState.MATCH, null, "");
            return new RRsetState(key, ServerState.STALE, served, "still serves " + show(served) + "; expected it gone");
        }
        if (served == null) {
            // NXDOMAIN/NODATA where data is expected: "not yet" (DOMAIN.md), e.g. a name created at the swap.
            return new RRsetState(key, ServerState.NOT_YET, null, key.name() + " " + key.type() + ": " + absent
                    + "; expected " + show(want));
        }
        // Record.equals compares canonical wire data (case of names, order, spelling do not matter) and ignores TTL.
        if (!new HashSet<>(recs).equals(w.records())) {
            return new RRsetState(key, ServerState.STALE, served, key.name() + " " + key.type() + " serves "
                    + show(served) + "; expected " + show(want));
        }
        return new RRsetState(key, ServerState.STALE, served, key.name() + " " + key.type() + " TTL " + served.ttl()
                + ", expected " + want.ttl());
    }

    static String show(RRset s) {
        String data = String.join(", ", s.rdata());
        if (data.length() > 120) data = data.substring(0, 117) + "...";
        return data + " TTL " + s.ttl();
    }
}
