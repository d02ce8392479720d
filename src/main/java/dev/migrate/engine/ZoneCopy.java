package dev.migrate.engine;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.RRsetNote;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.Capabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What copy-zone writes to the new provider, and what the new servers must then serve: the whole old zone
 * except what the new provider owns (its own SOA, and the apex NS, which becomes {@code move.nameservers})
 * and what a signer makes for itself. Pure.
 *
 * <p>It copies faithfully or not at all: an RRset the old provider marks as more than DNS data (a
 * {@link RRsetNote}: a Cloudflare proxied record, a Route 53 alias), one the new provider cannot hold (its
 * type or TTL), and anything already at the new provider that the old zone does not hold the same way
 * stop the copy with the whole list, before anything is written.
 */
public final class ZoneCopy {
    private ZoneCopy() {}

    /**
     * Records a DNSSEC signer makes for the zone it signs (RFC 4034, RFC 5155, RFC 7344): copied, they would
     * be another signer's keys and signatures. The new provider signs, or not, by itself.
     */
    public static final Set<String> SIGNER_TYPES = Set.of("RRSIG", "NSEC", "NSEC3", "NSEC3PARAM", "DNSKEY", "CDS", "CDNSKEY");

    /** The apex NS TTL when the old zone has none to copy (it always should). */
    static final long DEFAULT_NS_TTL = 3600;

    /** copy-zone's answer for one zone. */
    public sealed interface Decision {
        String zone();

        /**
         * Go: write {@code changes} (creates, and the apex NS) to the new provider.
         *
         * @param leftOut  RRsets of the old zone not copied, and why (SOA, signer records)
         * @param expected what every new nameserver address must serve afterwards (compare's list)
         */
        record Copy(String zone, List<RRsetChange> changes, List<String> leftOut, List<RRset> expected) implements Decision {
            public Copy {
                changes = List.copyOf(changes);
                leftOut = List.copyOf(leftOut);
                expected = List.copyOf(expected);
            }
        }

        /** Nothing is written: each reason names an RRset and what to do about it. */
        record Refused(String zone, List<String> reasons) implements Decision {
            public Refused {
                reasons = List.copyOf(reasons);
            }
        }
    }

    /**
     * What the new servers must serve once the copy is done: the old zone without its SOA and signer records,
     * with the apex NS set to {@code nameservers} at the TTL the old apex NS had.
     */
    public static List<RRset> expected(ZoneSnapshot old, List<String> nameservers) {
        String apex = old.zone();
        List<RRset> out = new ArrayList<>();
        for (RRset s : old.rrsets()) {
            if (ownedByTheNewProvider(s.key(), apex) || SIGNER_TYPES.contains(s.type())) continue;
            out.add(s);
        }
        RRset oldNs = old.get(apex, "NS");
        out.add(RRset.of(apex, "NS", oldNs != null ? oldNs.ttl() : DEFAULT_NS_TTL,
                nameservers.stream().map(Names::canonical).toList()));
        return List.copyOf(out);
    }

    /**
     * @param old         the zone as the old provider holds it (read whole: AXFR or API)
     * @param atNew       the zone as the new provider holds it now (at least its SOA)
     * @param nameservers {@code move.nameservers}
     * @param caps        the new provider's capabilities
     */
    public static Decision decide(ZoneSnapshot old, ZoneSnapshot atNew, List<String> nameservers, Capabilities caps) {
        String zone = old.zone();
        List<String> refused = new ArrayList<>();
        for (Map.Entry<RRsetKey, RRsetNote> n : old.notes().entrySet()) {
            refused.add(n.getKey() + ": " + n.getValue().why() + "; another provider cannot serve it the same way: make it"
                    + " a plain record at the old provider first, or create it at the new one by hand and leave it out");
        }
        List<RRset> expected = expected(old, nameservers);
        Map<RRsetKey, RRset> want = new TreeMap<>();
        for (RRset s : expected) want.put(s.key(), s);
        for (RRset s : expected) {
            if (!caps.supportsType(s.type())) {
                refused.add(s.key() + ": the new provider cannot hold " + s.type() + " records");
            } else if (s.ttl() < caps.minTtl()) {
                refused.add(s.key() + ": TTL " + s.ttl() + " is below the new provider's minimum " + caps.minTtl()
                        + "; raise it at the old provider first, or the new servers would serve another TTL");
            } else if (s.ttl() > caps.maxTtl()) {
                refused.add(s.key() + ": TTL " + s.ttl() + " is above the new provider's maximum " + caps.maxTtl()
                        + "; lower it at the old provider first");
            }
        }
        RRsetKey apexNs = new RRsetKey(zone, "NS");
        List<RRsetChange> changes = new ArrayList<>();
        for (RRset s : expected) {
            RRset there = atNew.get(s.key());
            if (s.equals(there)) continue;
            if (there == null || s.key().equals(apexNs)) {
                // The apex NS is the new provider's to set: it becomes move.nameservers, whatever it held.
                changes.add(RRsetChange.of(zone, there, s));
            } else {
                refused.add(s.key() + ": the new provider already holds " + JournaledWriter.image(there) + ", the old zone "
                        + JournaledWriter.image(s) + "; make them the same or remove it at the new provider");
            }
        }
        for (RRset s : atNew.rrsets()) {
            if (ownedByTheNewProvider(s.key(), zone) || SIGNER_TYPES.contains(s.type()) || want.containsKey(s.key())) continue;
            refused.add(s.key() + ": the new provider holds " + JournaledWriter.image(s) + " and the old zone has no such"
                    + " RRset; remove it at the new provider (it would be served once the delegation moves)");
        }
        if (!refused.isEmpty()) return new Decision.Refused(zone, refused);
        List<String> leftOut = new ArrayList<>();
        for (RRset s : old.rrsets()) {
            if (s.type().equals("SOA") && s.name().equals(zone)) {
                leftOut.add(s.key() + ": the new provider's own SOA stays");
            } else if (SIGNER_TYPES.contains(s.type())) {
                leftOut.add(s.key() + ": DNSSEC signer data; the new provider signs (or not) by itself");
            }
        }
        RRset oldNs = old.get(zone, "NS");
        if (oldNs != null && !oldNs.sameData(want.get(apexNs))) {
            leftOut.add(apexNs + ": " + oldNs.rdata() + " at the old provider; " + want.get(apexNs).rdata() + " at the new one");
        }
        return new Decision.Copy(zone, changes, leftOut, expected);
    }

    /** The new provider's own SOA; the apex NS is set from the plan, never copied. */
    private static boolean ownedByTheNewProvider(RRsetKey key, String apex) {
        return key.name().equals(apex) && (key.type().equals("SOA") || key.type().equals("NS"));
    }
}
