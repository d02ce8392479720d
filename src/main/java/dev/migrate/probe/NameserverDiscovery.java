package dev.migrate.probe;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.HostPort;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Propagation;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Address;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Finds every authoritative address of each zone of a plan (DOMAIN.md: every IPv4 and IPv6 address of
 * every NS name, not one address per name as lego does):
 * <ol>
 *   <li>the plan's {@code nameservers:} list when given (the lab, or servers not yet in the NS RRset);</li>
 *   <li>else the zone's NS RRset as the provider holds it, each name's A and AAAA taken from the snapshot
 *       when the name is inside the zone (glue), else asked of the plan's {@code resolvers:} with RD=1.</li>
 * </ol>
 * Never {@code InetAddress.getByName} on a name: the JVM caches answers (and negative ones) for its own
 * idea of how long, and the check would see that instead of the DNS.
 */
public final class NameserverDiscovery {
    private NameserverDiscovery() {}

    public static final int DNS_PORT = 53;

    public static Map<String, List<NameServer>> discover(Plan plan, Map<String, ZoneSnapshot> live) throws ProbeException {
        Propagation p = plan.propagation();
        if ("provider".equals(p.via())) {
            throw new ProbeException("the plan confirms through the provider (propagation.via: provider); there are no"
                    + " nameservers to query: list them under nameservers: and set via: auto or nameservers");
        }
        Map<String, List<NameServer>> out = new LinkedHashMap<>();
        if (!p.nameservers().isEmpty()) {
            for (String zone : plan.zones()) {
                List<NameServer> list = new ArrayList<>();
                for (String a : p.nameservers()) {
                    InetSocketAddress addr = literal(a, DNS_PORT);
                    list.add(new NameServer(Names.canonical(zone), new NameServer(zone, "", addr).addressText(), addr));
                }
                out.put(Names.canonical(zone), List.copyOf(list));
            }
            return out;
        }
        if ("nameservers".equals(p.via())) {
            throw new ProbeException("propagation.via is 'nameservers' but the plan lists no nameservers:");
        }
        for (String zone : plan.zones()) {
            String z = Names.canonical(zone);
            ZoneSnapshot snap = live.get(z);
            if (snap == null) snap = live.get(zone);
            if (snap == null) throw new ProbeException("no live copy of zone " + z + " to read its NS RRset from");
            out.put(z, fromNs(snap, p));
        }
        return out;
    }

    static List<NameServer> fromNs(ZoneSnapshot snap, Propagation p) throws ProbeException {
        String zone = snap.zone();
        RRset ns = snap.get(zone, "NS");
        if (ns == null) {
            throw new ProbeException("zone " + zone + " has no NS RRset at its apex: list its servers under nameservers:");
        }
        List<NameServer> list = new ArrayList<>();
        List<String> outside = new ArrayList<>();
        for (String target : ns.rdata()) {
            String host = Names.canonical(target);
            List<InetAddress> glue = new ArrayList<>();
            if (Names.inZone(host, zone)) {
                for (String type : List.of("A", "AAAA")) {
                    RRset s = snap.get(host, type);
                    if (s != null) for (String d : s.rdata()) glue.add(parseLiteral(d));
                }
            }
            if (glue.isEmpty()) outside.add(host);
            for (InetAddress a : glue) list.add(new NameServer(zone, host, new InetSocketAddress(a, DNS_PORT)));
        }
        if (!outside.isEmpty()) list.addAll(askResolvers(zone, outside, p));
        if (list.isEmpty()) throw new ProbeException("no address found for any nameserver of " + zone);
        return List.copyOf(list);
    }

    /**
     * The addresses to ask for {@code zone} on servers the zone is not delegated to yet (a provider move's new
     * nameservers): {@code listed} ({@code IP[:port]}) when given, else every A and AAAA of {@code names}
     * from the plan's resolvers.
     */
    public static List<NameServer> addresses(String zone, List<String> names, List<String> listed, Propagation p)
            throws ProbeException {
        String z = Names.canonical(zone);
        if (!listed.isEmpty()) {
            List<NameServer> out = new ArrayList<>();
            for (String a : listed) {
                InetSocketAddress addr = literal(a, DNS_PORT);
                out.add(new NameServer(z, new NameServer(z, "", addr).addressText(), addr));
            }
            return List.copyOf(out);
        }
        return List.copyOf(askResolvers(z, names.stream().map(Names::canonical).toList(), p));
    }

    /** Names outside the zone (or without glue): A and AAAA from the plan's resolvers, RD=1. */
    static List<NameServer> askResolvers(String zone, List<String> hosts, Propagation p) throws ProbeException {
        if (p.resolvers().isEmpty()) {
            throw new ProbeException("nameserver" + (hosts.size() == 1 ? " " : "s ") + String.join(", ", hosts) + " of " + zone
                    + " have no address in the zone; list resolvers: in the plan to look them up, or the addresses under"
                    + " nameservers:");
        }
        List<InetSocketAddress> resolvers = p.resolvers().stream().map(r -> literal(r, DNS_PORT)).toList();
        List<NameServer> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        try (DnsQueries dns = new DnsQueries(p.queryTimeout(), p.tries(), 32)) {
            for (String host : hosts) {
                Set<InetAddress> found = new LinkedHashSet<>();
                String why = null;
                for (int type : new int[] {Type.A, Type.AAAA}) {
                    // The first resolver that answers NOERROR decides; the others are fallbacks.
                    for (InetSocketAddress r : resolvers) {
                        DnsQueries.Reply reply = join(dns.query(r, Names.toName(host), type, true));
                        if (!reply.answered()) {
                            why = "resolver " + r + ": " + reply.failure();
                            continue;
                        }
                        if (reply.message().getRcode() != Rcode.NOERROR) {
                            why = "resolver " + r + " answered " + Rcode.string(reply.message().getRcode());
                            if (reply.message().getRcode() == Rcode.NXDOMAIN) break;
                            continue;
                        }
                        for (Record rec : reply.message().getSection(Section.ANSWER)) {
                            if (rec instanceof ARecord a) found.add(a.getAddress());
                            if (rec instanceof AAAARecord a) found.add(a.getAddress());
                        }
                        break;
                    }
                }
                if (found.isEmpty()) problems.add(host + " (" + (why == null ? "no A or AAAA records" : why) + ")");
                for (InetAddress a : found) out.add(new NameServer(zone, host, new InetSocketAddress(a, DNS_PORT)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProbeException("interrupted while looking up the nameservers of " + zone);
        }
        if (!problems.isEmpty()) {
            // A nameserver we cannot find is one we cannot check: fail rather than confirm on fewer addresses.
            throw new ProbeException("cannot find the address of nameserver " + String.join(", ", problems) + " of " + zone
                    + "; list its addresses under nameservers:");
        }
        return out;
    }

    private static DnsQueries.Reply join(CompletableFuture<DnsQueries.Reply> f) throws InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return new DnsQueries.Reply(null, String.valueOf(e.getCause()));
        }
    }

    /** "127.0.0.1:5301", "[::1]:53", "192.0.2.1" as a socket address, parsed, never looked up. */
    public static InetSocketAddress literal(String hostPort, int defaultPort) {
        HostPort hp = HostPort.parse(hostPort, defaultPort);
        if (hp == null) throw new IllegalArgumentException("'" + hostPort + "' is not an address with an optional port");
        return new InetSocketAddress(parseLiteral(hp.host()), hp.port());
    }

    static InetAddress parseLiteral(String ip) {
        try {
            return Address.getByAddress(ip); // literal only: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + ip + "' is not an IP address");
        }
    }
}
