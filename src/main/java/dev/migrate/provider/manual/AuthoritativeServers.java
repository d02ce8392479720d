package dev.migrate.provider.manual;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderException;
import dev.migrate.provider.ProviderException.Kind;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;

/**
 * A zone's authoritative servers, asked without credentials: each address directly with RD=0 and the AA
 * bit required (DOMAIN.md), or the whole zone by an unsigned AXFR where a server allows one (RFC 5936).
 * Addresses come from the plan, or are looked up through the plan's resolvers (the zone's NS RRset, then
 * each name's A and AAAA): never through the system resolver.
 */
final class AuthoritativeServers {
    private static final int TRIES = 2;
    private static final int EDNS_PAYLOAD = 1232;

    /** One address's answer about one RRset: the RRset (null: none), or why there is no usable answer. */
    record Served(RRset rrset, String problem) {
        boolean usable() {
            return problem == null;
        }
    }

    private final ManualSettings settings;
    private final Map<String, List<InetSocketAddress>> discovered = new ConcurrentHashMap<>();
    /** Addresses that refused a transfer of a zone: asked name by name from then on. */
    private final Set<String> refusesTransfer = ConcurrentHashMap.newKeySet();

    AuthoritativeServers(ManualSettings settings) {
        this.settings = settings;
    }

    /** The addresses to read and watch for {@code zone}. */
    List<InetSocketAddress> addresses(String zone) throws ProviderException {
        if (!settings.nameservers().isEmpty()) return settings.nameservers();
        List<InetSocketAddress> known = discovered.get(zone);
        if (known != null) return known;
        List<InetSocketAddress> found = discover(zone);
        discovered.put(zone, found);
        return found;
    }

    /** The SOA serial {@code address} serves for the zone, or -1 with no usable answer. */
    long serial(InetSocketAddress address, String zone) {
        Served s = served(address, zone, new RRsetKey(zone, "SOA"));
        if (!s.usable() || s.rrset() == null) return -1;
        return Long.parseLong(s.rrset().rdata().get(0).split("\\s+")[2]);
    }

