package dev.migrate.engine;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.Scheduler.Due;
import dev.migrate.engine.Scheduler.Progress;
import dev.migrate.engine.action.Actions;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.DnsProvider;
import dev.migrate.state.JournalState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code apply --dry-run}: the same scheduler as apply, with each due phase's {@code preview} in place of
 * its {@code run}, on a copy of the live zones that each simulated phase advances. Reads the provider and
 * the journal; writes nothing, not even a state directory.
 */
final class DryRun {
    private DryRun() {}

    static RunReport of(Plan plan, Timeline timeline, DnsProvider provider, JournalState st, Instant now,
            Engine.Options o, String planDigest) throws EngineException {
        List<String> notes = new ArrayList<>();
        if (!st.pending().isEmpty()) notes.add(st.pending().size() + " write(s) without a commit would be settled first");
        Progress progress = Progress.of(timeline, st);
        Due first = Scheduler.due(timeline, progress, now, o.onlyPhase());
        if (first instanceof Due.RolledBack || first instanceof Due.RollbackUnfinished || first instanceof Due.RestoreAfterRollback) {
            notes.add(first instanceof Due.RestoreAfterRollback ? "rolled back: apply would restore the lowered TTLs now"
                    : first instanceof Due.RolledBack ? "rolled back: apply would do nothing (start again with --restart)"
                    : "a rollback is unfinished: apply would do nothing until 'migrate rollback' finishes it");
            return new RunReport(List.of(), Verdict.OK, null, null, notes);
        }
        if (first instanceof Due.AlreadyDone d) return Engine.alreadyDone(timeline, st, d.phase(), notes);
        LiveZones live = new LiveZones(plan, provider);
        Map<String, ZoneSnapshot> zones = live.readAll();
        PhasePreview preview = new PhasePreview(plan, timeline, st, now, o.force(), zones, live.targets(zones));
        List<PhaseResult> results = new ArrayList<>();
        Verdict verdict = Verdict.OK;
        for (int round = 0; round <= timeline.phases().size(); round++) {
            Due due = round == 0 ? first : Scheduler.due(timeline, progress, now, o.onlyPhase());
            if (due instanceof Due.WaitsFor w) {
                results.add(Engine.earlierPhaseNotDone(w));
                verdict = Verdict.BLOCKED;
                break;
            }
            if (!(due instanceof Due.Run run)) break;
            ScheduledPhase p = run.phase();
            if (p.spec().approvalRequired()) {
                Optional<String> missing = SafetyGate.approvalMissing(p.id(), st.approval(p.id()), st.approvedAt(p.id()),
                        planDigest, plan.file().toString());
                if (missing.isPresent()) {
                    results.add(new PhaseResult(p.id(), p.action(), new PhaseOutcome.Blocked(missing.get())));
                    verdict = Verdict.BLOCKED;
                    break;
                }
            }
            PhaseOutcome out = Actions.of(p.action()).preview(preview.at(p));
            results.add(new PhaseResult(p.id(), p.action(), out));
            if (!(out instanceof PhaseOutcome.WouldRun)) {
                return new RunReport(results, out.verdict(), p.id(), p.at(), notes);
            }
            preview.advance(Planner.applyTo(preview.simulated(), out.changes()));
            progress = progress.with(p.id(), now);
            if (o.onlyPhase() != null) break;
        }
        Optional<Scheduler.Next> next = Scheduler.next(timeline, progress);
        return new RunReport(results, verdict, next.map(Scheduler.Next::id).orElse(null),
                next.map(Scheduler.Next::at).orElse(null), notes);
    }
}
