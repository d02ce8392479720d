package dev.migrate.provider;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The before- and after-image checks every adapter makes around a write (see {@link DnsProvider#apply}):
 * one comparison and one wording, so that an operator reads the same message whichever provider refused.
 * Images compare as {@link RRset}s do: owner, type, TTL and the normalised, sorted record data.
 */
public final class Images {
    private Images() {}

    /** The RRsets of {@code batch}, in batch order, whose live data is not their before-image. */
    public static List<RRsetKey> staleBeforeImages(ZoneSnapshot live, List<RRsetChange> batch) {
        List<RRsetKey> out = new ArrayList<>();
        for (RRsetChange c : batch) {
            if (!Objects.equals(live.get(c.key()), c.before())) out.add(c.key());
        }
        return out;
    }

    /** The RRsets of {@code batch}, in batch order, whose live data is not their after-image. */
    public static List<RRsetKey> missedAfterImages(ZoneSnapshot live, List<RRsetChange> batch) {
        List<RRsetKey> out = new ArrayList<>();
        for (RRsetChange c : batch) {
            if (!Objects.equals(live.get(c.key()), c.after())) out.add(c.key());
        }
        return out;
    }

    /**
     * Fails with {@link Kind#CONFLICT} naming every RRset whose live data differs from its before-image
     * (expected and live data of each), for adapters that compare before they write. The caller must not
     * have written anything yet: CONFLICT promises that.
     *
     * @param where the zone's place for the message, e.g. {@code zone example.com. on Cloudflare}
     */
    public static void requireBeforeImages(ZoneSnapshot live, List<RRsetChange> batch, String where)
            throws ProviderException {
        List<RRsetKey> stale = staleBeforeImages(live, batch);
        if (stale.isEmpty()) return;
        throw conflict(where, stale, describe(live, batch, stale, true));
    }

    /** The CONFLICT exception with the wording {@link #requireBeforeImages} uses. */
    public static ProviderException conflict(String where, List<RRsetKey> stale, String detail) {
        return new ProviderException(Kind.CONFLICT, where + " was changed by someone else since the plan read it;"
                + " nothing was written" + detail + ". Re-run 'migrate plan' to see the live data, then resolve the"
                + " difference", stale, null);
    }

    /**
     * Fails when a read-back after an accepted write does not show every after-image. Not CONFLICT: that
     * kind promises nothing was written, and this write was accepted; the caller must treat its outcome as
     * unknown and read the records (the engine does).
     *
     * @param why what may explain it, for the operator, e.g. {@code someone else wrote in between}
     */
    public static void requireAfterImages(ZoneSnapshot readBack, List<RRsetChange> batch, String where, String why)
            throws ProviderException {
        List<RRsetKey> differ = missedAfterImages(readBack, batch);
        if (differ.isEmpty()) return;
        throw new ProviderException(Kind.INVALID, where + " accepted the change, but reading it back shows other"
                + " data" + describe(readBack, batch, differ, false) + " (" + why + ")", differ, null);
    }

    /** {@code ; www.example.com. A: expected TTL 300 [192.0.2.1], live TTL 60 [192.0.2.9]} per RRset. */
    private static String describe(ZoneSnapshot live, List<RRsetChange> batch, List<RRsetKey> keys, boolean before) {
        java.util.Set<RRsetKey> named = new java.util.HashSet<>(keys);
        StringBuilder b = new StringBuilder();
        for (RRsetChange c : batch) {
            if (!named.contains(c.key())) continue;
            b.append("; ").append(c.key()).append(before ? ": expected " : ": wrote ")
                    .append(image(before ? c.before() : c.after()))
                    .append(before ? ", live " : ", now ").append(image(live.get(c.key())));
        }
        return b.toString();
    }

    /** An image as operators read it: {@code TTL 300 [192.0.2.1]}, or {@code (absent)}. */
    public static String image(RRset s) {
        return s == null ? "(absent)" : "TTL " + s.ttl() + " " + s.rdata();
    }
}
