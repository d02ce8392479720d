package dev.migrate.plan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The plan's phases with their planned instants, in the order they run. A phase anchored on another's
 * finish ({@code hold-live+ttl}) is planned at that phase's planned instant plus its offset, and runs after
 * it; at run time it is due at the anchor's actual finish plus the offset ({@link #dueAt}). Ties keep plan
 * order. A provider move's soak ({@code delegated+parent-ttl}) is planned with the usual parent NS TTL
 * ({@link Offset#USUAL_PARENT_NS_TTL}), plus the old zones' NS TTL where it is known ({@link #of(Plan, Duration)}),
 * until await-delegation has seen the real one: such instants are estimates ({@link #estimated}).
 *
 * @param loweredTtl  seconds one {@code ttl} in an offset is worth
 * @param plannedSoak what {@code parent-ttl} is worth in the plan, before await-delegation has seen it
 */
public record Timeline(Instant cutover, List<ScheduledPhase> phases, long loweredTtl, Duration plannedSoak) {

    public Timeline(Instant cutover, List<ScheduledPhase> phases) {
        this(cutover, phases, 0);
    }

    public Timeline(Instant cutover, List<ScheduledPhase> phases, long loweredTtl) {
        this(cutover, phases, loweredTtl, Offset.USUAL_PARENT_NS_TTL);
    }

    /**
     * The soak a plan is drawn with from the plan file alone: the usual parent NS TTL and its margin (the old
     * zone's NS TTL needs the live zone or the journal: {@link #plannedSoak(TtlPolicy, long)}).
     */
    static Duration plannedSoak(TtlPolicy ttl) {
        return plannedSoak(ttl, 0);
    }

    /**
     * The soak a plan is drawn with once the old zone's apex NS TTL is known (read live, or from the journal
     * once lower-ttl lowered it): the usual parent NS TTL + that TTL + the margin over both, as
     * await-delegation will count it with the parent's real TTL.
     */
    public static Duration plannedSoak(TtlPolicy ttl, long oldChildNsTtl) {
        long seconds = Offset.USUAL_PARENT_NS_TTL.toSeconds() + Math.max(0, oldChildNsTtl);
        Duration soak = Duration.ofSeconds(seconds);
        return ttl == null ? soak : soak.plus(ttl.marginFor(seconds));
    }

    public static Timeline of(Plan plan) {
        return of(plan, plannedSoak(plan.ttl()));
    }

    /** The plan's timeline with {@code parent-ttl} worth {@code plannedSoak} until await-delegation measures it. */
    public static Timeline of(Plan plan, Duration plannedSoak) {
        long ttl = plan.ttl() == null ? 0 : plan.ttl().lowered();
        return new Timeline(plan.cutover(), schedule(plan.phases(), plan.cutover(), ttl, plannedSoak), ttl, plannedSoak);
    }

    /**
     * These phases with their planned instants, in the order they run, the soak planned with the usual
     * parent NS TTL (the plan loader checks the order of phases with it).
     *
     * @throws IllegalArgumentException when anchors name an unknown phase or form a cycle
     */
    public static List<ScheduledPhase> inOrder(Instant cutover, List<PhaseSpec> phases, long loweredTtl) {
        return schedule(phases, cutover, loweredTtl, Offset.USUAL_PARENT_NS_TTL);
    }

    /**
     * Phases with their planned instants, in the order they run.
     *
     * @throws IllegalArgumentException when anchors form a cycle or name an unknown phase (the loader says so first)
     */
    static List<ScheduledPhase> schedule(List<PhaseSpec> phases, Instant cutover, long ttl, Duration soak) {
        Map<String, PhaseSpec> byId = new HashMap<>();
        for (PhaseSpec p : phases) byId.put(p.id(), p);
        Map<String, Instant> planned = new HashMap<>();
        Map<String, Integer> depth = new HashMap<>();
        for (PhaseSpec p : phases) plan(p, byId, planned, depth, ttl, soak, cutover, 0);
        List<PhaseSpec> ordered = new ArrayList<>(phases);
        // Stable: an anchor comes before the phases anchored on it even at one instant, then plan order.
        ordered.sort(Comparator.comparing((PhaseSpec p) -> planned.get(p.id())).thenComparing(p -> depth.get(p.id())));
        List<ScheduledPhase> out = new ArrayList<>();
        for (PhaseSpec p : ordered) out.add(new ScheduledPhase(p, planned.get(p.id())));
        return List.copyOf(out);
    }

    private static Instant plan(PhaseSpec p, Map<String, PhaseSpec> byId, Map<String, Instant> planned,
            Map<String, Integer> depth, long ttl, Duration soak, Instant cutover, int level) {
        Instant known = planned.get(p.id());
        if (known != null) return known;
        // The loader refuses cycles and unknown anchors; the bound keeps a hand-made plan from looping.
        if (level > byId.size()) throw new IllegalArgumentException("phase anchors form a cycle through " + p.id());
        Offset at = p.at();
        Instant base = cutover;
        int d = 0;
        if (!at.onCutover()) {
            PhaseSpec anchor = byId.get(at.anchor());
            if (anchor == null) throw new IllegalArgumentException("phase " + p.id() + " counts from unknown phase " + at.anchor());
            base = plan(anchor, byId, planned, depth, ttl, soak, cutover, level + 1);
            d = depth.get(anchor.id()) + 1;
        }
        Instant when = base.plus(at.span(ttl, soak));
        planned.put(p.id(), when);
        depth.put(p.id(), d);
        return when;
    }

    public Optional<ScheduledPhase> first(Action action) {
        return phases.stream().filter(p -> p.action() == action).findFirst();
    }

    public Optional<ScheduledPhase> phase(String id) {
        return phases.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public int indexOf(String id) {
        for (int i = 0; i < phases.size(); i++) if (phases.get(i).id().equals(id)) return i;
        return -1;
    }

    /** The phases with this action, in timeline order. */
    public List<ScheduledPhase> all(Action action) {
        return phases.stream().filter(p -> p.action() == action).toList();
    }

    /**
     * When a phase is due given what actually finished: its planned instant when it counts from T; its
     * anchor's actual finish plus its offset when it counts from a phase; empty while that anchor has not
     * finished.
     *
     * @param finishedAt a phase's actual finish (when its change was confirmed, for phases that confirm), or empty
     */
    public Optional<Instant> dueAt(ScheduledPhase p, Function<String, Optional<Instant>> finishedAt) {
        return dueAt(p, finishedAt, anchor -> Optional.empty());
    }

    /**
     * The same, with {@code soakSeen} giving a provider move's soak as await-delegation measured it (the
     * parent's NS TTL + the old NS TTL + margin, keyed by that phase's id); the planned soak where it gives none.
     */
    public Optional<Instant> dueAt(ScheduledPhase p, Function<String, Optional<Instant>> finishedAt,
            Function<String, Optional<Duration>> soakSeen) {
        Offset at = p.spec().at();
        if (at.onCutover()) return Optional.of(p.at());
        Duration soak = at.soak() ? soakSeen.apply(at.anchor()).orElse(plannedSoak) : Duration.ZERO;
        return finishedAt.apply(at.anchor()).map(f -> f.plus(at.span(loweredTtl, soak)));
    }

    /**
     * True when {@code p}'s planned instant counts a provider move's soak (itself, or through its anchors)
     * with the usual parent NS TTL: an estimate until await-delegation has seen the parent's.
     */
    public boolean estimated(ScheduledPhase p) {
        PhaseSpec s = p.spec();
        for (int hops = 0; hops <= phases.size() && s != null; hops++) {
            if (s.at().soak()) return true;
            if (s.at().onCutover()) return false;
            String anchor = s.at().anchor();
            s = phase(anchor).map(ScheduledPhase::spec).orElse(null);
        }
        return false;
    }

    /**
     * When a phase is expected to be due: {@link #dueAt} once the phase it counts from has finished; before that,
     * that phase's own expected instant plus the offset (a phase counted from T: its planned instant). What
     * {@code status} and {@code plan} show for a phase that has not run.
     */
    public Instant expectedAt(ScheduledPhase p, Function<String, Optional<Instant>> finishedAt) {
        return expectedAt(p, finishedAt, anchor -> Optional.empty());
    }

    /** The same, with a provider move's soak as await-delegation measured it (see {@link #dueAt(ScheduledPhase, Function, Function)}). */
    public Instant expectedAt(ScheduledPhase p, Function<String, Optional<Instant>> finishedAt,
            Function<String, Optional<Duration>> soakSeen) {
        return expectedAt(p, finishedAt, soakSeen, 0);
    }

    private Instant expectedAt(ScheduledPhase p, Function<String, Optional<Instant>> finishedAt,
            Function<String, Optional<Duration>> soakSeen, int level) {
        Offset at = p.spec().at();
        Optional<ScheduledPhase> anchor = at.onCutover() ? Optional.empty() : phase(at.anchor());
        // The loader refuses cycles; the bound keeps a hand-made timeline from looping.
        if (anchor.isEmpty() || level > phases.size()) return p.at();
        Instant base = finishedAt.apply(at.anchor()).orElseGet(() -> expectedAt(anchor.get(), finishedAt, soakSeen, level + 1));
        Duration soak = at.soak() ? soakSeen.apply(at.anchor()).orElse(plannedSoak) : Duration.ZERO;
        return base.plus(at.span(loweredTtl, soak));
    }

    /** The swap a confirm phase confirms: the one it names with {@code swap:}, else the last swap before it. */
    public Optional<ScheduledPhase> swapConfirmedBy(ScheduledPhase confirm) {
        String named = confirm.spec().swap();
        if (named != null) return phase(named);
        ScheduledPhase last = null;
        for (ScheduledPhase p : phases) {
            if (p.id().equals(confirm.id())) break;
            if (p.action() == Action.SWAP) last = p;
        }
        return Optional.ofNullable(last);
    }

    /** The confirm phase that confirms this swap, if the plan has one. */
    public Optional<ScheduledPhase> confirmOf(ScheduledPhase swap) {
        return all(Action.CONFIRM).stream().filter(c -> swapConfirmedBy(c).map(s -> s.id().equals(swap.id())).orElse(false))
                .findFirst();
    }

    /** The phases before {@code p} in timeline order. */
    public List<ScheduledPhase> before(ScheduledPhase p) {
        int i = indexOf(p.id());
        return i < 0 ? List.of() : phases.subList(0, i);
    }

    /** One lowered TTL as a duration. */
    public Duration ttl() {
        return Duration.ofSeconds(loweredTtl);
    }
}
