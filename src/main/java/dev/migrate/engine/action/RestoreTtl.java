package dev.migrate.engine.action;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.JournalFacts;
import dev.migrate.engine.PhaseChanges;
import dev.migrate.engine.PhaseChanges.ZonedKey;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Target;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** restore-ttl: every RRset the migration touched back to its original TTL (or the plan's restore TTL). */
final class RestoreTtl implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        Map<String, ZoneSnapshot> live = run.readLive();
        Set<ZonedKey> touched = JournalFacts.touched(run.journal());
        run.started(false);
        List<RRsetChange> changes = PhaseChanges.restoreTtl(touched, live, run.plan().ttl(),
                JournalFacts.originalTtls(run.timeline(), run.journal()));
        run.write(changes);
        return run.finished(changes.size() + " RRset(s) back to their " + (run.plan().ttl().restore().isPresent()
                ? "TTL " + run.plan().ttl().restore().getAsLong() : "original TTL"), changes,
                Entry.PhaseFinished.plain(run.phase().id()));
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        Set<ZonedKey> touched = JournalFacts.touched(p.journal());
        for (Target t : p.targets()) touched.add(new ZonedKey(t.zone(), t.key()));
        List<RRsetChange> changes = PhaseChanges.restoreTtl(touched, p.simulated(), p.plan().ttl(),
                JournalFacts.originalTtls(p.timeline(), p.journal()));
        return new PhaseOutcome.WouldRun("would restore the TTL of " + changes.size() + " RRset(s)", changes);
    }
}
