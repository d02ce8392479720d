package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Pure: where in an answer an authoritative server puts each RRset of a zone, and what one answer says
 * about one RRset. A server answers its own data with the AA bit; at a zone cut inside the zone it answers
 * with a referral instead (RFC 1034 §4.3.2: AA=0, the cut's NS RRset in AUTHORITY, glue in ADDITIONAL);
 * data below a cut other than glue is never served (occluded).
 */
final class ZoneAnswers {
    private ZoneAnswers() {}

    /** Where the RRset appears in a server's answer to a query for it. */
    enum Where {
        /** In ANSWER, with AA=1. */
        AUTHORITATIVE,
        /** The NS RRset of a zone cut below the apex: in AUTHORITY of a referral (AA=0). */
        DELEGATION,
        /** An address of a delegation's nameserver below the cut: in ADDITIONAL of the referral. */
        GLUE
    }

    /** One RRset to compare, parsed once for every address. */
    record Wanted(RRset rrset, Where where, Name name, int type, Set<Record> records, byte[] query) {
        static Wanted of(RRset s, Where where) {
            Name name = Names.toName(s.name());
            int type = Type.value(s.type());
            return new Wanted(s, where, name, type, new HashSet<>(Rdata.toRecords(s)), DnsQueries.wire(name, type, false));
        }

        RRsetKey key() {
            return rrset.key();
        }
    }

    /**
     * The RRsets as queries: each with where its answer comes, and those no server serves at all (occluded
     * by a zone cut: they are kept in the zone but never answered, RFC 1034 §4.2.1).
     */
    record Layout(List<Wanted> wanted, List<RRsetKey> occluded) {}

    static Layout layout(String zone, Collection<RRset> sets) {
        String apex = Names.canonical(zone);
        Set<String> cuts = new HashSet<>();
        Set<String> nsTargets = new HashSet<>();
        for (RRset s : sets) {
            if (s.type().equals("NS") && !s.name().equals(apex)) {
                cuts.add(s.name());
                for (String t : s.rdata()) nsTargets.add(Names.canonical(t));
            }
        }
        List<Wanted> wanted = new ArrayList<>();
        List<RRsetKey> occluded = new ArrayList<>();
        for (RRset s : sets) {
            String cut = cuts.isEmpty() ? null : cutAtOrAbove(s.name(), apex, cuts);
            Where where;
            if (cut == null) {
                where = Where.AUTHORITATIVE;
            } else if (cut.equals(s.name())) {
                // RFC 4035 §2.4: the DS of a cut is the parent side's own, authoritative data.
                where = s.type().equals("NS") ? Where.DELEGATION : s.type().equals("DS") ? Where.AUTHORITATIVE : null;
            } else {
                where = (s.type().equals("A") || s.type().equals("AAAA")) && nsTargets.contains(s.name()) ? Where.GLUE : null;
            }
            if (where == null) occluded.add(s.key());
            else wanted.add(Wanted.of(s, where));
        }
        return new Layout(List.copyOf(wanted), List.copyOf(occluded));
    }

    /** The closest zone cut at or above {@code name}, below the apex; null when there is none. */
    private static String cutAtOrAbove(String name, String apex, Set<String> cuts) {
        String n = name;
        while (!n.equals(apex) && n.length() > apex.length()) {
            if (cuts.contains(n)) return n;
            int dot = n.indexOf('.');
            if (dot < 0 || dot == n.length() - 1) return null;
            n = n.substring(dot + 1);
        }
        return null;
    }

    /** The SOA query's verdict on an address as a whole, or null when it is usable. */
    static Difference wholeAddress(NameServer server, DnsQueries.Reply soaReply, String zone) {
        Answers.Soa soa = Answers.soa(soaReply, zone);
        if (soa.state() == ServerState.MATCH) return null;
        return new Difference(server, null, kind(soa.state()), null, null, soa.detail());
    }

    private static Difference.Kind kind(ServerState s) {
        return switch (s) {
            case UNREACHABLE -> Difference.Kind.UNREACHABLE;
            case REFUSED -> Difference.Kind.REFUSED;
            case LAME -> Difference.Kind.NOT_AUTHORITATIVE;
            default -> Difference.Kind.ERROR;
        };
    }

    /** What one answer says about one RRset; null when the address serves exactly the RRset (data and TTL). */
    static Difference classify(NameServer server, Wanted w, DnsQueries.Reply reply) {
        RRset want = w.rrset();
        if (!reply.answered()) return new Difference(server, w.key(), Difference.Kind.UNREACHABLE, want, null, reply.failure());
        Message m = reply.message();
        int rcode = m.getRcode(); // check it on every response (DOMAIN.md pitfalls)
        if (rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH) {
            return new Difference(server, w.key(), Difference.Kind.REFUSED, want, null, "answered " + Rcode.string(rcode));
        }
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
            return new Difference(server, w.key(), Difference.Kind.ERROR, want, null, "answered " + Rcode.string(rcode));
        }
        boolean aa = m.getHeader().getFlag(Flags.AA);
        List<Record> recs;
        switch (w.where()) {
            case AUTHORITATIVE -> {
                if (!aa) {
                    return new Difference(server, w.key(), Difference.Kind.NOT_AUTHORITATIVE, want, null,
                            "answered without the AA bit (a referral or a cache, not the zone's own data)");
                }
                recs = records(m, Section.ANSWER, w);
            }
            // A server that also holds the child zone answers the cut with authority instead of a referral.
            case DELEGATION -> recs = aa ? records(m, Section.ANSWER, w) : records(m, Section.AUTHORITY, w);
            default -> {
                recs = records(m, Section.ADDITIONAL, w);
                if (recs.isEmpty() && aa) recs = records(m, Section.ANSWER, w);
            }
        }
        if (recs.isEmpty()) {
            String absent = switch (w.where()) {
                case AUTHORITATIVE -> rcode == Rcode.NXDOMAIN ? "NXDOMAIN" : "no " + want.type() + " records (NODATA)";
                case DELEGATION -> "no delegation (no NS RRset in the referral)";
                case GLUE -> "no glue for it in the referral";
            };
            return new Difference(server, w.key(), Difference.Kind.MISSING, want, null, absent + "; expected " + Answers.show(want));
        }
        RRset served = served(want, recs);
        // Record.equals compares canonical wire data (case of names, order, spelling do not matter), not TTL.
        if (!new HashSet<>(recs).equals(w.records())) {
            return new Difference(server, w.key(), Difference.Kind.DIFFERENT_DATA, want, served,
                    "serves " + Answers.show(served) + "; expected " + Answers.show(want));
        }
        if (served.ttl() != want.ttl()) {
            return new Difference(server, w.key(), Difference.Kind.DIFFERENT_TTL, want, served,
                    "TTL " + served.ttl() + ", expected " + want.ttl());
        }
        return null;
    }

    private static List<Record> records(Message m, int section, Wanted w) {
        List<Record> out = new ArrayList<>();
        for (Record r : m.getSection(section)) {
            if (r.getType() == w.type() && r.getName().equals(w.name())) out.add(r);
        }
        return out;
    }

    private static RRset served(RRset want, List<Record> recs) {
        long ttl = Long.MAX_VALUE;
        List<String> data = new ArrayList<>(recs.size());
        for (Record r : recs) {
            ttl = Math.min(ttl, r.getTTL()); // RFC 2181 §5.2: the lowest counts
            data.add(r.rdataToString());
        }
        return RRset.of(want.name(), want.type(), ttl, data);
    }
}