    /** What {@code address} itself serves for one RRset (RD=0, AA required). */
    Served served(InetSocketAddress address, String zone, RRsetKey key) {
        Name name = Names.toName(key.name());
        int type = Type.value(key.type());
        Message m;
        try {
            m = send(address, name, type, false);
        } catch (IOException e) {
            return new Served(null, "unreachable (" + describe(e) + ")");
        }
        int rcode = m.getRcode(); // check it on every response (DOMAIN.md pitfalls)
        if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) return new Served(null, "answered " + Rcode.string(rcode));
        if (!m.getHeader().getFlag(Flags.AA)) {
            return new Served(null, "not authoritative for " + zone + " (no AA bit)");
        }
        List<Record> recs = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r.getType() == type && r.getName().equals(name)) recs.add(r);
        }
        return new Served(recs.isEmpty() ? null : ZoneSnapshot.fromRecords(zone, recs).get(key), null);
    }

    /** The whole zone by an unsigned AXFR, or null when the address does not allow it. */
    ZoneSnapshot transfer(InetSocketAddress address, String zone) throws ProviderException {
        String id = ManualSettings.show(address) + " " + zone;
        if (refusesTransfer.contains(id)) return null;
        ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Names.toName(zone), address, null);
        xfr.setTimeout(settings.queryTimeout().multipliedBy(5));
        try {
            xfr.run();
            ZoneSnapshot snap = ZoneSnapshot.fromRecords(zone, xfr.getAXFR());
            if (snap.soa() == null) {
                refusesTransfer.add(id);
                return null;
            }
            return snap;
        } catch (ZoneTransferException e) {
            // REFUSED or NOTAUTH: transfers are for the secondaries only, as is usual. Ask name by name.
            refusesTransfer.add(id);
            return null;
        } catch (IOException e) {
            throw new ProviderException(Kind.UNREACHABLE, ManualSettings.show(address) + ": the zone transfer of " + zone
                    + " failed: " + describe(e));
        }
    }

    /** The zone's NS RRset from the plan's resolvers, then every address of every name (RD=1). */
    private List<InetSocketAddress> discover(String zone) throws ProviderException {
        if (settings.resolvers().isEmpty()) {
            throw new ProviderException(Kind.INVALID, "provider manual: no authoritative addresses for " + zone
                    + ": list them under nameservers: (in the provider block or the plan), or list resolvers: to look"
                    + " up the zone's NS records");
        }
        Set<Name> hosts = new LinkedHashSet<>();
        for (Record r : ask(zone, Names.toName(zone), Type.NS)) {
            if (r instanceof NSRecord ns) hosts.add(ns.getTarget());
        }
        if (hosts.isEmpty()) {
            throw new ProviderException(Kind.NOT_FOUND, "provider manual: the resolvers know no NS records for " + zone
                    + "; list its addresses under nameservers:");
        }
        List<InetSocketAddress> out = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Name host : hosts) {
            int before = out.size();
            for (int type : new int[] {Type.A, Type.AAAA}) {
                for (Record r : ask(zone, host, type)) {
                    if (r instanceof ARecord a) out.add(new InetSocketAddress(a.getAddress(), ManualSettings.DNS_PORT));
                    if (r instanceof AAAARecord a) out.add(new InetSocketAddress(a.getAddress(), ManualSettings.DNS_PORT));
                }
            }
            if (out.size() == before) missing.add(host.toString());
        }
        if (!missing.isEmpty()) {
            // A nameserver we cannot find is one we cannot watch: fail rather than wait on fewer addresses.
            throw new ProviderException(Kind.NOT_FOUND, "provider manual: cannot find the address of nameserver "
                    + String.join(", ", missing) + " of " + zone + "; list the addresses under nameservers:");
        }
        return List.copyOf(out);
    }

    /** The answer records of the first resolver that answers NOERROR (the others are fallbacks). */
    private List<Record> ask(String zone, Name name, int type) throws ProviderException {
        String why = "no resolver answered";
        for (InetSocketAddress r : settings.resolvers()) {
            try {
                Message m = send(r, name, type, true);
                if (m.getRcode() == Rcode.NOERROR) {
                    return m.getSection(Section.ANSWER).stream().filter(x -> x.getType() == type).toList();
                }
                why = ManualSettings.show(r) + " answered " + Rcode.string(m.getRcode());
                if (m.getRcode() == Rcode.NXDOMAIN) break;
            } catch (IOException e) {
                why = ManualSettings.show(r) + ": " + describe(e);
            }
        }
        throw new ProviderException(Kind.UNREACHABLE, "provider manual: looking up " + name + " " + Type.string(type)
                + " for zone " + zone + ": " + why);
    }

    /** One query to an address (never a name: SimpleResolver would look it up, DOMAIN.md), a few tries. */
    private Message send(InetSocketAddress to, Name name, int type, boolean rd) throws IOException {
        SimpleResolver r = new SimpleResolver(to);
        r.setTimeout(settings.queryTimeout());
        r.setEDNS(0, EDNS_PAYLOAD, 0, List.of());
        IOException last = null;
        for (int i = 0; i < TRIES; i++) {
            // A fresh query, so a fresh ID, for each try; dnsjava retries over TCP when the answer is truncated.
            Message q = Message.newQuery(Record.newRecord(name, type, DClass.IN));
            if (!rd) q.getHeader().unsetFlag(Flags.RD); // Message.newQuery sets RD (DOMAIN.md pitfalls)
            try {
                return r.send(q);
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    static String describe(IOException e) {
        if (e instanceof java.net.SocketTimeoutException) return "no answer in time";
        if (e instanceof java.net.PortUnreachableException) return "port unreachable";
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
