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
 * order.
 *
 * @param loweredTtl seconds one {@code ttl} in an offset is worth
 */
public record Timeline(Instant cutover, List<ScheduledPhase> phases, long loweredTtl) {

    public Timeline(Instant cutover, List<ScheduledPhase> phases) {
        this(cutover, phases, 0);
    }

    public static Timeline of(Plan plan) {
        long ttl = plan.ttl() == null ? 0 : plan.ttl().lowered();
        Map<String, PhaseSpec> byId = new HashMap<>();
        for (PhaseSpec p : plan.phases()) byId.put(p.id(), p);
        Map<String, Instant> planned = new HashMap<>();
        Map<String, Integer> depth = new HashMap<>();
        for (PhaseSpec p : plan.phases()) plan(p, byId, planned, depth, ttl, plan.cutover(), 0);
        List<PhaseSpec> ordered = new ArrayList<>(plan.phases());
        // Stable: an anchor comes before the phases anchored on it even at one instant, then plan order.
        ordered.sort(Comparator.comparing((PhaseSpec p) -> planned.get(p.id())).thenComparing(p -> depth.get(p.id())));
        List<ScheduledPhase> out = new ArrayList<>();
        for (PhaseSpec p : ordered) out.add(new ScheduledPhase(p, planned.get(p.id())));
        return new Timeline(plan.cutover(), List.copyOf(out), ttl);
    }

    private static Instant plan(PhaseSpec p, Map<String, PhaseSpec> byId, Map<String, Instant> planned,
            Map<String, Integer> depth, long ttl, Instant cutover, int level) {
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
            base = plan(anchor, byId, planned, depth, ttl, cutover, level + 1);
            d = depth.get(anchor.id()) + 1;
        }
        Instant when = base.plus(at.span(ttl));
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
        Offset at = p.spec().at();
        if (at.onCutover()) return Optional.of(p.at());
        return finishedAt.apply(at.anchor()).map(f -> f.plus(at.span(loweredTtl)));
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
