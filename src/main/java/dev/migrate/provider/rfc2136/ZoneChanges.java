package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.Rdata;
import dev.migrate.dns.ZoneSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Brings a zone held in memory up to date with the changes an IXFR lists (RFC 1995 §4). Pure. Records
 * are deleted by their data whatever their TTL; an RRset whose records end up with different TTLs takes
 * the lowest (RFC 2181 §5.2), as a transfer of the whole zone would give it.
 */
final class ZoneChanges {
    private ZoneChanges() {}

    /**
     * The zone after the changes, or null when they do not fit what is held (the first change does not
     * start at the held serial, or deletes a record the zone does not have): the caller then reads the
     * whole zone instead of trusting either.
     */
    static ZoneSnapshot apply(ZoneSnapshot held, TransferReader.Changes changes) {
        String zone = held.zone();
        if (changes.differences().isEmpty()
                || changes.differences().get(0).from().getSerial() != held.serial()) {
            return null;
        }
        // Per RRset touched: record data -> TTL, starting from what is held.
        Map<RRsetKey, Map<String, Long>> touched = new TreeMap<>();
        for (TransferReader.Difference d : changes.differences()) {
            for (Record r : d.deleted()) {
                Map<String, Long> records = records(held, touched, key(r));
                if (records.remove(Rdata.text(r)) == null) return null;
            }
            for (Record r : d.added()) {
                records(held, touched, key(r)).put(Rdata.text(r), r.getTTL());
            }
        }
        List<RRsetChange> out = new ArrayList<>();
        for (Map.Entry<RRsetKey, Map<String, Long>> e : touched.entrySet()) {
            RRsetKey k = e.getKey();
            RRset before = held.get(k);
            RRset after = null;
            if (!e.getValue().isEmpty()) {
                long ttl = e.getValue().values().stream().mapToLong(Long::longValue).min().orElseThrow();
                after = new RRset(k.name(), k.type(), ttl, new ArrayList<>(e.getValue().keySet()));
            }
            if (before != null || after != null) out.add(new RRsetChange(zone, k, before, after));
        }
        SOARecord end = changes.end();
        RRset soa = new RRset(Names.canonical(zone), "SOA", end.getTTL(), List.of(Rdata.text(end)));
        out.add(new RRsetChange(zone, soa.key(), held.soa(), soa));
        return held.with(out);
    }

    private static RRsetKey key(Record r) {
        return new RRsetKey(r.getName().toString(), Type.string(r.getType()));
    }

    private static Map<String, Long> records(ZoneSnapshot held, Map<RRsetKey, Map<String, Long>> touched, RRsetKey k) {
        return touched.computeIfAbsent(k, x -> {
            Map<String, Long> m = new LinkedHashMap<>();
            RRset s = held.get(x);
            if (s != null) for (String d : s.rdata()) m.put(d, s.ttl());
            return m;
        });
    }
}
