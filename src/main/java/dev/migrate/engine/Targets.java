package dev.migrate.engine;

import dev.migrate.dns.Addresses;
import dev.migrate.dns.RRset;
import dev.migrate.dns.Spf;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.ChangeSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.SwapStep;
import dev.migrate.plan.Timeline;
import dev.migrate.plan.RewriteRule;
import dev.migrate.dns.RRsetKey;
import java.net.InetAddress;
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

    /** One swap step's targets against the zones as they are (or as earlier steps would leave them). */
    public static Expansion expand(SwapStep step, Map<String, ZoneSnapshot> live) {
        return expand(step.zones(), step.changes(), step.rewrites(), live);
    }

    /**
     * Every swap step's targets, in timeline order, each expanded against the zones as the steps before it
     * would leave them (a step's before-image is the previous step's after-image), and their union.
     */
    public static Steps steps(Plan plan, Timeline timeline, Map<String, ZoneSnapshot> live) {
        Map<String, Expansion> byStep = new LinkedHashMap<>();
        Map<String, Target> union = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, ZoneSnapshot> sim = live;
        for (ScheduledPhase p : timeline.all(dev.migrate.plan.Action.SWAP)) {
            SwapStep step = plan.step(p.id()).orElse(null);
            if (step == null) continue;
            Expansion e = expand(step, sim);
            byStep.put(p.id(), e);
            errors.addAll(e.errors());
            for (String w : e.warnings()) if (!warnings.contains(w)) warnings.add(w);
            for (Target t : e.targets()) union.putIfAbsent(t.zone() + "|" + t.key(), t);
            sim = Planner.applyTo(sim, PhaseChanges.swap(e.targets(), sim, plan.ttl()));
        }
        return new Steps(byStep, new Expansion(List.copyOf(union.values()), errors, warnings));
    }

    /** Each swap step's targets and all of them together (the RRsets lower-ttl lowers and check watches). */
    public record Steps(Map<String, Expansion> byStep, Expansion all) {
        public Expansion of(String stepId) {
            return byStep.getOrDefault(stepId, new Expansion(List.of(), List.of(), List.of()));
        }
    }

    /** Every swap step's targets together, each step expanded after the ones before it. */
    public static Expansion expand(Plan plan, Map<String, ZoneSnapshot> live) {
        return steps(plan, Timeline.of(plan), live).all();
    }

    static Expansion expand(List<String> zones, List<ChangeSpec> changes, List<RewriteRule> rewrites,
            Map<String, ZoneSnapshot> live) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Map<String, Target> byKey = new LinkedHashMap<>();
        for (ChangeSpec c : changes) {
            RRsetKey key = new RRsetKey(c.name(), c.type());
            byKey.put(c.zone() + "|" + key, new Target(c.zone(), key, c.from(), c.to(), "change"));
        }
        Map<String, Integer> hits = new HashMap<>();
        // The addresses rules move, by type: most RRsets of a large zone match none, and are passed over
        // without building anything.
        Map<String, Set<String>> ruleFroms = new HashMap<>();
        for (RewriteRule r : rewrites) ruleFroms.computeIfAbsent(r.type(), t -> new HashSet<>()).add(r.from());
        for (String zone : ruleFroms.isEmpty() ? List.<String>of() : zones) {
            ZoneSnapshot z = live.get(zone);
            if (z == null) continue;
            for (RRset s : z.rrsets()) {
                Set<String> froms = ruleFroms.get(s.type());
                if (froms == null || s.rdata().stream().noneMatch(froms::contains)) continue;
                List<String> mapped = new ArrayList<>();
                List<String> used = new ArrayList<>();
                for (String d : s.rdata()) {
                    String to = d;
                    for (RewriteRule r : rewrites) {
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
        spfTargets(zones, rewrites, live, byKey, hits, errors, warnings);
        // What the provider holds but cannot write as an RRset (RRsetNote#refusedAsTarget) is never a target.
        for (Target t : byKey.values()) {
            ZoneSnapshot z = live.get(t.zone());
            dev.migrate.dns.RRsetNote note = z == null ? null : z.note(t.key());
            if (note != null && note.refusedAsTarget()) errors.add(t.key() + ": " + note.why());
        }
        for (RewriteRule r : rewrites) {
            if (!hits.containsKey(r.from())) {
                warnings.add("rewrite " + r.from() + " -> " + r.to() + " matches no " + r.type() + (r.spf() ? " or SPF" : "")
                        + " record in " + zones + " (" + r.at() + ")");
            }
        }
        return new Expansion(List.copyOf(byKey.values()), errors, warnings);
    }

    /**
     * Rewrite rules with {@code spf: true} also move the {@code ip4:}/{@code ip6:} mechanisms naming their old
     * address in SPF TXT records (RFC 7208 §5.6): once MX points at the new host, mail it sends must pass SPF.
     * A mechanism naming a whole network that holds the old address is left alone, with a warning.
     */
    static void spfTargets(List<String> zones, List<RewriteRule> rewrites, Map<String, ZoneSnapshot> live,
            Map<String, Target> byKey, Map<String, Integer> hits, List<String> errors, List<String> warnings) {
        Map<InetAddress, InetAddress> moves = new LinkedHashMap<>();
        Map<InetAddress, String> ruleFrom = new HashMap<>();
        for (RewriteRule r : rewrites) {
            if (!r.spf()) continue;
            moves.put(Addresses.parse(r.from()), Addresses.parse(r.to()));
            ruleFrom.put(Addresses.parse(r.from()), r.from());
        }
        if (moves.isEmpty()) return;
        for (String zone : zones) {
            ZoneSnapshot z = live.get(zone);
            if (z == null) continue;
            for (RRset s : z.rrsets()) {
                if (!s.type().equals("TXT")) continue;
                List<String> mapped = new ArrayList<>();
                List<String> used = new ArrayList<>();
                for (String d : s.rdata()) {
                    Spf.Rewritten w = Spf.rewrite(d, moves);
                    mapped.add(w.rdata());
                    used.addAll(w.moved());
                    w.movedFrom().forEach(a -> hits.merge(ruleFrom.get(a), 1, Integer::sum));
                    for (String u : w.untouched()) {
                        warnings.add(s.key() + ": SPF " + u + ": a rewrite rule moves single addresses, not networks;"
                                + " change this mechanism by hand if the old address leaves that network");
                    }
                }
                if (used.isEmpty()) continue;
                String k = zone + "|" + s.key();
                if (byKey.containsKey(k)) {
                    errors.add(s.key() + " is both in 'changes' and hit by rewrite (spf) " + String.join(", ", used)
                            + ": give its new data in the change only, or drop the change");
                    continue;
                }
                byKey.put(k, new Target(zone, s.key(), s.rdata(), mapped, "rewrite spf " + String.join(", ", used)));
            }
        }
    }
}
