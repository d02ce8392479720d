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
     * (or the reverse) never stands beside the data it replaces; last the record-by-record deletions of
     * apex NS changes (see {@link #isApexNs}).
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
            if (c.after() != null) {
                for (Record r : Rdata.toRecords(c.after())) u.add(r);
            }
        }
        for (RRsetChange c : changes) {
            if (c.before() != null && isApexNs(zone, c)) {
                for (Record r : Rdata.toRecords(c.before())) {
                    if (c.after() == null || !c.after().rdata().contains(r.rdataToString())) u.delete(r);
                }
            }
        }
        return u;
    }

    /**
     * The apex NS RRset is special: servers ignore a request to delete all of it (RFC 2136 §3.4.2.3-4),
     * so delete-then-add would leave old and new nameservers side by side. Instead the new records are
     * added first (which also sets the RRset's TTL) and then the old ones removed one by one.
     */
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
            // the RRset deletion, or for the apex NS (at most) one deletion per old record
            total += isApexNs(zone, c) ? data + c.before().rdata().size() * (name + 10) : name + 10;
        }
        if (c.after() != null) total += dataBytes(c.after()) + c.after().rdata().size() * (name + 10);
        return total;
    }

    private static int dataBytes(RRset s) {
        int n = 0;
        for (Record r : Rdata.toRecords(s)) n += r.rdataToWireCanonical().length;
        return n;
    }
}
