package dev.migrate.engine.action;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.JournalFacts;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.SoakRule;
import dev.migrate.engine.Verdict;
import dev.migrate.plan.MoveSpec;
import dev.migrate.probe.DelegationProbe;
import dev.migrate.probe.ProbeException;
import dev.migrate.state.Entry;
import dev.migrate.state.JournalState;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * await-delegation: every parent address delegates to exactly the new NS set, in consecutive rounds. The
 * registrar's change takes minutes to days to reach every parent server, so one apply polls for a short
 * while and, if not yet, says when to look again (cron's next apply, or {@code --wait}); the phase fails
 * only at its own deadline (its start + {@code timeout}). Once seen everywhere it journals when, and the
 * TTLs caches may hold the old delegation for: release-old's wait is measured from that.
 */
final class AwaitDelegation implements PhaseAction {
    /** Rounds of polling one apply does at most before handing back to cron or --wait. */
    static final int ROUNDS_PER_APPLY = 10;

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        MoveSpec move = run.plan().move();
        String id = run.phase().id();
        Instant started = run.journal().phase(id).map(JournalState.PhaseRecord::startedAt).orElse(null);
        if (started == null) {
            run.started(false);
            started = run.now();
        }
        Instant deadline = started.plus(run.phase().spec().timeoutOrDefault());
        Duration interval = run.plan().propagation().interval();
        Instant pollUntil = min(deadline, run.now().plus(interval.multipliedBy(ROUNDS_PER_APPLY)));
        Map<String, ZoneSnapshot> live = run.readLive();
        List<String> summaries = new ArrayList<>();
        boolean everywhere = true;
        Instant seen = null;
        long parentTtl = -1;
        long childTtl = 0;
        Map<ZonedKey, Long> originals = JournalFacts.originalTtls(run.timeline(), run.journal());
        for (String zone : run.plan().zones()) {
            DelegationProbe.Outcome out;
            try {
                out = run.moveProbes().delegation(run.plan(), zone).await(move.nameservers(), Delegate.oldSet(live.get(zone), move),
                        move.nameservers(), pollUntil, run.progress());
            } catch (ProbeException e) {
                throw new EngineException(Verdict.BLOCKED, zone + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted while watching the parent of " + zone);
            }
            summaries.add(zone + ": " + out.summary());
            everywhere &= out.delegated();
            if (!out.delegated()) continue;
            if (seen == null || out.seenEverywhereAt().isAfter(seen)) seen = out.seenEverywhereAt();
            parentTtl = Math.max(parentTtl, out.largestNsTtl());
            RRset apexNs = live.get(zone).get(zone, "NS");
            childTtl = Math.max(childTtl, SoakRule.oldChildNsTtl(originals.get(new ZonedKey(zone, new RRsetKey(zone, "NS"))),
                    apexNs == null ? 0 : apexNs.ttl()));
        }
        if (!everywhere) {
            String why = "the parent does not delegate to " + move.nameservers() + " everywhere yet: " + String.join("; ", summaries);
            if (!run.now().isBefore(deadline)) {
                throw new EngineException(Verdict.CHECK_FAILED, why + ". The deadline " + deadline + " ("
                        + Durations.human(run.phase().spec().timeoutOrDefault()) + " after this phase started) has passed:"
                        + " check the NS set at the registrar");
            }
            return new PhaseOutcome.HeldUntil(min(deadline, run.now().plus(interval)), why + "; the next apply looks again,"
                    + " until " + deadline);
        }
        Duration margin = run.plan().ttl().marginFor(parentTtl + childTtl);
        SoakRule.Facts facts = new SoakRule.Facts(seen, parentTtl, childTtl, margin);
        run.observed(new Entry.DelegationSeen(id, seen, parentTtl, childTtl, margin));
        return run.finished(String.join("; ", summaries) + ". The old provider keeps serving until " + facts.releaseAt()
                + " (parent NS TTL " + parentTtl + " s + old NS TTL " + childTtl + " s + margin " + Durations.human(margin) + ")",
                List.of(), new Entry.PhaseFinished(id, seen, null, false));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        return new PhaseOutcome.WouldRun("would watch every parent address until each delegates to "
                + p.plan().move().nameservers() + " (up to " + Durations.human(p.phase().spec().timeoutOrDefault()) + ")",
                List.of());
    }
}
