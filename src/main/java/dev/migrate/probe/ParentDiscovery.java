package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.plan.Propagation;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Finds the servers of a zone's parent zone, to ask them about the delegation: the plan's list of
 * addresses ({@code move.parent: [IP:port, ...]}), or, with {@code auto}, through the plan's resolvers
 * (RD=1; never the system resolver, DOMAIN.md): the zone that holds the name one label up (the owner of
 * the SOA in the answer, or in the authority section of a negative answer, RFC 2308 §3), its NS RRset, and
 * every A and AAAA of each NS name.
 */
public final class ParentDiscovery {
    private ParentDiscovery() {}

    /**
     * @param listed the parent's addresses as {@code IP[:port]}; empty means find them ({@code auto})
     * @throws ProbeException when they cannot be found; the message says what to put in the plan
     */
    public static List<NameServer> find(String zone, List<String> listed, Propagation p) throws ProbeException {
        String child = Names.canonical(zone);
        if (child.equals(".")) throw new ProbeException("the root zone has no parent");
        String up = child.substring(child.indexOf('.') + 1);
        String above = up.isEmpty() ? "." : up;
        if (!listed.isEmpty()) {
            List<NameServer> out = new ArrayList<>();
            for (String a : listed) {
                InetSocketAddress addr = NameserverDiscovery.literal(a, NameserverDiscovery.DNS_PORT);
                out.add(new NameServer(above, new NameServer(above, "", addr).addressText(), addr));
            }
            return List.copyOf(out);
        }
        if (p.resolvers().isEmpty()) {
            throw new ProbeException("cannot find the parent zone's servers of " + child + ": list resolvers: in the plan"
                    + " to look them up, or the parent's addresses under move.parent");
        }
        List<InetSocketAddress> resolvers = p.resolvers().stream()
                .map(r -> NameserverDiscovery.literal(r, NameserverDiscovery.DNS_PORT)).toList();
        try (DnsQueries dns = new DnsQueries(p.queryTimeout(), p.tries(), 8)) {
            Message soa = ask(dns, resolvers, above, Type.SOA);
            String parent = soaOwner(soa);
            if (parent == null) {
                throw new ProbeException("the resolvers name no zone holding " + above + " (no SOA in the answer to"
                        + " " + above + " SOA): list the parent's addresses under move.parent");
            }
            List<String> names = new ArrayList<>();
            for (Record r : Answers.records(ask(dns, resolvers, parent, Type.NS), Names.toName(parent), Type.NS)) {
                names.add(Names.canonical(r.rdataToString()));
            }
            if (names.isEmpty()) throw new ProbeException("the resolvers give no NS RRset for the parent zone " + parent);
            return List.copyOf(NameserverDiscovery.askResolvers(parent, names, p));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeException("interrupted while looking for the parent zone of " + child);
        }
    }

    /** The zone an answer comes from: its SOA's owner, in ANSWER or (a negative answer) AUTHORITY. */
    static String soaOwner(Message m) {
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (Record r : m.getSection(section)) if (r instanceof SOARecord) return Names.canonical(r.getName().toString());
        }
        return null;
    }

    /** The first resolver's answer that is NOERROR or NXDOMAIN; the others are fallbacks. */
    private static Message ask(DnsQueries dns, List<InetSocketAddress> resolvers, String name, int type)
            throws ProbeException, InterruptedException {
        List<String> why = new ArrayList<>();
        for (InetSocketAddress r : resolvers) {
            DnsQueries.Reply reply;
            try {
                reply = dns.query(r, Names.toName(name), type, true).get();
            } catch (ExecutionException e) {
                reply = new DnsQueries.Reply(null, String.valueOf(e.getCause()));
            }
            if (!reply.answered()) {
                why.add("resolver " + r + ": " + reply.failure());
                continue;
            }
            int rcode = reply.message().getRcode();
            if (rcode == Rcode.NOERROR || rcode == Rcode.NXDOMAIN) return reply.message();
            why.add("resolver " + r + " answered " + Rcode.string(rcode));
        }
        throw new ProbeException("no resolver answered " + name + " " + Type.string(type) + ": " + String.join("; ", why));
    }
}
