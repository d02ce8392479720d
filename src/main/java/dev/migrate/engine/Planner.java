package dev.migrate.engine;

import dev.migrate.dns.Addresses;
import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.Spf;
import dev.migrate.dns.ZoneRules;
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
 * Previews a plan against live zones: simulates each DNS-changing phase in timeline order on a copy of
 * the zones and runs the safety analysis. Pure: reads nothing, writes nothing.
 */
public final class Planner {
    private Planner() {}

    public static Preview preview(Plan plan, Map<String, ZoneSnapshot> live, Capabilities caps, Instant now) {
        return preview(plan, live, caps, now, JournalState.empty());
    }

    /**
     * The preview at {@code now}, knowing what the journal says already ran: phases done show the changes
     * they made (from the journal, which keeps watching RRsets a rewrite already moved), the rest are
     * simulated from the live zones on, each swap step on the zones the steps before it would leave.
     */
    public static Preview preview(Plan plan, Map<String, ZoneSnapshot> live, Capabilities caps, Instant now,
            JournalState journal) {
        Timeline planned = Timeline.of(plan);
        // What the journal says the TTLs were before lower-ttl: the soak below and the safety analysis both use it.
        Map<ZonedKey, Long> journaled = JournalFacts.originalTtls(planned, journal);
        Timeline timeline = withOldNsTtl(plan, planned, live, journaled);
        Scheduler.Progress progress = Scheduler.Progress.of(timeline, journal);
        // A phase that ran and that no rollback took back: the live zones hold what it wrote.
        java.util.function.Predicate<String> ran = id -> progress.isDone(id) && !progress.rolledBack().contains(id);
        Targets.Steps steps = Targets.steps(plan, timeline, live, ran);
        Targets.Expansion exp = steps.all();
        List<String> errors = new ArrayList<>(exp.errors());
        List<String> warnings = new ArrayList<>(exp.warnings());

        Map<String, ZoneSnapshot> sim = new HashMap<>(live);
        Map<String, List<RRsetChange>> byPhase = new LinkedHashMap<>();
        Map<ZonedKey, Long> originals = new HashMap<>(journaled);
        Set<ZonedKey> touched = new LinkedHashSet<>(JournalFacts.touched(journal));
        List<Target> watched = new ArrayList<>(exp.targets());
        List<String> drift = new ArrayList<>();
        for (ScheduledPhase p : timeline.phases()) {
            if (!p.action().changesDns()) continue;
            if (ran.test(p.id())) {
                List<RRsetChange> done = journal.inPlace(p.id());
                byPhase.put(p.id(), done);
                for (RRsetChange c : done) {
                    if (p.action() == Action.SWAP && watched.stream().noneMatch(t -> t.zone().equals(c.zone()) && t.key().equals(c.key()))) {
                        watched.add(new Target(c.zone(), c.key(), c.before() == null ? List.of() : c.before().rdata(),
                                c.after() == null ? List.of() : c.after().rdata(), "done by " + p.id()));
                    }
                }
                continue;
            }
            List<RRsetChange> changes = switch (p.action()) {
                case LOWER_TTL -> PhaseChanges.lowerTtl(exp.targets(), sim, plan.ttl(), plan.move() != null);
                case SWAP -> {
                    // Each step from the zones as the steps before it leave them: its 'from' is checked there.
                    List<Target> step = stepTargets(plan, p, sim, errors);
                    String who = timeline.all(Action.SWAP).size() > 1 ? "step " + p.id() : "the swap";
                    for (String d : PhaseChanges.drift(step, sim)) drift.add(d + " (" + who + " will refuse until this is resolved)");
                    List<RRsetChange> swapped = PhaseChanges.swap(step, sim, plan.ttl());
                    // What the zones must never hold (the swap asks the same ZoneRules again on the live data).
                    for (String b : PhaseChanges.breaks(sim, swapped)) if (!errors.contains(b)) errors.add(b);
                    yield swapped;
                }
                case RESTORE_TTL -> PhaseChanges.restoreTtl(touched, sim, plan.ttl(), originals);
                default -> List.of();
            };
            for (RRsetChange c : changes) {
                ZonedKey k = new ZonedKey(c.zone(), c.key());
                touched.add(k);
                if (c.before() != null) originals.putIfAbsent(k, c.before().ttl());
            }
            byPhase.put(p.id(), changes);
            sim = applyTo(sim, changes);
        }

        warnings.addAll(RecordWarnings.of(plan, exp.targets(), live, sim));
        for (String d : drift) warnings.add("drift: " + d);
        SafetyReport safety = safety(plan, timeline, exp.targets(), live, caps, errors, warnings, journal, ran, now);
        return new Preview(plan, now, timeline, watched, byPhase, safety, marks(timeline, journal, progress, now));
    }

