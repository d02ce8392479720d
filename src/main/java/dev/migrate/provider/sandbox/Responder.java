package dev.migrate.provider.sandbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns one query into one response from a fixed set of zones, and the response into bytes that fit the
 * transport. Pure: no sockets, no clock, so every rule here is testable without a network.
 */
final class Responder {
    private Responder() {}

    /** Our EDNS UDP payload: the DNS Flag Day 2020 value, small enough to avoid IP fragmentation. */
    static final int EDNS_PAYLOAD = 1232;
    /** RFC 1035 §4.2.1: UDP messages without EDNS are at most 512 bytes. */
    static final int CLASSIC_UDP_LIMIT = 512;
    /** RFC 1035 §4.2.2: the TCP length prefix is two bytes. */
    static final int TCP_LIMIT = 65535;
    /** A CNAME chain longer than this is treated as a loop and answered as far as it got. */
    static final int MAX_CHAIN = 16;

    /**
     * The response to {@code query} from {@code zones} (keyed by origin). Never null: malformed or
     * unsupported queries get FORMERR, NOTIMP or REFUSED rather than silence, so a probe sees why.
     */
    static Message respond(Message query, Map<Name, ServedZone> zones) {
        Message response = new Message(query.getHeader().getID());
        Header h = response.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(query.getHeader().getOpcode());
        // RFC 1035 §4.1.1: RD is copied into the response; RA stays clear because nothing here recurses.
        if (query.getHeader().getFlag(Flags.RD)) h.setFlag(Flags.RD);

        Record question = query.getQuestion();
        if (question != null) response.addRecord(question, Section.QUESTION);

        List<Record> opts = query.getSection(Section.ADDITIONAL).stream()
                .filter(r -> r.getType() == Type.OPT).toList();
        OPTRecord opt = opts.isEmpty() ? null : (OPTRecord) opts.get(0);
        if (opts.size() > 1) {
            // RFC 6891 §6.1.1: more than one OPT record is a format error.
            h.setRcode(Rcode.FORMERR);
            return response;
        }
        if (opt != null && opt.getVersion() > 0) {
            // RFC 6891 §6.1.3: an EDNS version we do not implement gets BADVERS, version 0, no answer.
            response.addRecord(responseOpt(opt, Rcode.BADVERS), Section.ADDITIONAL);
            return response;
        }
        if (opt != null) response.addRecord(responseOpt(opt, Rcode.NOERROR), Section.ADDITIONAL);

        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            h.setRcode(Rcode.NOTIMP); // RFC 1035 §4.1.1: "the name server does not support" it.
            return response;
        }
        if (question == null || query.getHeader().getCount(Section.QUESTION) != 1) {
            h.setRcode(Rcode.FORMERR); // Exactly one question in practice (RFC 9619).
            return response;
        }
        int qtype = question.getType();
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            h.setRcode(Rcode.REFUSED);
            return response;
        }
        if (qtype == Type.AXFR || qtype == Type.IXFR || qtype == Type.MAILA || qtype == Type.MAILB) {
            // Zone transfers are not offered: the sandbox's secondaries are fed in process.
            h.setRcode(Rcode.REFUSED);
            return response;
        }
        answer(response, question.getName(), qtype, zones);
        return response;
    }

    private static OPTRecord responseOpt(OPTRecord queryOpt, int extendedRcode) {
        // RFC 3225 §3: the DO bit is copied into the response; the payload is ours (RFC 6891 §6.2.3);
        // the upper eight bits of a 12-bit rcode travel in the OPT TTL field (RFC 6891 §6.1.3).
        int flags = queryOpt.getFlags() & ExtendedFlags.DO;
        return new OPTRecord(EDNS_PAYLOAD, extendedRcode >>> 4, 0, flags);
    }

    /** RFC 1034 §4.3.2, the parts an authoritative-only server needs, with wildcards (§4.3.3). */
    private static void answer(Message response, Name qname, int qtype, Map<Name, ServedZone> zones) {
        Header h = response.getHeader();
        Set<Name> seen = new HashSet<>();
        Name name = qname;
        for (int hop = 0; hop < MAX_CHAIN && seen.add(name); hop++) {
            ServedZone zone = zoneFor(name, zones);
            if (zone == null) {
                // Step 2: not ours. For the query name itself that is REFUSED (we are not a resolver);
                // a CNAME pointing out of our zones simply ends the answer, with NOERROR.
                if (hop == 0) h.setRcode(Rcode.REFUSED);
                return;
            }
            if (hop == 0) h.setFlag(Flags.AA);

            Name cut = zone.cutAbove(name);
            if (cut != null && !(cut.equals(name) && qtype == Type.DS)) {
                // Step 3b: the name is below a delegation; the child's servers are authoritative, so we
                // refer (AA clear) with the NS RRset and any glue we hold (RFC 1034 §4.3.2, §4.2.1).
                if (hop == 0) {
                    h.unsetFlag(Flags.AA);
                    RRset ns = zone.get(cut, Type.NS);
                    addRRset(response, ns, Section.AUTHORITY);
                    addAddresses(response, ns, zones);
                }
                return;
            }

            Map<Integer, RRset> node = zone.at(name);
            Name owner = name;
            if (node.isEmpty() && !zone.exists(name)) {
                // Step 3c: no such name; a wildcard at the closest encloser may synthesise it (§4.3.3).
                // The apex always exists (it owns the SOA), so this walk ends there at the latest.
                Name encloser = ServedZone.parent(name);
                while (!zone.exists(encloser) && encloser.labels() > zone.origin().labels()) {
                    encloser = ServedZone.parent(encloser);
                }
                Name wildcard = wildcardOf(encloser);
                node = wildcard == null ? Map.of() : zone.at(wildcard);
                if (node.isEmpty()) {
                    // RFC 2308 §2.1: NXDOMAIN with the zone's SOA in the authority section.
                    h.setRcode(Rcode.NXDOMAIN);
                    addRRset(response, zone.negativeSoa(), Section.AUTHORITY);
                    return;
                }
            }

            if (qtype == Type.ANY && !node.isEmpty()) {
                // RFC 8482 would allow a minimal answer; a sandbox can afford the whole node.
                for (RRset set : node.values()) addRRset(response, set, Section.ANSWER, owner);
                return;
            }
            RRset exact = node.get(qtype);
            if (exact != null) {
                addRRset(response, exact, Section.ANSWER, owner);
                addAdditional(response, exact, zones);
                return;
            }
            RRset cname = node.get(Type.CNAME);
            if (cname != null) {
                // Step 3a: the CNAME goes in the answer and the search restarts at its target, which
                // may be in this zone, another zone we serve, or nowhere we know (then we stop).
                addRRset(response, cname, Section.ANSWER, owner);
                name = ((CNAMERecord) cname.first()).getTarget();
                continue;
            }
            // RFC 2308 §2.2: the name exists (possibly as an empty non-terminal) but not with this type:
            // NODATA is NOERROR, an empty answer and the SOA in the authority section.
            addRRset(response, zone.negativeSoa(), Section.AUTHORITY);
            return;
        }
    }

    private static Name wildcardOf(Name encloser) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }

    /** The served zone whose origin is the longest suffix of {@code name}, or null. */
    static ServedZone zoneFor(Name name, Map<Name, ServedZone> zones) {
        for (Name n = name; n.labels() > 0; n = ServedZone.parent(n)) {
            ServedZone z = zones.get(n);
            if (z != null) return z;
        }
        return null;
    }

    private static void addRRset(Message m, RRset set, int section) {
        addRRset(m, set, section, set.getName());
    }

    /** Adds the records under {@code owner}, which differs from theirs only for wildcard synthesis. */
    private static void addRRset(Message m, RRset set, int section, Name owner) {
        for (Record r : set.rrs(false)) {
            Record out = owner.equals(r.getName()) ? r : r.withName(owner);
            if (!m.findRecord(out, section)) m.addRecord(out, section);
        }
    }

    /**
     * RFC 1035 §3.3.9, §3.3.11 and RFC 2782: addresses of the hosts NS, MX and SRV records name go in the
     * additional section when we hold them, saving the client a query. Optional data: it is the first
     * thing dropped when the response does not fit.
     */
    private static void addAdditional(Message m, RRset set, Map<Name, ServedZone> zones) {
        if (set.getType() == Type.NS || set.getType() == Type.MX || set.getType() == Type.SRV) {
            addAddresses(m, set, zones);
        }
    }

    private static void addAddresses(Message m, RRset set, Map<Name, ServedZone> zones) {
        for (Record r : set.rrs(false)) {
            Name target = r instanceof NSRecord ns ? ns.getTarget()
                    : r instanceof MXRecord mx ? mx.getTarget()
                    : r instanceof SRVRecord srv ? srv.getTarget() : null;
            if (target == null) continue;
            ServedZone z = zoneFor(target, zones);
            if (z == null) continue;
            for (int t : new int[] {Type.A, Type.AAAA}) {
                RRset a = z.get(target, t);
                if (a != null) addRRset(m, a, Section.ADDITIONAL);
            }
        }
    }

    /**
     * The response as bytes of at most {@code limit}. When the whole response does not fit, the optional
     * additional data goes first (no TC needed for that, RFC 2181 §9); when the answer or authority still
     * does not fit, the reply is the header, question and OPT with TC set, telling the client to ask again
     * over TCP (RFC 1035 §4.2.1, RFC 7766 §5). Whole RRsets are never split.
     */
    static byte[] encode(Message response, int limit) {
        byte[] full = response.toWire();
        if (full.length <= limit) return full;

        Message lean = copyWithout(response, Section.ADDITIONAL);
        byte[] wire = lean.toWire();
        if (wire.length <= limit) return wire;

        Message truncated = copyWithout(response, Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL);
        truncated.getHeader().setFlag(Flags.TC);
        return truncated.toWire();
    }

    /** A copy of {@code m} without the given sections' records, keeping the OPT record (RFC 6891 §7). */
    private static Message copyWithout(Message m, int... drop) {
        Message out = new Message(m.getHeader().getID());
        Header src = m.getHeader();
        Header dst = out.getHeader();
        for (int flag : new int[] {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD}) {
            if (src.getFlag(flag)) dst.setFlag(flag);
        }
        dst.setOpcode(src.getOpcode());
        dst.setRcode(src.getRcode());
        List<Integer> dropped = new ArrayList<>();
        for (int d : drop) dropped.add(d);
        for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
            for (Record r : m.getSection(section)) {
                boolean keep = !dropped.contains(section) || r.getType() == Type.OPT;
                if (keep) out.addRecord(r, section);
            }
        }
        return out;
    }

    /** The UDP size limit for a response to {@code query} (RFC 6891 §6.2.3, §6.2.5). */
    static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        if (opt == null) return CLASSIC_UDP_LIMIT;
        // Below 512 is treated as 512; above our own payload we do not go.
        return Math.max(CLASSIC_UDP_LIMIT, Math.min(opt.getPayloadSize(), EDNS_PAYLOAD));
    }
}
