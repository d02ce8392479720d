package dev.migrate.provider.manual;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the operator reads: the changes to make by hand, each RRset with its name (absolute, and as a
 * hosting panel wants it, relative to the zone), type, TTL and every record in zone-file form, so that
 * nothing is left to guess; then how the tool will know it is done. Pure text, built from the changes.
 */
final class Instructions {
    private Instructions() {}

    static String ask(String zone, List<RRsetChange> changes, Map<RRsetKey, RRset> now, List<String> addresses,
            Duration timeout, Duration interval) {
        List<String> out = new ArrayList<>();
        out.add("manual: make " + (changes.size() == 1 ? "this change" : "these " + changes.size() + " changes")
                + " in zone " + zone + " by hand (hosting panel, DNS team), then leave this running:");
        int i = 1;
        for (RRsetChange c : changes) {
            RRsetKey k = c.key();
            String head = "  " + i++ + ". " + k.name() + " " + k.type() + "  (in a panel: name " + Names.relative(k.name(), zone)
                    + ", type " + k.type() + ")";
            RRset live = now.get(k);
            String was = live == null ? "absent" : show(live);
            if (c.after() == null) {
                out.add(head + ": DELETE every record (now " + was + ")");
                continue;
            }
            String what = c.before() == null ? "CREATE with TTL " + c.after().ttl()
                    : c.before().sameData(c.after()) ? "set the TTL to " + c.after().ttl() + ", records unchanged"
                    : "REPLACE the records, TTL " + c.after().ttl();
            out.add(head + ": " + what + (c.before() == null ? "" : " (now " + was + ")") + "; exactly these records:");
            for (String d : c.after().rdata()) out.add("       " + k.name() + " " + c.after().ttl() + " IN " + k.type() + " " + d);
        }
        out.add("  Waiting until every authoritative address serves exactly this (" + String.join(", ", addresses)
                + "), asking every " + Durations.human(interval) + ", for at most " + Durations.human(timeout) + ".");
        return String.join("\n", out);
    }

    /** What the addresses serve now, for one line of progress. */
    static String progress(String zone, int inSync, int total, List<String> lagging) {
        return "manual: " + zone + ": " + inSync + "/" + total + " addresses serve the change"
                + (lagging.isEmpty() ? "" : "; " + String.join("; ", lagging.subList(0, Math.min(3, lagging.size())))
                + (lagging.size() > 3 ? " and " + (lagging.size() - 3) + " more" : ""));
    }

    static String show(RRset s) {
        return String.join(", ", s.rdata()) + " TTL " + s.ttl();
    }
}