    /**
     * A provider move's timeline drawn with the old zones' apex NS TTL (the largest, before any lowering):
     * the soak after the delegation counts it, so {@code delegated+parent-ttl} is a day later for a zone
     * whose NS TTL is a day. Other plans as they are.
     */
    static Timeline withOldNsTtl(Plan plan, Timeline timeline, Map<String, ZoneSnapshot> live,
            Map<ZonedKey, Long> originals) {
        if (plan.move() == null) return timeline;
        long oldNs = 0;
        for (String zone : plan.zones()) {
            ZoneSnapshot z = live == null ? null : live.get(zone);
            RRset ns = z == null ? null : z.get(zone, "NS");
            Long original = originals.get(new ZonedKey(zone, new dev.migrate.dns.RRsetKey(zone, "NS")));
            if (ns == null && original == null) continue;
            oldNs = Math.max(oldNs, SoakRule.oldChildNsTtl(original, ns == null ? 0 : ns.ttl()));
        }
        return oldNs == 0 ? timeline : Timeline.of(plan, Timeline.plannedSoak(plan.ttl(), oldNs));
    }

    /** Each phase as the journal has it: its state, when it finished, when it is due (see {@link Preview.Mark}). */
    private static Map<String, Preview.Mark> marks(Timeline timeline, JournalState journal, Scheduler.Progress progress,
            Instant now) {
        Map<String, Preview.Mark> out = new LinkedHashMap<>();
        for (ScheduledPhase p : timeline.phases()) {
            Optional<JournalState.PhaseRecord> r = journal.phase(p.id());
            Optional<Instant> due = timeline.dueAt(p, progress::finished, progress::soak);
            out.put(p.id(), new Preview.Mark(Scheduler.stateOf(p, r, progress, now, due),
                    r.filter(JournalState.PhaseRecord::done).map(JournalState.PhaseRecord::finishedAt).orElse(null),
                    due.orElse(null), timeline.expectedAt(p, progress::finished, progress::soak)));
        }
        return out;
    }

    private static List<Target> stepTargets(Plan plan, ScheduledPhase p, Map<String, ZoneSnapshot> sim, List<String> errors) {
        return plan.step(p.id()).map(step -> {
            Targets.Expansion e = Targets.expand(step, sim);
            for (String err : e.errors()) if (!errors.contains(err)) errors.add(err);
            return e.targets();
        }).orElse(List.of());
    }

    /**
     * A swap step on RRsets an earlier step changed waits for that step's confirm + the lowered TTL + margin;
     * a step planned before that runs late (apply holds it), which the plan should say.
     */
    private static void laterSteps(Plan plan, Timeline timeline, java.util.function.Predicate<String> ran,
            List<String> warnings) {
        Map<ZonedKey, ScheduledPhase> lastSwap = new HashMap<>();
        Duration margin = plan.ttl().marginFor(plan.ttl().lowered());
        for (ScheduledPhase p : timeline.all(Action.SWAP)) {
            Set<ZonedKey> keys = new HashSet<>();
            plan.step(p.id()).ifPresent(st -> st.changes().forEach(c -> keys.add(new ZonedKey(c.zone(),
                    new dev.migrate.dns.RRsetKey(c.name(), c.type())))));
            for (ZonedKey k : keys) {
                ScheduledPhase before = lastSwap.get(k);
                if (before == null || ran.test(p.id())) continue;
                Optional<ScheduledPhase> confirm = timeline.confirmOf(before);
                Instant safe = confirm.map(ScheduledPhase::at).orElse(before.at()).plus(timeline.ttl()).plus(margin);
                if (p.at().isBefore(safe)) {
                    warnings.add(p.id() + " (" + p.spec().at().text() + ") changes " + k.key() + " again before " + safe
                            + ": " + (confirm.isPresent() ? confirm.get().id() + " confirms " + before.id() : before.id())
                            + " + the lowered TTL + margin " + Durations.human(margin) + "; apply holds it until then");
                }
                break;
            }
            for (ZonedKey k : keys) lastSwap.put(k, p);
        }
    }

