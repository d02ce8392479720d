package dev.migrate.engine;

import dev.migrate.dns.Addresses;
import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.Spf;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.plan.Action;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.Capabilities;
import dev.migrate.state.JournalState;
import dev.migrate.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@code migrate plan} says about mail and address records a plan touches, beyond the swap itself: an
 * old address still named in TXT (SPF) records, a moved address that is a nameserver's glue, a mail host
 * that moves without the old one kept deferring (DOMAIN.md: senders retry for days). Pure.
 */
final class RecordWarnings {
    private RecordWarnings() {}

    /**
     * What the plan leaves behind or cannot reach: an old address still written in a TXT record once the
     * plan has run, a moved address that is a nameserver's glue at the parent, and a mail host that moves.
     *
     * @param after the zones once every phase has run
     */
    static List<String> of(Plan plan, List<Target> targets, Map<String, ZoneSnapshot> live,
            Map<String, ZoneSnapshot> after) {
        List<String> out = new ArrayList<>();
        out.addAll(oldAddressesInTxt(plan, targets, live, after));
        out.addAll(movedGlue(targets, live));
        out.addAll(movedMailHost(plan, targets, live));
        out.addAll(aliasTargets(targets, after));
        return out;
    }

    /**
     * An MX or SRV whose target is a CNAME once the plan has run, where the plan wrote one of the two. RFC 2181
     * §10.3 and RFC 2782 forbid it; name servers load such a zone (BIND warns: check-mx-cname, check-srv-cname),
     * but mail servers refuse the exchange or bounce, and SRV clients may not follow the alias. Only pairs the
     * plan touches are reported: what the zones held before is not the plan's doing.
     */
    private static List<String> aliasTargets(List<Target> targets, Map<String, ZoneSnapshot> after) {
        Set<dev.migrate.dns.RRsetKey> touched = new HashSet<>();
        Set<String> newAliases = new HashSet<>();
        List<RRset> pointing = new ArrayList<>();
        for (Target t : targets) {
            touched.add(t.key());
            ZoneSnapshot z = after.get(t.zone());
            RRset s = z == null ? null : z.get(t.key());
            if (s == null) continue;
            if (s.type().equals("MX") || s.type().equals("SRV")) pointing.add(s);
            else if (s.type().equals("CNAME")) newAliases.add(s.name());
        }
        if (!newAliases.isEmpty()) {
            // A name that became an alias: every MX or SRV in these zones that points at it, in one pass.
            for (ZoneSnapshot z : after.values()) {
                for (RRset s : z.rrsets()) {
                    if ((s.type().equals("MX") || s.type().equals("SRV")) && !touched.contains(s.key())
                            && targetsOf(s).stream().anyMatch(newAliases::contains)) {
                        pointing.add(s);
                    }
                }
            }
        }
        if (pointing.isEmpty()) return List.of();
        Map<String, ZoneSnapshot> byZone = new HashMap<>();
        for (ZoneSnapshot z : after.values()) byZone.put(z.zone(), z);
        List<String> out = new ArrayList<>();
        for (RRset s : pointing) {
            for (String target : targetsOf(s)) {
                ZoneSnapshot home = zoneOf(target, byZone);
                if (home == null || home.get(target, "CNAME") == null) continue;
                out.add(s.key() + " points at " + target + ", which is a CNAME after the plan has run: an "
                        + s.type() + " target must be a name with addresses, not an alias (RFC 2181 §10.3"
                        + (s.type().equals("SRV") ? ", RFC 2782" : "") + "); "
                        + (s.type().equals("MX") ? "mail servers refuse or bounce such an exchange" : "clients may not follow it")
                        + ": point it at the name the CNAME leads to");
            }
        }
        return out.stream().distinct().toList();
    }

    /** The host names an MX (exchange) or SRV (target) names; the root ("no service", RFC 7505, RFC 2782) is none. */
    private static Set<String> targetsOf(RRset s) {
        Set<String> out = new LinkedHashSet<>();
        int field = s.type().equals("MX") ? 1 : 3;
        for (String d : s.rdata()) {
            String[] f = d.trim().split("\\s+");
            if (f.length == field + 1 && !f[field].equals(".")) out.add(Names.canonical(f[field]));
        }
        return out;
    }

