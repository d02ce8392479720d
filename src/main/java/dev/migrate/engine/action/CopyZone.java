package dev.migrate.engine.action;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.engine.EngineException;
import dev.migrate.engine.MoveTarget;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhasePreview;
import dev.migrate.engine.PhaseRun;
import dev.migrate.engine.Verdict;
import dev.migrate.engine.ZoneCopy;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.Entry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * copy-zone: the old zone, read whole from the plan's provider, written to the new one ({@code move.to})
 * through the journaled path (rollback removes what it created), without what the new provider owns (its
 * SOA; the apex NS becomes {@code move.nameservers}) and without DNSSEC signer data. What cannot be copied
 * faithfully stops it before anything is written, with the whole list ({@link ZoneCopy}).
 */
final class CopyZone implements PhaseAction {

    @Override
    public PhaseOutcome run(PhaseRun run) throws IOException, EngineException {
        MoveTarget to = run.newProvider();
        Map<String, ZoneSnapshot> old = run.readLive();
        List<RRsetChange> changes = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        int expected = 0;
        for (String zone : run.plan().zones()) {
            ZoneSnapshot atNew;
            try {
                atNew = to.read(zone);
            } catch (ProviderException e) {
                throw new EngineException(Verdict.FAILURE, "cannot read " + zone + " at the new provider (" + to.describe()
                        + "): " + e.getMessage() + ". Create the zone there first (the provider gives it its own SOA and NS),"
                        + " then run apply again", e);
            }
            ZoneCopy.Decision d = ZoneCopy.decide(old.get(zone), atNew, run.plan().move().nameservers(), to.capabilities());
            if (d instanceof ZoneCopy.Decision.Refused r) {
                r.reasons().forEach(x -> refused.add(zone + ": " + x));
            } else {
                ZoneCopy.Decision.Copy c = (ZoneCopy.Decision.Copy) d;
                changes.addAll(c.changes());
                expected += c.expected().size();
            }
        }
        if (!refused.isEmpty()) {
            throw new EngineException(Verdict.BLOCKED, "copy-zone copies faithfully or not at all, and " + refused.size()
                    + " RRset(s) cannot be: " + String.join("; ", refused) + ". Nothing was written");
        }
        run.started(false);
        run.writeToNewProvider(changes);
        return run.finished(changes.size() + " RRset(s) written to the new provider (" + to.describe() + "); it now holds"
                + " the " + expected + " RRset(s) the new nameservers must serve (its own SOA kept, apex NS "
                + run.plan().move().nameservers() + ")", List.of(), Entry.PhaseFinished.plain(run.phase().id()));
    }

    @Override
    public PhaseOutcome preview(PhasePreview p) {
        int rrsets = 0;
        for (String zone : p.plan().zones()) {
            rrsets += ZoneCopy.expected(p.simulated().get(zone), p.plan().move().nameservers()).size();
        }
        // Its changes go to the new provider: none of them touch the zones this dry run simulates.
        return new PhaseOutcome.WouldRun("would copy " + rrsets + " RRset(s) to the new provider (its own SOA kept, apex NS "
                + p.plan().move().nameservers() + ", DNSSEC signer data left out), refusing first what cannot be copied"
                + " faithfully", List.of());
    }
}