    /** The zones after {@code changes}, each zone copied only if it changes. */
    public static Map<String, ZoneSnapshot> applyTo(Map<String, ZoneSnapshot> zones, List<RRsetChange> changes) {
        Map<String, List<RRsetChange>> perZone = new LinkedHashMap<>();
        for (RRsetChange c : changes) perZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c);
        Map<String, ZoneSnapshot> out = new HashMap<>(zones);
        perZone.forEach((z, cs) -> out.put(z, out.get(z).with(cs)));
        return out;
    }

    private static boolean runsBefore(Timeline timeline, ScheduledPhase a, ScheduledPhase b) {
        return timeline.indexOf(a.id()) < timeline.indexOf(b.id());
    }

    /**
     * Largest TTL the targets have live now (before any lowering). RRsets whose data resolvers never cache
     * ({@link dev.migrate.dns.RRsetNote#instantSwap()}) do not count: their old TTL delays nothing.
     */
    public static long maxOriginalTtl(List<Target> targets, Map<String, ZoneSnapshot> live) {
        long max = 0;
        for (Target t : targets) {
            ZoneSnapshot z = live.get(t.zone());
            RRset s = z.get(t.key());
            dev.migrate.dns.RRsetNote note = z.note(t.key());
            if (s != null && (note == null || !note.instantSwap())) max = Math.max(max, s.ttl());
        }
        return max;
    }

    private static SafetyReport safety(Plan plan, Timeline timeline, List<Target> targets,
            Map<String, ZoneSnapshot> live, Capabilities caps, List<String> errors, List<String> warnings,
            JournalState journal, java.util.function.Predicate<String> ran, Instant at) {
        // Once lower-ttl ran, the live TTLs are the lowered ones: the originals are the journal's (until the TTLs
        // are back up, when the live ones are the originals again).
        dev.migrate.state.Entry.SafeSwap lowered0 = JournalFacts.loweringInForce(timeline, journal)
                ? JournalFacts.lowering(timeline, journal) : null;
        long maxOrig = lowered0 != null ? lowered0.maxOriginalTtl() : maxOriginalTtl(targets, live);
        Duration margin = plan.ttl().marginFor(maxOrig);
        Optional<ScheduledPhase> lower = timeline.first(Action.LOWER_TTL);
        Optional<ScheduledPhase> swap = timeline.all(Action.SWAP).stream().filter(p -> !ran.test(p.id())).findFirst();
        Optional<ScheduledPhase> confirm = timeline.first(Action.CONFIRM);
        Optional<ScheduledPhase> restore = timeline.first(Action.RESTORE_TTL);
        long lowered = plan.ttl().lowered();

        Instant earliest = null;
        if (lowered0 != null) {
            earliest = lowered0.earliestSafeSwap();
        } else if (lower.isPresent()) {
            earliest = Safety.earliestSafeSwap(lower.get().at(), maxOrig, margin);
            if (lower.get().at().isBefore(at) && !ran.test(lower.get().id())) {
                // Overdue and not run: from now, the swap cannot be safe before this, whatever the schedule says.
                warnings.add("lower-ttl was due at " + lower.get().at() + " and has not run: run it now; the swap is"
                        + " then safe at the soonest at " + Safety.earliestSafeSwap(at, maxOrig, margin));
            }
        } else if (maxOrig > lowered) {
            errors.add("no lower-ttl phase, yet the affected RRsets have TTLs up to " + maxOrig + " s: add"
                    + " { id: lower-ttl, at: T-72h, action: lower-ttl } so caches drop the old answers quickly");
        }
        if (swap.isPresent() && earliest != null && swap.get().at().isBefore(earliest)) {
            errors.add("unsafe: the swap at " + swap.get().at() + " comes before the earliest safe swap " + earliest
                    + " (lower-ttl at " + lower.get().at() + " + largest original TTL " + maxOrig + " s ("
                    + Durations.human(Duration.ofSeconds(maxOrig)) + ") + margin " + Durations.human(margin)
                    + "): move lower-ttl to " + lower.get().spec().at().text() + " minus at least "
                    + Durations.human(Duration.between(swap.get().at(), earliest)) + ", or the cutover later");
        }
        laterSteps(plan, timeline, ran, warnings);
        if (lower.isPresent() && swap.isPresent() && lower.get().at().equals(swap.get().at())) {
            warnings.add("lower-ttl and swap run at the same instant: never lower a TTL and change the data in"
                    + " the same step (caches still hold the old TTL)");
        }
        // Timeline order, not instants: at one instant, plan order decides which runs first.
        if (restore.isPresent() && confirm.isPresent() && runsBefore(timeline, restore.get(), confirm.get())) {
            warnings.add("restore-ttl (" + restore.get().at() + ") comes before confirm (" + confirm.get().at()
                    + "): a rollback after restoring the TTLs would take the full TTL to reach clients");
        }
        if (restore.isPresent() && swap.isPresent() && runsBefore(timeline, restore.get(), swap.get())) {
            warnings.add("restore-ttl comes before the swap: the swap would run with restored (long) TTLs");
        }
        if (lowered < caps.minTtl()) {
            errors.add("ttl.lowered " + lowered + " is below the provider's minimum TTL " + caps.minTtl()
                    + ": raise it to at least " + caps.minTtl());
        }
        if (lowered > caps.maxTtl()) {
            errors.add("ttl.lowered " + lowered + " is above the provider's maximum TTL " + caps.maxTtl());
        }
        if (!caps.atomicBatch()) {
            warnings.add("this provider has no atomic batches: the swap is applied RRset by RRset (each journaled)");
        }

        for (Target t : targets) {
            ZoneSnapshot z = live.get(t.zone());
            RRset now = z.get(t.key());
            if (!caps.supportsType(t.key().type())) {
                errors.add(t.key() + ": the provider cannot write " + t.key().type() + " records");
            }
            dev.migrate.dns.RRsetNote note = z.note(t.key());
            if (note != null && !note.refusedAsTarget()) warnings.add(t.key() + ": " + note.why()); // else Targets: an error
            if (now != null && now.ttl() < lowered && lower.isPresent() && !z.ttlFixed(t.key())) {
                warnings.add(t.key() + ": ttl.lowered " + lowered + " is above its current TTL " + now.ttl()
                        + "; its TTL is left as it is (lowering never raises)");
            }
            if (now == null && !t.to().isEmpty()) {
                boolean nameExists = !z.atName(t.key().name()).isEmpty();
                warnings.add(t.key() + " is created at the swap: resolvers that asked before may keep a negative"
                        + " answer (" + (nameExists ? "NODATA" : "NXDOMAIN") + ") for up to "
                        + (z.negativeTtl() >= 0 ? z.negativeTtl() + " s" : "the zone's negative-caching TTL (the provider does not show its SOA)")
                        + " (RFC 2308: min(SOA TTL, SOA MINIMUM)); create it early, or allow for that time");
            }
            if (t.key().type().equals("NS") && t.key().name().equals(t.zone())) {
                warnings.add(t.key() + ": apex NS change: the parent zone's delegation (and its TTL, 172800 s for .com)"
                        + " is not changed by this tool; keep the old nameservers serving identical data for the"
                        + " parent NS TTL + child NS TTL + margin");
                if (z.get(t.zone(), "DNSKEY") != null || !z.atName(t.zone()).stream().filter(s -> s.type().equals("DS")).toList().isEmpty()) {
                    warnings.add(t.zone() + " is signed (DNSKEY present): an NS change with different keys breaks DNSSEC validation");
                }
            }
        }
        Instant swapAt = swap.map(ScheduledPhase::at).orElse(null);
        return new SafetyReport(maxOrig, margin, earliest, swapAt, List.copyOf(errors), List.copyOf(warnings));
    }

}
