package dev.migrate.provider.rfc2136;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.Rdata;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Turns RRset changes into RFC 2136 UPDATE messages. Pure: no network.
 *
 * <p>Each message carries, for every change, a prerequisite that is its before-image (§2.4.2 "RRset
 * exists (value dependent)": the exact records, TTL 0; or §2.4.3 "RRset does not exist" for a creation),
 * so the server applies the whole message or none of it (§3.7) and only while nobody else has changed
 * those RRsets. The updates then delete each old RRset and add the new records. {@code Update.replace(Record[])}
 * is not used: it keeps only the last record (DOMAIN.md).
 */
final class UpdateMessages {
    /** A DNS message over TCP carries at most 65535 bytes (RFC 1035 §4.2.2 length prefix). */
    static final int MAX_MESSAGE = 65535;

    /** One UPDATE message and the changes it carries. */
    record Part(List<RRsetChange> changes, Update message) {}

    private UpdateMessages() {}

    /**
     * Splits {@code changes} into as few messages as fit {@code maxBytes} each (the TSIG record's
     * length to be subtracted by the caller), in order. Sizes are counted without name compression, so
     * the real messages are never larger than counted.
     */
    static List<Part> split(String zone, List<RRsetChange> changes, int maxBytes) {
        Name origin = Names.toName(zone);
        int fixed = 12 + origin.length() + 4; // header + zone section (RFC 2136 §2.3)
        List<Part> out = new ArrayList<>();
        List<RRsetChange> current = new ArrayList<>();
        int size = fixed;
        for (RRsetChange c : changes) {
            int s = sizeBound(zone, c);
            if (fixed + s > maxBytes) {
                throw new IllegalArgumentException(c.key() + " alone needs about " + (fixed + s)
                        + " bytes, more than one UPDATE message can carry (" + maxBytes + ")");
            }
            if (size + s > maxBytes && !current.isEmpty()) {
                out.add(new Part(List.copyOf(current), message(zone, current)));
                current.clear();
                size = fixed;
            }
            current.add(c);
            size += s;
        }
        if (!current.isEmpty()) out.add(new Part(List.copyOf(current), message(zone, current)));
        return out;
    }

    /**
     * One UPDATE for the changes. Update section order matters (RFC 2136 §3.4.2 processes it in order):
     * first every RRset deletion, then every addition, so that a CNAME replacing an A at the same name
     * (or the reverse) never stands beside the data it replaces; last the apex NS (see {@link #apexNs}).
     */
    static Update message(String zone, List<RRsetChange> changes) {
        Name origin = Names.toName(zone);
        Update u = new Update(origin);
        for (RRsetChange c : changes) {
            Name owner = Names.toName(c.key().name());
            int type = Type.value(c.key().type());
            if (c.before() == null) {
                u.absent(owner, type);
            } else {
                // §2.4.2: TTL zero, class IN, exact rdata.
                for (Record r : Rdata.toRecords(c.before().withTtl(0))) u.addRecord(r, Section.PREREQ);
            }
        }
        for (RRsetChange c : changes) {
            if (c.before() != null && !isApexNs(zone, c)) {
                u.delete(Names.toName(c.key().name()), Type.value(c.key().type()));
            }
        }
        for (RRsetChange c : changes) {
            if (c.after() != null && !isApexNs(zone, c)) {
                for (Record r : Rdata.toRecords(c.after())) u.add(r);
            }
        }
        for (RRsetChange c : changes) {
            if (isApexNs(zone, c)) apexNs(u, origin, c);
        }
        return u;
    }

    /**
     * An NS record no server can resolve (RFC 6761 §6.4: .invalid never exists). It stands in the apex NS
     * RRset only inside one atomic message, never in a served zone.
     */
    static final String PLACEHOLDER_NS = "migrate-placeholder.invalid.";

    /**
     * The apex NS RRset cannot be deleted and re-added: servers ignore a deletion of the whole RRset, or of
     * its last record (RFC 2136 §3.4.2.3-4), so old and new nameservers would end up side by side. Knot
     * also keeps an RRset's TTL when a record it already has is added again with another TTL, and only
     * takes a new TTL from a new record. So, inside the one message: add a placeholder NS with the new
     * TTL (a new record: both servers move the RRset to its TTL, and the RRset is never down to its last
     * record), delete the old records, add the new ones, delete the placeholder.
     */
    private static void apexNs(Update u, Name origin, RRsetChange c) {
        if (c.after() == null) {
            u.delete(origin, Type.NS); // servers ignore this; the adapter's read-back reports it
            return;
        }
        Record placeholder = Rdata.toRecords(RRset.of(c.key().name(), "NS", c.after().ttl(), List.of(PLACEHOLDER_NS))).get(0);
        u.add(placeholder);
        if (c.before() != null) {
            for (Record r : Rdata.toRecords(c.before())) u.delete(r);
        }
        for (Record r : Rdata.toRecords(c.after())) u.add(r);
        u.delete(placeholder);
    }

    static boolean isApexNs(String zone, RRsetChange c) {
        return c.key().type().equals("NS") && c.key().name().equals(Names.canonical(zone));
    }

    /** Bytes the change adds to a message, counted without compression: never less than the real size. */
    static int sizeBound(String zone, RRsetChange c) {
        int name = Names.toName(c.key().name()).length();
        int total = 0;
        if (c.before() == null) {
            total += name + 10;
        } else {
            int data = dataBytes(c.before());
            total += data + c.before().rdata().size() * (name + 10); // prerequisite
            // the RRset deletion, or for the apex NS one deletion per old record
            total += isApexNs(zone, c) ? data + c.before().rdata().size() * (name + 10) : name + 10;
        }
        if (c.after() != null) total += dataBytes(c.after()) + c.after().rdata().size() * (name + 10);
        if (isApexNs(zone, c)) total += 2 * (name + 10 + PLACEHOLDER_NS.length() + 1);
        return total;
    }

    private static int dataBytes(RRset s) {
        int n = 0;
        for (Record r : Rdata.toRecords(s)) n += r.rdataToWireCanonical().length;
        return n;
    }
}
