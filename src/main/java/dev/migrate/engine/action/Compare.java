package dev.migrate.engine.action;

import dev.migrate.dns.RRset;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Verdict;
import dev.migrate.engine.ZoneCopy;
import dev.migrate.probe.Difference;
import dev.migrate.probe.ProbeException;
import dev.migrate.probe.ZoneComparison;
import dev.migrate.state.Entry;
import dev.migrate.support.Durations;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * compare: every address of every new nameserver serves exactly the old zone (every RRset, data and TTL,
 * with the AA bit), the apex NS being {@code move.nameservers}. Waits up to the phase's timeout for it (the
 * new provider's secondaries may still be catching up); any difference left then fails the phase (exit 3),
 * each named by RRset and address.
 */
final class Compare implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Map<String, ZoneSnapshot> old = run.readLive();
        run.started(false);
        Instant deadline = run.now().plus(run.phase().spec().timeoutOrDefault());
        List<String> summaries = new ArrayList<>();
        List<Difference> differences = new ArrayList<>();
        Instant confirmed = null;
        for (String zone : run.plan().zones()) {
            List<RRset> expected = ZoneCopy.expected(old.get(zone), run.plan().move().nameservers());
            ZoneComparison.Outcome out;
            try {
                out = run.moveProbes().comparison(run.plan(), zone).await(expected, deadline, run.progress());
            } catch (ProbeException e) {
                throw new EngineException(Verdict.BLOCKED, zone + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException(Verdict.FAILURE, "interrupted while comparing " + zone);
            }
            summaries.add(zone + ": " + out.summary());
            differences.addAll(out.last().differences());
            if (out.identical() && (confirmed == null || out.confirmedAt().isAfter(confirmed))) confirmed = out.confirmedAt();
        }
        if (!differences.isEmpty()) {
            List<String> shown = differences.stream().limit(20).map(Difference::describe).toList();
            throw new EngineException(Verdict.CHECK_FAILED, "the new nameservers do not serve the old zone exactly: "
                    + String.join("; ", summaries) + ". " + differences.size() + " difference(s): " + String.join("; ", shown)
                    + (differences.size() > shown.size() ? "; ..." : "") + ". Fix them at the new provider, then run apply again");
        }
        return run.finished(String.join("; ", summaries), List.of(),
                new Entry.PhaseFinished(run.phase().id(), confirmed, null, false));
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        return new PhaseOutcome.WouldRun("would ask every address of " + p.plan().move().nameservers() + " for every RRset"
                + " of the old zone (RD=0) and wait up to " + Durations.human(p.phase().spec().timeoutOrDefault())
                + " until each serves it exactly", List.of());
    }
}
