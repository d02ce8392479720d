package dev.migrate.engine;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.PhaseSpec;
import dev.migrate.plan.Plan;
import dev.migrate.plan.Timeline;
import dev.migrate.probe.Expectation;
import dev.migrate.probe.PropagationCheck;
import dev.migrate.probe.SoaSeen;
import dev.migrate.provider.Capabilities;
import dev.migrate.provider.DnsProvider;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.JournalState;
import dev.migrate.state.WrittenTo;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The new provider of a provider move ({@code move.to}) as one run holds it: its zones, and the same
 * journaled write path as the plan's provider, in the same journal, each intent naming
 * {@link WrittenTo#MOVE_TO}. Recovery and rollback read that name to settle or undo a batch where it went.
 *
 * <p>While both providers serve ({@link Mirror#bothServe}: from copy-zone until release-old) every change
 * the plan makes goes to both, as batches of the same phase ({@link #writeBoth}), and every wait for
 * propagation covers the new servers too ({@link #alongside}).
 */
public final class MoveTarget {
    private final Plan plan;
    private final Timeline timeline;
    private final DnsProvider provider;
    private final LiveZones live;
    private final JournaledWriter writer;

    private MoveTarget(Plan plan, Timeline timeline, DnsProvider provider, LiveZones live, JournaledWriter writer) {
        this.plan = plan;
        this.timeline = timeline;
        this.provider = provider;
        this.live = live;
        this.writer = writer;
    }

    /** The new provider for one locked run; null when the plan moves nothing or the provider is not open. */
    static MoveTarget open(Plan plan, Timeline timeline, DnsProvider movingTo, Ledger ledger, EngineListener listener,
            Sleeper sleeper) {
        if (plan.move() == null || movingTo == null) return null;
        LiveZones live = new LiveZones(plan, movingTo);
        return new MoveTarget(plan, timeline, movingTo, live,
                new JournaledWriter(live, WrittenTo.MOVE_TO, ledger, listener, sleeper));
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

    /** True while both providers serve the zones, as the journal says now. */
    boolean bothServe(JournalState st) {
        return Mirror.bothServe(timeline, st);
    }

    /** copy-zone's write: to the new provider alone. */
    void write(String phase, List<RRsetChange> changes) throws IOException, EngineException {
        writer.write(phase, changes);
    }

    /**
     * A phase's changes while both providers serve. First the new provider is read: an RRset there that holds
     * neither image of its change is someone else's, and nothing is written anywhere (exit 4). Then the plan's
     * provider gets the changes, and the new provider whatever this phase has written at the plan's provider
     * that it does not hold yet, read from the journal: a phase resumed after a crash (which finds nothing left
     * to change at the plan's provider) finishes the new provider's side too. When a write at the plan's
     * provider fails, what did land there still goes to the new one before the failure is reported.
     */
    void writeBoth(String phase, List<RRsetChange> changes, JournaledWriter plans, Ledger ledger)
            throws IOException, EngineException {
        if (Mirror.follow(changes, readNew(changes), plan.move().nameservers()) instanceof Mirror.Follow.Conflict c) {
            throw conflict(c);
        }
        EngineException failed = null;
        try {
            plans.write(phase, changes);
        } catch (EngineException e) {
            failed = e;
        }
        try {
            follow(phase, ledger.state());
        } catch (EngineException e) {
            if (failed == null) throw e;
            failed.addSuppressed(e);
        }
        if (failed != null) throw failed;
    }

    /** Writes the new provider what {@code phase} wrote at the plan's provider and it does not hold yet. */
    private void follow(String phase, JournalState st) throws IOException, EngineException {
        List<RRsetChange> written = st.inPlace(phase, WrittenTo.PROVIDER);
        Mirror.Follow f = Mirror.follow(written, readNew(written), plan.move().nameservers());
        if (f instanceof Mirror.Follow.Conflict c) throw conflict(c);
        writer.write(phase, ((Mirror.Follow.Write) f).changes());
    }

    private Map<String, ZoneSnapshot> readNew(List<RRsetChange> changes) throws EngineException {
        Map<String, List<RRsetKey>> keys = new LinkedHashMap<>();
        for (RRsetChange c : changes) keys.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c.key());
        Map<String, ZoneSnapshot> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<RRsetKey>> e : keys.entrySet()) {
            try {
                out.put(e.getKey(), live.read(e.getKey(), e.getValue()));
            } catch (ProviderException ex) {
                throw new EngineException(Verdict.FAILURE, "the new provider (" + describe() + "): " + ex.getMessage(), ex);
            }
        }
        return out;
    }

    private static EngineException conflict(Mirror.Follow.Conflict c) {
        return new EngineException(Verdict.BLOCKED, "while both providers serve the zones, every change goes to both,"
                + " and at the new provider someone else changed " + String.join("; ", c.why()) + ". Nothing of it was"
                + " overwritten; make the new provider hold what the old one does, then run the command again");
    }

    /**
     * A wait for propagation that also covers the new servers ({@code move.servers}, else every address of
     * {@code move.nameservers}; or the new provider read back where the plan confirms by reading back), with
     * the expectations as the new provider holds them ({@link Mirror#image}). Live when both are; confirmed
     * at the later of the two.
     */
    PropagationCheck alongside(PropagationCheck plans, PhaseSpec spec, MoveProbes probes) {
        PropagationCheck news = probes.propagation(plan, spec, provider);
        List<String> ns = plan.move().nameservers();
        return new PropagationCheck() {
            @Override
            public Outcome await(List<Expectation> expected, Instant deadline, Listener listener) throws InterruptedException {
                Outcome old = plans.await(expected, deadline, listener);
                if (!old.live()) {
                    return new Outcome(false, null, "the old provider's servers: " + old.summary() + " (the new provider's"
                            + " servers are asked once these serve it)", old.problems(), old.serials());
                }
                // The new servers get at least the rounds a confirmation takes, even when the old ones took until the deadline.
                Instant least = probes.now().plus(leastWait());
                Outcome neu = news.await(Mirror.expectations(expected, ns), deadline.isBefore(least) ? least : deadline, listener);
                List<String> problems = new ArrayList<>(old.problems());
                problems.addAll(neu.problems());
                List<SoaSeen> serials = new ArrayList<>(old.serials());
                serials.addAll(neu.serials());
                Instant confirmed = !neu.live() ? null : old.confirmedAt() == null ? neu.confirmedAt()
                        : neu.confirmedAt() == null || old.confirmedAt().isAfter(neu.confirmedAt()) ? old.confirmedAt()
                        : neu.confirmedAt();
                return new Outcome(neu.live(), confirmed, "the old provider's servers: " + old.summary()
                        + "; the new provider's servers: " + neu.summary(), problems, serials);
            }

            @Override
            public List<SoaSeen> serials() throws InterruptedException {
                List<SoaSeen> out = new ArrayList<>(plans.serials());
                out.addAll(news.serials());
                return out;
            }
        };
    }

    /** Long enough for the rounds a confirmation takes, and one more. */
    private Duration leastWait() {
        return plan.propagation().interval().multipliedBy(plan.propagation().rounds() + 1L);
    }
}
