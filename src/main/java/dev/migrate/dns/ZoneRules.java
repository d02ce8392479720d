package dev.migrate.dns;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a zone must never hold after a change: the rules of RFC 1034, 2181 and 6672 that name servers enforce
 * when they load a zone (BIND refuses the whole zone for most of them, so one bad RRset takes every name in it
 * down). Pure: {@link #check} looks at a zone as read and a batch of changes to it, and answers with what the
 * batch would break; it writes nothing and asks nobody.
 *
 * <p>Only what the batch touches is judged, so a zone with an old oddity elsewhere can still be changed: the
 * names the batch writes, the NS RRsets whose targets it changes, and the apex records it deletes. Absence is
 * judged only where the batch deletes (a provider may not show the SOA or the apex NS at all).
 */
public final class ZoneRules {
    private ZoneRules() {}

    /** Each rule a change can break. */
    public enum Rule {
        /** The RRset's owner is not in the zone the change is for. */
        OUTSIDE_ZONE,
        /** A CNAME at the apex, which holds the SOA and NS RRsets (RFC 1034 §3.6.2, RFC 2181 §10.1). */
        CNAME_AT_APEX,
        /** A CNAME written where other data is (RFC 1034 §3.6.2). */
        CNAME_BESIDE_DATA,
        /** Data written where a CNAME is (RFC 1034 §3.6.2). */
        DATA_BESIDE_CNAME,
        /** More than one record in a CNAME, DNAME or SOA RRset (RFC 2181 §10.1, RFC 6672 §2.4, RFC 1035 §5.2). */
        SINGLETON,
        /** Data below a DNAME's owner (RFC 6672 §2.4). */
        BELOW_DNAME,
        /** An SOA away from the apex, or the apex SOA deleted (RFC 1035 §5.2). */
        SOA,
        /** The apex NS RRset deleted (RFC 1034 §4.2.1). */
        APEX_NS,
        /** An NS target inside the zone that is a CNAME (RFC 2181 §10.3) or, for the apex, has no address. */
        NS_TARGET,
        /**
         * A host name that is not one (RFC 952, RFC 1123 §2.1): owners of A, AAAA and MX records and the names
         * NS, MX, SRV and reverse PTR records point at. BIND's default {@code check-names primary fail}
         * refuses a zone that breaks it.
         */
        HOST_NAME
    }

    /** One thing a batch would break, on the RRset it is about. */
    public record Violation(String zone, RRsetKey key, Rule rule, String message) {
        @Override
        public String toString() {
            return key + ": " + message;
        }
    }

    /** Types that may stand beside a CNAME (RFC 2181 §10.1, RFC 4035 §2.5). */
    private static final Set<String> BESIDE_CNAME = Set.of("CNAME", "RRSIG", "NSEC");

    /**
     * What {@code batch} would break in the zone {@code live}. Before-images are not compared here (that is
     * the provider's compare-and-set); every change must be for {@code live}'s zone.
     */
    public static List<Violation> check(ZoneSnapshot live, Collection<RRsetChange> batch) {
        String zone = live.zone();
        for (RRsetChange c : batch) {
            if (!c.zone().equals(zone)) {
                throw new IllegalArgumentException("a change for " + c.zone() + " checked against " + zone);
            }
        }
        ZoneSnapshot after = live.with(batch);
        List<Violation> out = new ArrayList<>();
        Map<String, RRsetKey> deletedAddresses = new LinkedHashMap<>();
        for (RRsetChange c : batch) {
            RRsetKey k = c.key();
            if (!Names.inZone(k.name(), zone)) {
                out.add(new Violation(zone, k, Rule.OUTSIDE_ZONE, k.name() + " is outside the zone " + zone));
                continue;
            }
            if (c.after() == null) {
                deleted(zone, k, out);
                if ((k.type().equals("A") || k.type().equals("AAAA")) && !hasAddress(after, k.name())) {
                    deletedAddresses.put(k.name(), k);
                }
                continue;
            }
            written(after, c.after(), out);
        }
        if (!deletedAddresses.isEmpty()) {
            RRset apexNs = after.get(zone, "NS");
            if (apexNs != null && batch.stream().noneMatch(c -> c.key().equals(apexNs.key()))) {
                for (String target : targets(apexNs)) {
                    RRsetKey k = deletedAddresses.get(target);
                    if (k != null) {
                        out.add(new Violation(zone, k, Rule.NS_TARGET, "deletes the last address of " + target
                                + ", a name server of the zone (apex NS): a name server inside its zone needs an A or"
                                + " AAAA record to be found (RFC 1034 §4.2.2; BIND refuses the zone without one)"));
                    }
                }
            }
        }
        return List.copyOf(out);
    }

    private static void deleted(String zone, RRsetKey k, List<Violation> out) {
        if (k.name().equals(zone) && k.type().equals("SOA")) {
            out.add(new Violation(zone, k, Rule.SOA, "deletes the zone's SOA record: a zone has exactly one, at its"
                    + " apex (RFC 1035 §5.2)"));
        } else if (k.name().equals(zone) && k.type().equals("NS")) {
            out.add(new Violation(zone, k, Rule.APEX_NS, "deletes the zone's NS records at its apex: a zone needs"
                    + " them (RFC 1034 §4.2.1)"));
        }
    }

    /** The rules for one RRset the batch writes, judged on the zone as it will be. */
    private static void written(ZoneSnapshot after, RRset s, List<Violation> out) {
        String zone = after.zone();
        RRsetKey k = s.key();
        String name = k.name();
        String type = k.type();
        List<RRset> atName = after.atName(name);
        if (type.equals("CNAME")) {
            List<String> others = atName.stream().map(RRset::type).filter(t -> !BESIDE_CNAME.contains(t)).toList();
            if (name.equals(zone)) {
                out.add(new Violation(zone, k, Rule.CNAME_AT_APEX, "a CNAME cannot be at the zone apex, which holds"
                        + " the SOA and NS records (RFC 1034 §3.6.2, RFC 2181 §10.1)"));
            } else if (!others.isEmpty()) {
                out.add(new Violation(zone, k, Rule.CNAME_BESIDE_DATA, "a CNAME cannot stand beside other data"
                        + " (RFC 1034 §3.6.2), and " + name + " has " + others));
            }
        } else if (!BESIDE_CNAME.contains(type) && after.get(name, "CNAME") != null) {
            out.add(new Violation(zone, k, Rule.DATA_BESIDE_CNAME, name + " is a CNAME; other data cannot stand"
                    + " beside it (RFC 1034 §3.6.2)"));
        }
        if ((type.equals("CNAME") || type.equals("DNAME") || type.equals("SOA")) && s.rdata().size() > 1) {
            out.add(new Violation(zone, k, Rule.SINGLETON, "a " + type + " RRset holds exactly one record ("
                    + (type.equals("SOA") ? "RFC 1035 §5.2" : type.equals("CNAME") ? "RFC 2181 §10.1" : "RFC 6672 §2.4")
                    + "), this one has " + s.rdata().size()));
        }
        if (type.equals("SOA") && !name.equals(zone)) {
            out.add(new Violation(zone, k, Rule.SOA, "an SOA record belongs at the zone apex " + zone + " only"
                    + " (RFC 1035 §5.2)"));
        }
        dname(after, s, out);
        if (type.equals("NS")) nsTargets(after, s, out);
        hostNames(zone, s, out);
    }

    /** RFC 6672 §2.4: nothing below the owner of a DNAME. */
    private static void dname(ZoneSnapshot after, RRset s, List<Violation> out) {
        String zone = after.zone();
        String name = s.key().name();
        if (s.key().type().equals("DNAME")) {
            for (RRset o : after.rrsets()) {
                if (!o.name().equals(name) && Names.inZone(o.name(), name)) {
                    out.add(new Violation(zone, s.key(), Rule.BELOW_DNAME, "a DNAME at " + name + " leaves no room for"
                            + " data below it (RFC 6672 §2.4), but " + o.key() + " is there"));
                    return;
                }
            }
            return;
        }
        for (String up = Names.parent(name); up != null && Names.inZone(up, zone); up = Names.parent(up)) {
            if (after.get(up, "DNAME") != null) {
                out.add(new Violation(zone, s.key(), Rule.BELOW_DNAME, name + " is below the DNAME at " + up
                        + ", and no data may be there (RFC 6672 §2.4)"));
                return;
            }
        }
    }

    private static void nsTargets(ZoneSnapshot after, RRset ns, List<Violation> out) {
        String zone = after.zone();
        boolean apex = ns.name().equals(zone);
        for (String target : targets(ns)) {
            if (!Names.inZone(target, zone)) continue;
            if (after.get(target, "CNAME") != null) {
                out.add(new Violation(zone, ns.key(), Rule.NS_TARGET, "name server " + target + " is a CNAME; an NS"
                        + " record must name the server's own name (RFC 2181 §10.3)"));
            } else if (apex && !hasAddress(after, target)) {
                out.add(new Violation(zone, ns.key(), Rule.NS_TARGET, "name server " + target + " is inside the zone"
                        + " but has no A or AAAA record (RFC 1034 §4.2.2; BIND refuses the zone): add its"
                        + " address in the same plan"));
            }
        }
    }

    private static void hostNames(String zone, RRset s, List<Violation> out) {
        String type = s.key().type();
        if ((type.equals("A") || type.equals("AAAA") || type.equals("MX")) && !hostName(s.name(), true)) {
            out.add(new Violation(zone, s.key(), Rule.HOST_NAME, s.name() + " is not a host name, which an "
                    + type + " record's owner must be (letters, digits and inner hyphens per label, RFC 952 and"
                    + " RFC 1123 §2.1; BIND refuses the zone)"));
            return;
        }
        boolean reverse = s.name().endsWith(".in-addr.arpa.") || s.name().endsWith(".ip6.arpa.");
        if (!type.equals("NS") && !type.equals("MX") && !type.equals("SRV") && !(type.equals("PTR") && reverse)) return;
        for (String d : s.rdata()) {
            String[] f = d.split(" ");
            String target = f[f.length - 1];
            if ((type.equals("MX") || type.equals("SRV")) && target.equals(".")) continue; // "no service", RFC 7505, RFC 2782
            if (!hostName(target, false)) {
                out.add(new Violation(zone, s.key(), Rule.HOST_NAME, type + " target " + target + " is not a host name"
                        + " (letters, digits and inner hyphens per label, RFC 952 and RFC 1123 §2.1; BIND refuses the zone)"));
                return;
            }
        }
    }

    /** RFC 952 as relaxed by RFC 1123 §2.1: LDH labels, no hyphen at either end; a leftmost "*" if allowed. */
    static boolean hostName(String name, boolean wildcard) {
        if (name.equals(".")) return false;
        String[] labels = name.substring(0, name.length() - 1).split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            String l = labels[i];
            if (wildcard && i == 0 && l.equals("*")) continue;
            if (l.isEmpty() || l.charAt(0) == '-' || l.charAt(l.length() - 1) == '-') return false;
            for (int j = 0; j < l.length(); j++) {
                char c = l.charAt(j);
                if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-')) return false;
            }
        }
        return true;
    }

    private static boolean hasAddress(ZoneSnapshot z, String name) {
        return z.get(name, "A") != null || z.get(name, "AAAA") != null;
    }

    /** The names an NS RRset points at. */
    private static List<String> targets(RRset ns) {
        return ns.rdata().stream().map(Names::canonical).toList();
    }
}
