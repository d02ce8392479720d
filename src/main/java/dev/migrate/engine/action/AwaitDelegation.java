package dev.migrate.engine.action;

import dev.migrate.dns.Names;
import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
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
import java.util.Optional;

/**
 * await-delegation: every parent address delegates to exactly the new NS set, in consecutive rounds. The
 * registrar's change takes minutes to days to reach every parent server, so one apply polls for a short
 * while and, if not yet, says when to look again (cron's next apply, or {@code --wait}); the phase fails
 * only at its own deadline (its start + {@code timeout}). Once seen everywhere it journals when, and the
 * TTLs caches may hold the old delegation for: release-old's wait is measured from that. Then the old
 * provider's apex NS names the new set too (DOMAIN.md, "Nameserver (delegation) changes"): a resolver that
 * still asks the old servers learns the new delegation from them. That write is journaled like any other,
 * and a rollback puts the old set back.
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
        Optional<Entry.DelegationSeen> already = run.journal().delegationSeen(id);
        if (already.isPresent()) {
            // An earlier run saw it everywhere and stopped before it finished: what was seen stands.
            Entry.DelegationSeen d = already.get();
            return finish(run, live, "the new delegation was seen at every parent address at " + d.seenAt(),
                    new SoakRule.Facts(d.seenAt(), d.parentNsTtl(), d.oldChildNsTtl(), d.margin()));
        }
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
        return finish(run, live, String.join("; ", summaries), facts);
    }

    /** The old provider's apex NS to the new set, then the phase's end with the soak it starts. */
    private static PhaseOutcome finish(PhaseRun run, Map<String, ZoneSnapshot> live, String seen, SoakRule.Facts f)
            throws IOException, EngineException {
        List<RRsetChange> changes = pointAtTheNewServers(live, run.plan().move());
        run.write(changes);
        return run.finished(seen + ". " + (changes.isEmpty() ? "" : "The old provider's apex NS now names "
                + run.plan().move().nameservers() + " too. ") + "The old provider keeps serving until " + f.releaseAt()
                + " (parent NS TTL " + f.parentNsTtl() + " s + old NS TTL " + f.oldChildNsTtl() + " s + margin "
                + Durations.human(f.margin()) + ")", changes, new Entry.PhaseFinished(run.phase().id(), f.seenEverywhereAt(),
                        null, false));
    }

    /** The old zones' apex NS set to {@code move.nameservers}, each at the TTL it has. */
    static List<RRsetChange> pointAtTheNewServers(Map<String, ZoneSnapshot> old, MoveSpec move) {
        List<RRsetChange> out = new ArrayList<>();
        List<String> wanted = move.nameservers().stream().map(Names::canonical).toList();
        for (ZoneSnapshot z : old.values()) {
            RRset ns = z.get(z.zone(), "NS");
            if (ns == null) continue;
            RRset after = ns.withData(wanted);
            if (!after.equals(ns)) out.add(RRsetChange.of(z.zone(), ns, after));
        }
        return out;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        return new PhaseOutcome.WouldRun("would watch every parent address until each delegates to "
                + p.plan().move().nameservers() + " (up to " + Durations.human(p.phase().spec().timeoutOrDefault()) + "),"
                + " then set the old provider's apex NS to that set too", pointAtTheNewServers(p.simulated(), p.plan().move()));
    }
}
