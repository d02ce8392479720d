package dev.migrate.provider.sandbox;

import dev.migrate.dns.Names;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * One zone in the form a nameserver answers from: dnsjava RRsets by owner and type, the set of names
 * that exist (owners and every ancestor down to the apex, so empty non-terminals exist), and the SOA
 * as it goes into the authority section of negative answers. Immutable; built once per publication and
 * shared by every server that publishes it.
 */
final class ServedZone {
    private final ZoneSnapshot snapshot;
    private final Name origin;
    private final Map<Name, Map<Integer, RRset>> nodes;
    private final Set<Name> existing;
    private final RRset negativeSoa;

    private ServedZone(ZoneSnapshot snapshot, Name origin, Map<Name, Map<Integer, RRset>> nodes,
            Set<Name> existing, RRset negativeSoa) {
        this.snapshot = snapshot;
        this.origin = origin;
        this.nodes = nodes;
        this.existing = existing;
        this.negativeSoa = negativeSoa;
    }

    static ServedZone of(ZoneSnapshot snapshot) {
        if (snapshot.soa() == null) {
            // Without an SOA there is nothing to put in the authority section of a negative answer
            // (RFC 2308 §3), and no serial for the probes to poll.
            throw new IllegalArgumentException("zone " + snapshot.zone() + " has no SOA at its apex");
        }
        Name origin = Names.toName(snapshot.zone());
        Map<Name, Map<Integer, RRset>> nodes = new HashMap<>();
        Set<Name> existing = new HashSet<>();
        for (dev.migrate.dns.RRset set : snapshot.rrsets()) {
            RRset wire = new RRset();
            for (Record r : Rdata.toRecords(set)) wire.addRR(r);
            Name owner = wire.getName();
            if (!owner.subdomain(origin)) {
                throw new IllegalArgumentException(set.name() + " is outside zone " + snapshot.zone());
            }
            nodes.computeIfAbsent(owner, n -> new HashMap<>()).put(wire.getType(), wire);
            // An owner's ancestors exist too, even without records of their own: they are empty
            // non-terminals, and a query for one gets NODATA, not NXDOMAIN (RFC 8020 §2, RFC 4592 §2.2.2).
            for (Name n = owner; n.labels() >= origin.labels(); n = parent(n)) {
                if (!existing.add(n)) break;
            }
        }
        dev.migrate.dns.RRset soa = snapshot.soa();
        // RFC 2308 §3: the SOA in a negative answer carries min(SOA TTL, SOA MINIMUM), which is how long
        // the negative answer may be cached.
        RRset negative = new RRset();
        for (Record r : Rdata.toRecords(soa.withTtl(snapshot.negativeTtl()))) negative.addRR(r);
        Map<Name, Map<Integer, RRset>> frozen = new HashMap<>();
        nodes.forEach((k, v) -> frozen.put(k, Map.copyOf(v)));
        return new ServedZone(snapshot, origin, Collections.unmodifiableMap(frozen),
                Collections.unmodifiableSet(existing), negative);
    }

    static Name parent(Name n) {
        return new Name(n, 1);
    }

    ZoneSnapshot snapshot() {
        return snapshot;
    }

    Name origin() {
        return origin;
    }

    /** The RRsets at a name, by type; empty when the name owns no records. */
    Map<Integer, RRset> at(Name name) {
        Map<Integer, RRset> m = nodes.get(name);
        return m == null ? Map.of() : m;
    }

    RRset get(Name name, int type) {
        return at(name).get(type);
    }

    /** True for owners and empty non-terminals. */
    boolean exists(Name name) {
        return existing.contains(name);
    }

    RRset negativeSoa() {
        return negativeSoa;
    }

    /**
     * The highest zone cut at or above {@code name} and below the apex: a name other than the apex that
     * owns NS records. Data at or below it belongs to the child zone (RFC 1034 §4.2.1, §4.3.2 step 3b).
     */
    Name cutAbove(Name name) {
        Name found = null;
        for (Name n = name; n.labels() > origin.labels(); n = parent(n)) {
            if (get(n, Type.NS) != null) found = n;
        }
        return found;
    }
}
