package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneRules;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.TtlPolicy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each DNS-changing action writes, as pure functions of the targets and the live zones. The engine
 * calls them with what it just read; {@code migrate plan} calls them on a simulated zone to preview.
 */
public final class PhaseChanges {
    private PhaseChanges() {}

    /** An RRset identified across zones. */
    public record ZonedKey(String zone, RRsetKey key) {}

    /**
     * lower-ttl: same data, TTL down to {@code lowered}; RRsets already at or below it are left alone, and so
     * are those whose TTL the provider fixes (e.g. Cloudflare proxied records).
     */
    public static List<RRsetChange> lowerTtl(Collection<Target> targets, Map<String, ZoneSnapshot> live, TtlPolicy ttl) {
        List<RRsetChange> out = new ArrayList<>();
        for (Target t : targets) {
            ZoneSnapshot z = live.get(t.zone());
            RRset now = z.get(t.key());
            if (now != null && now.ttl() > ttl.lowered() && !z.ttlFixed(t.key())) {
                out.add(RRsetChange.of(t.zone(), now, now.withTtl(ttl.lowered())));
            }
        }
        return out;
    }

    /**
     * A provider move's lower-ttl also lowers each zone's apex NS at the old provider: once the parent
     * delegates to the new servers, resolvers that trust the child's NS set (RFC 2181 §5.4.1 ranks it above
     * the parent's referral) keep asking the old servers for as long as they cached it, and a rollback past
     * the delegation reaches them no sooner. The soak before release-old still counts the NS TTL the journal
     * says it had before this lowering ({@link SoakRule#oldChildNsTtl}). Targets' own RRsets are left to
     * {@link #lowerTtl}.
     */
    static List<RRsetChange> lowerApexNs(Map<String, ZoneSnapshot> live, Collection<Target> targets, TtlPolicy ttl) {
        java.util.Set<ZonedKey> moved = new java.util.HashSet<>();
        for (Target t : targets) moved.add(new ZonedKey(t.zone(), t.key()));
        List<RRsetChange> out = new ArrayList<>();
        for (ZoneSnapshot z : live.values()) {
            RRset ns = z.get(z.zone(), "NS");
            if (ns == null || moved.contains(new ZonedKey(z.zone(), ns.key()))) continue;
            if (ns.ttl() > ttl.lowered() && !z.ttlFixed(ns.key())) out.add(RRsetChange.of(z.zone(), ns, ns.withTtl(ttl.lowered())));
        }
        return out;
    }

    /** lower-ttl's whole write: the targets' TTLs and, in a provider move, each zone's apex NS ({@link #lowerApexNs}). */
    public static List<RRsetChange> lowerTtl(Collection<Target> targets, Map<String, ZoneSnapshot> live, TtlPolicy ttl,
            boolean providerMove) {
        List<RRsetChange> out = new ArrayList<>(lowerTtl(targets, live, ttl));
        if (providerMove) out.addAll(lowerApexNs(live, targets, ttl));
        return out;
    }

    /** TTL a swapped RRset carries: the lowered one, or its own if that is lower still. */
    static long swapTtl(RRset now, TtlPolicy ttl) {
        return now == null ? ttl.lowered() : Math.min(now.ttl(), ttl.lowered());
    }

    /**
     * swap: the new data at the lowered TTL (an RRset whose TTL the provider fixes keeps it). Targets already
     * holding their new data are skipped.
     */
    public static List<RRsetChange> swap(Collection<Target> targets, Map<String, ZoneSnapshot> live, TtlPolicy ttl) {
        List<RRsetChange> out = new ArrayList<>();
        for (Target t : targets) {
            ZoneSnapshot z = live.get(t.zone());
            RRset now = z.get(t.key());
            long afterTtl = now != null && z.ttlFixed(t.key()) ? now.ttl() : swapTtl(now, ttl);
            RRset after = t.to().isEmpty() ? null
                    : new RRset(t.key().name(), t.key().type(), afterTtl, t.to());
            if (now == null && after == null) continue;
            if (now != null && after != null && now.sameData(after)) continue;
            out.add(new RRsetChange(t.zone(), t.key(), now, after));
        }
        return out;
    }

