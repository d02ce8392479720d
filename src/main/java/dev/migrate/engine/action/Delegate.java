package dev.migrate.engine.action;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.DnssecRule;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.SafetyGate.Gate;
import dev.migrate.engine.Verdict;
import dev.migrate.plan.MoveSpec;
import dev.migrate.probe.DelegationProbe;
import dev.migrate.probe.ParentView;
import dev.migrate.probe.ProbeException;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * delegate: the moment the delegation moves. The operator changes the NS set at the registrar (the phase
 * usually says {@code approval: required}: approving it is saying "I am changing it now"); this phase first
 * checks what the parent serves for DNSSEC ({@link DnssecRule}) and refuses or holds the move while a DS
 * would break it, then records the decision and names the NS set to enter. await-delegation watches the
 * parent until every address serves it. (Writing the parent itself, where it takes RFC 2136 updates, is
 * not done yet.)
 */
final class Delegate implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        MoveSpec move = run.plan().move();
        Map<String, ZoneSnapshot> live = run.readLive();
        List<String> state = new ArrayList<>();
        boolean already = true;
        for (String zone : run.plan().zones()) {
            DelegationProbe.Round round;
            List<String> keys = List.of();
            try {
                round = run.moveProbes().delegation(run.plan(), zone).probeOnce(oldSet(live.get(zone), move), move.nameservers());
                if (round.ds().status() == ParentView.Ds.Status.PRESENT) {
                    keys = run.moveProbes().comparison(run.plan(), zone).apexKeys();
                }
            } catch (ProbeException e) {
                throw new EngineException(Verdict.BLOCKED, zone + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted while asking the parent of " + zone);
            }
            ParentView.Ds ds = round.ds();
            JournalState.DsHistory before = run.journal().dsHistory(zone);
            if (ds.status() == ParentView.Ds.Status.PRESENT && (!before.present() || before.lastTtl() != ds.ttl())
                    || ds.status() == ParentView.Ds.Status.ABSENT && before.present()) {
                run.observed(new Entry.DsSeen(run.phase().id(), zone, ds.status() == ParentView.Ds.Status.PRESENT, ds.ttl()));
            }
            JournalState.DsHistory history = run.journal().dsHistory(zone);
            Gate g = DnssecRule.beforeDelegate(zone, move.dnssec(), ds, keys, history,
                    run.plan().ttl().marginFor(Math.max(0, history.lastTtl())), run.now());
            if (g instanceof Gate.Refused r) return new PhaseOutcome.Blocked(r.why());
            if (g instanceof Gate.HeldUntil h) return new PhaseOutcome.HeldUntil(h.until(), h.why());
            already &= round.delegatesEverywhereTo(java.util.Set.copyOf(move.nameservers()));
            state.add(zone + " (the parent serves: " + String.join("; ", round.addresses().stream()
                    .map(ParentView::describe).toList()) + ")");
        }
        run.started(false);
        String message = already ? "every parent address already delegates to " + move.nameservers() + ": " + String.join("; ", state)
                : "the delegation moves now: at the registrar, set the NS of " + String.join(", ", run.plan().zones()) + " to "
                        + move.nameservers() + ". Now " + String.join("; ", state) + ". await-delegation watches every"
                        + " parent address until each serves the new set";
        return run.finished(message, List.of(), Entry.PhaseFinished.plain(run.phase().id()));
    }

    /** The NS set the zone is delegated to today: the old zone's apex NS (unless it already names the new set). */
    static List<String> oldSet(ZoneSnapshot old, MoveSpec move) {
        RRset ns = old == null ? null : old.get(old.zone(), "NS");
        if (ns == null || dev.migrate.engine.PhaseChanges.holds(ns, move.nameservers())) return List.of();
        return ns.rdata();
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        return new PhaseOutcome.WouldRun("would check the DS at the parent (" + (p.plan().move().dnssec() == null
                ? "none may be there" : "move.dnssec: " + p.plan().move().dnssec()) + ") and hand the delegation to the"
                + " operator: NS " + p.plan().move().nameservers() + " at the registrar", List.of());
    }
}
