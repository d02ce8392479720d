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
 *
 * <p>A message may also require the zone's SOA as read (§2.4.2 on the SOA RRset, serial included): the
 * server then applies it only while the zone is exactly the version that was read, so what was checked
 * there (TTLs too, which the other prerequisites do not compare) is still what is live.
 */
final class UpdateMessages {
    /** A DNS message over TCP carries at most 65535 bytes (RFC 1035 §4.2.2 length prefix). */
    static final int MAX_MESSAGE = DnsClient.MAX_MESSAGE;

    /**
     * Bytes an SOA prerequisite can add to a message: its owner (the zone: a compression pointer), type,
     * class, TTL and length, two names of at most 255 bytes each (RFC 1035 §3.1) and five 32-bit fields.
     */
    static final int SOA_PREREQUISITE = 2 + 10 + 255 + 255 + 20;

    /** One UPDATE message and the changes it carries. */
    record Part(List<RRsetChange> changes, Update message) {}

    /**
     * A change with its records parsed once: building the messages for a batch, in both directions,
     * several times while finding where a batch must end, would otherwise parse the same text again.
     */
    static final class Converted {
        final RRsetChange change;
        private List<Record> before;
        private List<Record> after;
        private List<Record> beforeAsPrerequisite;
        private List<Record> afterAsPrerequisite;

        Converted(RRsetChange change) {
            this.change = change;
        }

        List<Record> before() {
            if (before == null) before = Rdata.toRecords(change.before());
            return before;
        }

        List<Record> after() {
            if (after == null) after = Rdata.toRecords(change.after());
            return after;
        }

        /** §2.4.2: TTL zero, class IN, exact rdata. */
        List<Record> beforeAsPrerequisite() {
            if (beforeAsPrerequisite == null) beforeAsPrerequisite = withTtlZero(before());
            return beforeAsPrerequisite;
        }

        List<Record> afterAsPrerequisite() {
            if (afterAsPrerequisite == null) afterAsPrerequisite = withTtlZero(after());
            return afterAsPrerequisite;
        }

        static List<Converted> all(List<RRsetChange> changes) {
            List<Converted> out = new ArrayList<>(changes.size());
            for (RRsetChange c : changes) out.add(new Converted(c));
            return out;
        }
    }

    private UpdateMessages() {}

    /**
     * The records with TTL 0, from their wire form (RFC 1035 §4.1.3: owner, type, class, then the 32-bit
     * TTL), without parsing their text a second time.
     */
    static List<Record> withTtlZero(List<Record> records) {
        List<Record> out = new ArrayList<>(records.size());
        for (Record r : records) {
            byte[] wire = r.toWire(Section.ANSWER);
            int ttlAt = r.getName().length() + 4;
            java.util.Arrays.fill(wire, ttlAt, ttlAt + 4, (byte) 0);
            try {
                out.add(Record.fromWire(wire, Section.ANSWER));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("a record dnsjava wrote does not parse: " + r, e);
            }
        }
        return out;
    }

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

    static Update message(String zone, List<RRsetChange> changes) {
        return message(zone, null, Converted.all(changes), false);
    }

    /**
     * One UPDATE for the changes ({@code inverse}: for undoing them, after-image to before-image), with
     * the zone's SOA as a prerequisite when {@code soa} is given. Update section order matters (RFC 2136
     * §3.4.2 processes it in order): first every RRset deletion, then every addition, so that a CNAME
     * replacing an A at the same name (or the reverse) never stands beside the data it replaces; last the
     * apex NS (see {@link #apexNs}).
     */
    static Update message(String zone, RRset soa, List<Converted> changes, boolean inverse) {
        return message(zone, soa, changes, inverse, true);
    }

    /**
     * The message of the same size as {@link #message(String, RRset, List, boolean)}, for measuring: its
     * prerequisites keep the images' TTLs instead of 0 (a TTL takes four bytes whatever its value), which
     * saves making TTL-0 copies of records that may never be sent.
     */
    static Update sameSize(String zone, List<Converted> changes, boolean inverse) {
        return message(zone, null, changes, inverse, false);
    }

    private static Update message(String zone, RRset soa, List<Converted> changes, boolean inverse, boolean exact) {
        Name origin = Names.toName(zone);
        Update u = new Update(origin);
        if (soa != null) {
            for (Record r : Rdata.toRecords(soa.withTtl(0))) u.addRecord(r, Section.PREREQ);
        }
        for (Converted c : changes) {
            boolean created = (inverse ? c.change.after() : c.change.before()) == null;
            if (created) {
                u.absent(Names.toName(c.change.key().name()), Type.value(c.change.key().type()));
            } else {
                List<Record> prerequisite = exact ? (inverse ? c.afterAsPrerequisite() : c.beforeAsPrerequisite())
                        : (inverse ? c.after() : c.before());
                for (Record r : prerequisite) u.addRecord(r, Section.PREREQ);
            }
        }
        for (Converted c : changes) {
            if ((inverse ? c.change.after() : c.change.before()) != null && !isApexNs(zone, c.change)) {
                u.delete(Names.toName(c.change.key().name()), Type.value(c.change.key().type()));
            }
        }
        for (Converted c : changes) {
            if ((inverse ? c.change.before() : c.change.after()) != null && !isApexNs(zone, c.change)) {
                for (Record r : inverse ? c.before() : c.after()) u.add(r);
            }
        }
        for (Converted c : changes) {
            if (isApexNs(zone, c.change)) {
                apexNs(u, origin, c.change, inverse ? c.after() : c.before(), inverse ? c.change.before() : c.change.after());
            }
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
    private static void apexNs(Update u, Name origin, RRsetChange c, List<Record> fromRecords, RRset to) {
        if (to == null) {
            u.delete(origin, Type.NS); // servers ignore this; the adapter's read-back reports it
            return;
        }
        Record placeholder = Rdata.toRecords(RRset.of(c.key().name(), "NS", to.ttl(), List.of(PLACEHOLDER_NS))).get(0);
        u.add(placeholder);
        if (fromRecords != null) {
            for (Record r : fromRecords) u.delete(r);
        }
        for (Record r : Rdata.toRecords(to)) u.add(r);
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