    /** The zone among {@code byZone} (zone name to zone) that holds {@code name}: its longest suffix there. */
    private static ZoneSnapshot zoneOf(String name, Map<String, ZoneSnapshot> byZone) {
        for (String n = name; n != null; n = Names.parent(n)) {
            ZoneSnapshot z = byZone.get(n);
            if (z != null) return z;
        }
        return null;
    }

    /** Addresses the plan moves away from: rewrite rules' {@code from}, and A/AAAA data a target drops. */
    private static Map<java.net.InetAddress, String> oldAddresses(Plan plan, List<Target> targets, Map<String, ZoneSnapshot> live) {
        Map<java.net.InetAddress, String> old = new LinkedHashMap<>();
        for (dev.migrate.plan.RewriteRule r : plan.rewrites()) {
            old.put(Addresses.parse(r.from()), r.spf() ? "" : "add spf: true to rewrite " + r.from() + " -> " + r.to());
        }
        for (Target t : targets) {
            if (!t.key().type().equals("A") && !t.key().type().equals("AAAA")) continue;
            RRset now = live.get(t.zone()).get(t.key());
            if (now == null) continue;
            for (String d : now.rdata()) {
                if (!t.to().contains(d)) old.putIfAbsent(Addresses.parse(d), "");
            }
        }
        old.remove(null);
        return old;
    }

    /** RFC 7208: an SPF record naming the old mail host's address lets forged mail from it pass, and the new host's fail. */
    private static List<String> oldAddressesInTxt(Plan plan, List<Target> targets, Map<String, ZoneSnapshot> live,
            Map<String, ZoneSnapshot> after) {
        Map<java.net.InetAddress, String> old = oldAddresses(plan, targets, live);
        List<String> out = new ArrayList<>();
        if (old.isEmpty()) return out;
        for (String zone : plan.zones()) {
            ZoneSnapshot z = after.get(zone);
            if (z == null) continue;
            for (RRset s : z.rrsets()) {
                if (!s.type().equals("TXT")) continue;
                Set<String> named = new LinkedHashSet<>();
                Set<String> hints = new LinkedHashSet<>();
                boolean spf = false;
                for (String d : s.rdata()) {
                    for (java.net.InetAddress a : Spf.addressesIn(d)) {
                        if (!old.containsKey(a)) continue;
                        named.add(Addresses.text(a));
                        spf |= Spf.isSpf(d);
                        if (Spf.isSpf(d) && !old.get(a).isEmpty()) hints.add(old.get(a));
                    }
                }
                if (named.isEmpty()) continue;
                out.add(s.key() + " still names the old address " + String.join(", ", named) + " after the plan has run"
                        + (spf ? " in its SPF record (RFC 7208): mail from the new host would fail SPF" : "")
                        + (hints.isEmpty() ? "; change it in 'changes'" : "; " + String.join("; ", hints)));
            }
        }
        return out;
    }