    /**
     * restore-ttl: the TTL back to {@code restore} or, for "original", to what lower-ttl found. RRsets
     * created by the swap have no original: they take the zone's SOA TTL, the zone's usual default (or stay
     * as they are when the provider does not show its SOA, as Cloudflare). RRsets whose TTL the provider fixes
     * are left alone.
     */
    public static List<RRsetChange> restoreTtl(Collection<ZonedKey> touched, Map<String, ZoneSnapshot> live,
            TtlPolicy ttl, Map<ZonedKey, Long> originalTtls) {
        List<RRsetChange> out = new ArrayList<>();
        for (ZonedKey k : touched) {
            ZoneSnapshot z = live.get(k.zone());
            RRset now = z.get(k.key());
            if (now == null || z.ttlFixed(k.key())) continue;
            long target;
            if (ttl.restore().isPresent()) {
                target = ttl.restore().getAsLong();
            } else {
                Long orig = originalTtls.get(k);
                target = orig != null ? orig : z.soa() != null ? z.soa().ttl() : now.ttl();
            }
            if (now.ttl() != target) out.add(RRsetChange.of(k.zone(), now, now.withTtl(target)));
        }
        return out;
    }

    /**
     * Whether the live RRset holds exactly these records (none: that it is absent), names in the data compared
     * without regard to case (RFC 4343): a plan that writes "mail.example.net." finds "Mail.Example.NET.".
     */
    public static boolean holds(RRset now, List<String> data) {
        if (data.isEmpty()) return now == null;
        return now != null && now.sameData(now.withData(data));
    }

    /**
     * Targets whose live data is not what the plan's {@code from} says it should be. A target that already
     * holds its new data is not drift: the swap has nothing to write there (a swap resumed after a crash
     * between batches finds its own earlier batches so).
     */
    public static List<String> drift(Collection<Target> targets, Map<String, ZoneSnapshot> live) {
        List<String> out = new ArrayList<>();
        for (Target t : targets) {
            if (t.from() == null) continue;
            RRset now = live.get(t.zone()).get(t.key());
            List<String> liveData = now == null ? List.of() : now.rdata();
            if (holds(now, t.to())) continue;
            if (!holds(now, t.from())) {
                out.add(t.key() + ": plan expects " + (t.from().isEmpty() ? "no records" : t.from()) + " but live is "
                        + (liveData.isEmpty() ? "absent" : liveData));
            }
        }
        return out;
    }

    /** Targets whose live TTL is above the lowered TTL: swapping them now would leave caches stale for longer. */
    public static List<String> notLowered(Collection<Target> targets, Map<String, ZoneSnapshot> live, TtlPolicy ttl) {
        List<String> out = new ArrayList<>();
        for (Target t : targets) {
            ZoneSnapshot z = live.get(t.zone());
            RRset now = z.get(t.key());
            if (now != null && now.ttl() > ttl.lowered() && !holds(now, t.to()) && !z.ttlFixed(t.key())) {
                out.add(t.key() + " still has TTL " + now.ttl() + " (lowered is " + ttl.lowered() + ")");
            }
        }
        return out;
    }

    /**
     * What {@code changes} would break in the zones as they are now ({@link ZoneRules}: a CNAME beside other
     * data, a deleted apex NS, a name server left without an address, ...). The plan was judged against the
     * zones when it was planned; the zones may have moved since, so each swap asks again on what it just read.
     */
    public static List<String> breaks(Map<String, ZoneSnapshot> live, Collection<RRsetChange> changes) {
        Map<String, List<RRsetChange>> byZone = new LinkedHashMap<>();
        for (RRsetChange c : changes) byZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c);
        List<String> out = new ArrayList<>();
        byZone.forEach((zone, cs) -> ZoneRules.check(live.get(zone), cs).forEach(v -> out.add(v.toString())));
        return out;
    }
}
