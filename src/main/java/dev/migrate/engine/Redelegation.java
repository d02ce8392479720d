package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Action;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.DelegationProbe;
import dev.migrate.probe.ProbeException;
import dev.migrate.state.Batch;
import dev.migrate.state.JournalState;
import dev.migrate.state.WrittenTo;
import dev.migrate.support.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rollback after a provider move's delegation. Before {@code delegate} nothing but the new provider's
 * copy points anywhere new, and a rollback removes it. From {@code delegate} on, resolvers may already
 * have been sent to the new servers (DOMAIN.md, "Nameserver (delegation) changes"): the copy stays and
 * keeps serving, the swaps go back at both providers, the old provider's apex NS names the old set again,
 * and the delegation goes back at the registrar, which only the operator can do. The rollback says so
 * and watches every parent address until each delegates to the old set again, like await-delegation,
 * up to await-delegation's timeout from the rollback's start (exit 3 after that; running the rollback
 * again keeps watching).
 */
final class Redelegation {
    private Redelegation() {}

    /** True once the delegate phase has started: the delegation may have moved. */
    static boolean started(Timeline timeline, JournalState st) {
        return timeline.first(Action.DELEGATE).flatMap(d -> st.phase(d.id())).isPresent();
    }

    /**
     * The NS set the zone was delegated to before the move: what await-delegation's write at the old provider
     * replaced (the journal keeps it), else the old provider's apex NS as it is (once that write is undone).
     */
    static List<String> oldSet(Timeline timeline, JournalState st, ZoneSnapshot old) {
        String zone = old.zone();
        for (ScheduledPhase p : timeline.all(Action.AWAIT_DELEGATION)) {
            for (Batch b : st.batches()) {
                if (!b.phase().equals(p.id()) || b.writtenTo() != WrittenTo.PROVIDER || !b.zone().equals(zone)) continue;
                for (RRsetChange c : b.changes()) {
                    if (c.key().type().equals("NS") && c.key().name().equals(zone) && c.before() != null) {
                        return c.before().rdata();
                    }
                }
            }
        }
        RRset ns = old.get(zone, "NS");
        return ns == null ? List.of() : ns.rdata();
    }

    /** How the delegation stands after the rollback's watch. */
    record Outcome(boolean back, String message) {}

    /**
     * Tells the operator which NS set to put back at the registrar, then watches every parent address until
     * each delegates to it in consecutive rounds, or the deadline.
     *
     * @param old the zones as the old provider holds them after the rollback's writes
     */
    static Outcome await(Plan plan, Timeline timeline, JournalState st, Map<String, ZoneSnapshot> old, MoveProbes probes,
            EngineListener listener) throws EngineException {
        Duration timeout = timeline.first(Action.AWAIT_DELEGATION).map(p -> p.spec().timeoutOrDefault())
                .orElse(Duration.ofDays(3));
        Instant deadline = st.rollbackStartedAt().orElse(probes.now()).plus(timeout);
        // Run again after its deadline, the watch still gets the rounds a confirmation takes.
        Instant least = probes.now().plus(plan.propagation().interval().multipliedBy(plan.propagation().rounds() + 1L));
        if (deadline.isBefore(least)) deadline = least;
        Map<String, List<String>> sets = new java.util.LinkedHashMap<>();
        for (String zone : plan.zones()) sets.put(zone, oldSet(timeline, st, old.get(zone)));
        List<String> shown = sets.values().stream().distinct().count() == 1 ? sets.values().iterator().next()
                : sets.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
        listener.event(new EngineEvent.DelegationBack(plan.zones(), shown, deadline));
        List<String> summaries = new ArrayList<>();
        boolean back = true;
        for (String zone : plan.zones()) {
            List<String> wanted = sets.get(zone);
            if (wanted.isEmpty()) {
                throw new EngineException(Verdict.FAILURE, zone + ": neither the journal nor the old provider tells the NS"
                        + " set it was delegated to before the move; put it back at the registrar by hand");
            }
            DelegationProbe.Outcome out;
            try {
                out = probes.delegation(plan, zone).await(wanted, wanted, plan.move().nameservers(),
                        deadline, listener.progress());
            } catch (ProbeException e) {
                throw new EngineException(Verdict.BLOCKED, zone + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted while watching the parent of " + zone);
            }
            summaries.add(zone + ": " + out.summary());
            back &= out.delegated();
        }
        String put = "at the registrar, the NS of " + String.join(", ", plan.zones()) + " go back to "
                + (sets.size() == 1 ? sets.values().iterator().next() : sets.toString());
        if (back) {
            return new Outcome(true, put + "; " + String.join("; ", summaries) + ". The new provider keeps its copy, serving"
                    + " resolvers that still hold the new delegation: let it go no sooner than the parent NS TTL from now");
        }
        return new Outcome(false, put + ", and the parent does not serve that everywhere by " + deadline + " ("
                + Durations.human(timeout) + " after the rollback started): " + String.join("; ", summaries)
                + ". Check the NS set at the registrar; 'migrate rollback' again watches once more");
    }
}