    /** A nameserver's address kept by the parent zone as glue (RFC 1034 §4.2.1) does not move with the zone's own record. */
    private static List<String> movedGlue(List<Target> targets, Map<String, ZoneSnapshot> live) {
        List<String> out = new ArrayList<>();
        // Each nameserver name with the zones whose apex NS names it: one pass over the zones, not one per
        // target (a plan over thousands of zones has thousands of targets).
        Map<String, List<ZoneSnapshot>> servedBy = new java.util.HashMap<>();
        for (ZoneSnapshot z : live.values()) {
            RRset ns = z.get(z.zone(), "NS");
            if (ns == null) continue;
            for (String n : new TreeSet<>(ns.rdata().stream().map(Names::canonical).toList())) {
                servedBy.computeIfAbsent(n, k -> new ArrayList<>()).add(z);
            }
        }
        for (Target t : targets) {
            if (!t.key().type().equals("A") && !t.key().type().equals("AAAA")) continue;
            RRset now = live.get(t.zone()).get(t.key());
            if (now == null || PhaseChanges.holds(now, t.to())) continue;
            for (ZoneSnapshot z : servedBy.getOrDefault(t.key().name(), List.of())) {
                if (!Names.inZone(t.key().name(), z.zone())) continue;
                out.add(t.key() + " moves " + String.join(", ", now.rdata()) + " -> " + (t.to().isEmpty() ? "(deleted)"
                        : String.join(", ", t.to())) + ", and " + t.key().name() + " is a nameserver of " + z.zone()
                        + ": the parent zone keeps its own copy of this address as glue, which this plan does not change;"
                        + " update the glue at the registrar, and keep the old address answering (or forwarding, see the"
                        + " dns check) for the parent's NS TTL (172800 s for .com)");
            }
        }
        return out;
    }

    /**
     * DOMAIN.md (mail): senders retry for days (Postfix maximal_queue_lifetime 5 d, Exim about 4 d, SendGrid
     * 3 d, Exchange 2 d), and some resolvers keep old answers longer than their TTL: the old mail host must
     * keep deferring or relaying that long, or queued mail bounces or lands in the wrong place.
     */
    private static List<String> movedMailHost(Plan plan, List<Target> targets, Map<String, ZoneSnapshot> live) {
        Set<String> exchanges = new HashSet<>();
        for (ZoneSnapshot z : live.values()) {
            for (RRset s : z.rrsets()) {
                if (!s.type().equals("MX")) continue;
                for (String d : s.rdata()) {
                    String[] f = d.trim().split("\\s+");
                    if (f.length == 2) exchanges.add(Names.canonical(f[1]));
                }
            }
        }
        Set<String> moving = new LinkedHashSet<>();
        Set<java.net.InetAddress> oldHosts = new HashSet<>();
        for (Target t : targets) {
            RRset now = live.get(t.zone()).get(t.key());
            List<String> before = now == null ? List.of() : now.rdata();
            if (PhaseChanges.holds(now, t.to())) continue;
            boolean mx = t.key().type().equals("MX");
            boolean exchangeAddress = (t.key().type().equals("A") || t.key().type().equals("AAAA"))
                    && exchanges.contains(t.key().name());
            if (mx || exchangeAddress) {
                moving.add(t.key() + (before.isEmpty() ? "" : " (now " + String.join(", ", before) + ")"));
            }
            if (exchangeAddress) before.forEach(a -> oldHosts.add(Addresses.parse(a)));
            if (mx) {
                for (String d : before) {
                    String[] f = d.trim().split("\\s+");
                    for (ZoneSnapshot z : live.values()) {
                        for (String type : List.of("A", "AAAA")) {
                            RRset a = f.length == 2 ? z.get(Names.canonical(f[1]), type) : null;
                            if (a != null) a.rdata().forEach(x -> oldHosts.add(Addresses.parse(x)));
                        }
                    }
                }
            }
        }
        if (moving.isEmpty()) return List.of();
        // An smtp check on an old mail host's address: the operator is already watching it (defer or relay).
        for (dev.migrate.plan.CheckSpec c : plan.checks()) {
            if (c instanceof dev.migrate.plan.SmtpCheck m && oldHosts.contains(Addresses.parse(m.server().host()))) {
                return List.of();
            }
        }
        String which = String.join("; ", moving.stream().limit(5).toList())
                + (moving.size() > 5 ? " and " + (moving.size() - 5) + " more" : "");
        return List.of("the mail host moves (" + which + "): senders queue and retry for days (Postfix 5 d, Exim about"
                + " 4 d, SendGrid 3 d, Exchange 2 d), and some resolvers keep old answers past their TTL: keep the old"
                + " mail host deferring (4xx, or a refused port) or relaying to the new one for at least 5 days after the"
                + " swap; an smtp check with expect: defer (or a relaying one) proves it");
    }
}
