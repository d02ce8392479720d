package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Action;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.Batch;
import dev.migrate.state.JournalState;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The new provider of a provider move ({@code move.to}) as one run holds it: its zones, and the same
 * journaled write path as the plan's provider, in the same journal. Which provider a journaled batch went
 * to follows from its phase: copy-zone's batches (and the rollback batches that undo them) went here, every
 * other batch to the plan's provider. (When later phases write to both providers, each intent will have to
 * name its provider; until then the phase says it.)
 */
public final class MoveTarget {
    private final DnsProvider provider;
    private final LiveZones live;
    private final JournaledWriter writer;
    private final Set<String> copyPhases;

    private MoveTarget(DnsProvider provider, LiveZones live, JournaledWriter writer, Set<String> copyPhases) {
        this.provider = provider;
        this.live = live;
        this.writer = writer;
        this.copyPhases = copyPhases;
    }

    /** The new provider for one locked run; null when the plan moves nothing or the provider is not open. */
    static MoveTarget open(Plan plan, Timeline timeline, DnsProvider movingTo, Ledger ledger, EngineListener listener,
            Sleeper sleeper) {
        if (plan.move() == null || movingTo == null) return null;
        Set<String> copies = timeline.phases().stream().filter(p -> p.action() == Action.COPY_ZONE)
                .map(ScheduledPhase::id).collect(Collectors.toUnmodifiableSet());
        LiveZones live = new LiveZones(plan, movingTo);
        return new MoveTarget(movingTo, live, new JournaledWriter(live, ledger, listener, sleeper), copies);
    }

    /** True when {@code b} was written to the new provider: a copy-zone batch, or the rollback of one. */
    boolean wrote(Batch b, JournalState st) {
        String phase = b.phase();
        if (b.isRollback() && b.undoes() != null) {
            phase = st.batches().stream().filter(x -> x.id().equals(b.undoes())).map(Batch::phase).findFirst().orElse(phase);
        }
        return copyPhases.contains(phase);
    }

    LiveZones live() {
        return live;
    }

    JournaledWriter writer() {
        return writer;
    }

    public ZoneSnapshot read(String zone) throws ProviderException {
        return provider.read(zone);
    }

    public Capabilities capabilities() {
        return provider.capabilities();
    }

    /** A line safe to print, e.g. {@code powerdns http://127.0.0.1:8081}. */
    public String describe() {
        return provider.describe();
    }

    void write(String phase, List<RRsetChange> changes) throws IOException, EngineException {
        writer.write(phase, changes);
    }
}
