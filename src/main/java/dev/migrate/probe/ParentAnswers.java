package dev.migrate.probe;

import dev.migrate.dns.Names;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Pure: what a parent-zone server's answers to {@code CHILD NS} and {@code CHILD DS} (both RD=0) say about
 * the delegation. DOMAIN.md ("Delegation moves"): the delegation is in the AUTHORITY section with AA=0 and
 * glue in ADDITIONAL; the DS is the parent's own data, answered with authority.
 */
final class ParentAnswers {
    private ParentAnswers() {}

    static ParentView classify(NameServer server, String zone, Set<String> oldSet, Set<String> newSet,
            DnsQueries.Reply ns, DnsQueries.Reply ds) {
        String child = Names.canonical(zone);
        ParentView.Ds dsView = ds(child, ds);
        if (!ns.answered()) return view(server, ParentView.State.UNREACHABLE, dsView, ns.failure());
        Message m = ns.message();
        int rcode = m.getRcode(); // check it on every response (DOMAIN.md pitfalls)
        if (rcode == Rcode.REFUSED || rcode == Rcode.NOTAUTH) {
            return view(server, ParentView.State.REFUSED, dsView, "answered " + Rcode.string(rcode));
        }
        if (rcode == Rcode.NXDOMAIN) {
            return view(server, ParentView.State.NONE, dsView, "NXDOMAIN: the parent has no name " + child);
        }
        if (rcode != Rcode.NOERROR) return view(server, ParentView.State.ERROR, dsView, "answered " + Rcode.string(rcode));
        boolean aa = m.getHeader().getFlag(Flags.AA);
        Name childName = Names.toName(child);
        List<Record> nsRecords = records(m, aa ? Section.ANSWER : Section.AUTHORITY, childName, Type.NS);
        String detail = "";
        if (nsRecords.isEmpty()) {
            if (aa) return view(server, ParentView.State.NONE, dsView, "the parent zone has no NS RRset for " + child);
            List<String> elsewhere = new ArrayList<>();
            for (Record r : m.getSection(Section.AUTHORITY)) {
                if (r.getType() == Type.NS && !elsewhere.contains(r.getName().toString())) elsewhere.add(r.getName().toString());
            }
            return view(server, ParentView.State.LAME, dsView, elsewhere.isEmpty()
                    ? "answered without authority and without a delegation for " + child
                    : "not a server of the parent zone: it refers to " + String.join(", ", elsewhere));
        }
        if (aa) detail = "answers for " + child + " itself (the parent's server also serves the child zone)";
        Set<String> served = new TreeSet<>();
        long ttl = Long.MAX_VALUE;
        for (Record r : nsRecords) {
            served.add(Names.canonical(r.rdataToString()));
            ttl = Math.min(ttl, r.getTTL()); // RFC 2181 §5.2: the lowest counts
        }
        Map<String, List<String>> glue = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (String name : served) {
            List<String> addrs = new ArrayList<>();
            Name n = Names.toName(name);
            for (Record r : m.getSection(Section.ADDITIONAL)) {
                if ((r.getType() == Type.A || r.getType() == Type.AAAA) && r.getName().equals(n)) addrs.add(r.rdataToString());
            }
            if (!addrs.isEmpty()) glue.put(name, addrs);
            // RFC 1034 §4.2.1: a nameserver named inside the zone it serves is found only through glue.
            else if (Names.inZone(name, child) && !aa) missing.add(name);
        }
        return new ParentView(server, state(served, oldSet, newSet), List.copyOf(served), ttl, glue, missing, dsView, detail);
    }

    /** The served NS set against the old and new sets. */
    static ParentView.State state(Set<String> served, Set<String> oldSet, Set<String> newSet) {
        if (served.equals(newSet)) return ParentView.State.NEW;
        if (served.equals(oldSet)) return ParentView.State.OLD;
        Set<String> inNew = new HashSet<>(served);
        inNew.retainAll(newSet);
        Set<String> inOld = new HashSet<>(served);
        inOld.retainAll(oldSet);
        if (!inNew.isEmpty() && !inOld.isEmpty()) return ParentView.State.MIXED;
        return ParentView.State.OTHER;
    }

    static ParentView.Ds ds(String child, DnsQueries.Reply r) {
        if (!r.answered()) return ParentView.Ds.unknown("DS: " + r.failure());
        Message m = r.message();
        int rcode = m.getRcode();
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) return ParentView.Ds.unknown("DS: answered " + Rcode.string(rcode));
        if (!m.getHeader().getFlag(Flags.AA)) return ParentView.Ds.unknown("DS: answered without authority");
        List<Record> recs = records(m, Section.ANSWER, Names.toName(child), Type.DS);
        if (recs.isEmpty()) return ParentView.Ds.absent();
        long ttl = Long.MAX_VALUE;
        List<String> data = new ArrayList<>();
        for (Record x : recs) {
            ttl = Math.min(ttl, x.getTTL());
            data.add(x.rdataToString());
        }
        return new ParentView.Ds(ParentView.Ds.Status.PRESENT, ttl, data, "");
    }

    private static ParentView view(NameServer server, ParentView.State state, ParentView.Ds ds, String detail) {
        return new ParentView(server, state, List.of(), -1, Map.of(), List.of(), ds, detail);
    }

    private static List<Record> records(Message m, int section, Name name, int type) {
        List<Record> out = new ArrayList<>();
        for (Record r : m.getSection(section)) if (r.getType() == type && r.getName().equals(name)) out.add(r);
        return out;
    }
}
