package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.ChangeSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.RewriteRule;
import dev.migrate.dns.RRsetKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Turns the plan's explicit changes and rewrite rules into concrete RRset targets, against live zones. */
public final class Targets {
    private Targets() {}

    public record Expansion(List<Target> targets, List<String> errors, List<String> warnings) {}

    public static Expansion expand(Plan plan, Map<String, ZoneSnapshot> live) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Target> byKey = new LinkedHashMap<>();
        for (ChangeSpec c : plan.changes()) {
            RRsetKey key = new RRsetKey(c.name(), c.type());
            byKey.put(c.zone() + "|" + key, new Target(c.zone(), key, c.from(), c.to(), "change"));
        }
        Map<String, Integer> hits = new HashMap<>();
        // The addresses rules move, by type: most RRsets of a large zone match none, and are passed over
        // without building anything.
        Map<String, Set<String>> ruleFroms = new HashMap<>();
        for (RewriteRule r : plan.rewrites()) ruleFroms.computeIfAbsent(r.type(), t -> new HashSet<>()).add(r.from());
        for (String zone : ruleFroms.isEmpty() ? List.<String>of() : plan.zones()) {
            ZoneSnapshot z = live.get(zone);
            if (z == null) continue;
            for (RRset s : z.rrsets()) {
                Set<String> froms = ruleFroms.get(s.type());
                if (froms == null || s.rdata().stream().noneMatch(froms::contains)) continue;
                List<String> mapped = new ArrayList<>();
                List<String> used = new ArrayList<>();
                for (String d : s.rdata()) {
                    String to = d;
                    for (RewriteRule r : plan.rewrites()) {
                        if (r.type().equals(s.type()) && r.from().equals(d)) {
                            to = r.to();
                            used.add(r.from() + " -> " + r.to());
                            hits.merge(r.from(), 1, Integer::sum);
                        }
                    }
                    mapped.add(to);
                }
                if (used.isEmpty()) continue;
                String k = zone + "|" + s.key();
                if (byKey.containsKey(k)) {
                    errors.add(s.key() + " is both in 'changes' and hit by rewrite " + String.join(", ", used)
                            + ": give its new data in the change only, or drop the change");
                    continue;
                }
                byKey.put(k, new Target(zone, s.key(), s.rdata(), mapped, "rewrite " + String.join(", ", used)));
            }
        }
        // What the provider holds but cannot write as an RRset (RRsetNote#refusedAsTarget) is never a target.
        for (Target t : byKey.values()) {
            ZoneSnapshot z = live.get(t.zone());
            dev.migrate.dns.RRsetNote note = z == null ? null : z.note(t.key());
            if (note != null && note.refusedAsTarget()) errors.add(t.key() + ": " + note.why());
        }
        for (RewriteRule r : plan.rewrites()) {
            if (!hits.containsKey(r.from())) {
                warnings.add("rewrite " + r.from() + " -> " + r.to() + " matches no " + r.type() + " record in "
                        + plan.zones() + " (" + r.at() + ")");
            }
        }
        return new Expansion(List.copyOf(byKey.values()), errors, warnings);
    }
}
