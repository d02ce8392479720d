package dev.migrate.engine;

import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.JournalState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an action sees in a dry run: the live zones as the earlier simulated phases left them, the
 * journal as it is, and the instant. Nothing here writes, journals or waits.
 */
public final class PhasePreview {
    private final Plan plan;
    private final Timeline timeline;
    private final JournalState journal;
    private final Instant now;
    private final boolean force;
    private final Map<String, ZoneSnapshot> liveAtStart;
    private final List<Target> targets;
    private Map<String, ZoneSnapshot> simulated;
    private Instant simulatedLoweringAt;
    private ScheduledPhase phase;

    PhasePreview(Plan plan, Timeline timeline, JournalState journal, Instant now, boolean force,
            Map<String, ZoneSnapshot> live, List<Target> targets) {
        this.plan = plan;
        this.timeline = timeline;
        this.journal = journal;
        this.now = now;
        this.force = force;
        this.liveAtStart = live;
        this.simulated = live;
        this.targets = targets;
    }

    PhasePreview at(ScheduledPhase p) {
        this.phase = p;
        return this;
    }

    void advance(Map<String, ZoneSnapshot> after) {
        simulated = after;
    }

    public ScheduledPhase phase() {
        return phase;
    }

    public Plan plan() {
        return plan;
    }

    public Timeline timeline() {
        return timeline;
    }

    public JournalState journal() {
        return journal;
    }

    public Instant now() {
        return now;
    }

    public boolean force() {
        return force;
    }

    /** The zones as they are now, before any simulated phase. */
    public Map<String, ZoneSnapshot> liveAtStart() {
        return liveAtStart;
    }

    /** The zones as the phases simulated so far in this dry run would leave them. */
    public Map<String, ZoneSnapshot> simulated() {
        return simulated;
    }

    /** Every swap step's targets together, against the zones as they are now. */
    public List<Target> targets() {
        return targets;
    }

    /** One swap step's targets against the simulated zones (a step follows the steps before it). */
    public List<Target> stepTargets(String swapPhase) throws EngineException {
        var step = plan.step(swapPhase).orElse(null);
        if (step == null) return List.of();
        Targets.Expansion e = Targets.expand(step, simulated);
        if (!e.errors().isEmpty()) throw new EngineException(Verdict.BLOCKED, String.join("; ", e.errors()));
        return e.targets();
    }

    /** When a lowering simulated in this dry run would be confirmed (now), or null. */
    public Instant simulatedLoweringAt() {
        return simulatedLoweringAt;
    }

    public void simulateLoweringConfirmed() {
        simulatedLoweringAt = now;
    }

}
