package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the journal says, folded into one immutable view. There is no other source of truth: status,
 * the safety gate and rollback all read this.
 */
public final class JournalState {

    /** What the journal says about one phase. */
    public record PhaseRecord(String id, Instant startedAt, Instant finishedAt, Instant failedAt, String failure,
            Map<String, String> finishInfo) {
        public boolean done() {
            return finishedAt != null;
        }
    }

    private final List<Event> events;
    private final Map<String, PhaseRecord> phases;
    private final List<Batch> batches;
    private final Map<String, Event> approvals;
    private final Instant rollbackStartedAt;
    private final Instant rolledBackAt;

    private JournalState(List<Event> events, Map<String, PhaseRecord> phases, List<Batch> batches,
            Map<String, Event> approvals, Instant rollbackStartedAt, Instant rolledBackAt) {
        this.events = events;
        this.phases = phases;
        this.batches = batches;
        this.approvals = approvals;
        this.rollbackStartedAt = rollbackStartedAt;
        this.rolledBackAt = rolledBackAt;
    }

    public static JournalState of(List<Event> events) {
        Map<String, PhaseRecord> phases = new LinkedHashMap<>();
        Map<String, Batch> batches = new LinkedHashMap<>();
        Map<String, Event> approvals = new HashMap<>();
        Instant rbStarted = null;
        Instant rbDone = null;
        for (Event e : events) {
            switch (e.type()) {
                case Event.PHASE_STARTED -> phases.put(e.phase(), new PhaseRecord(e.phase(), e.at(), null, null, null, Map.of()));
                case Event.PHASE_FINISHED -> {
                    PhaseRecord p = phases.get(e.phase());
                    Instant started = p == null ? e.at() : p.startedAt();
                    phases.put(e.phase(), new PhaseRecord(e.phase(), started, e.at(), null, null, e.info()));
                }
                case Event.PHASE_FAILED -> {
                    PhaseRecord p = phases.get(e.phase());
                    Instant started = p == null ? e.at() : p.startedAt();
                    phases.put(e.phase(), new PhaseRecord(e.phase(), started, null, e.at(), e.info("reason"), Map.of()));
                }
                case Event.INTENT -> batches.put(e.batch(), new Batch(e.batch(), e.phase(), e.zone(), e.changes(),
                        Batch.Status.PENDING, e.info("undoes"), e));
                case Event.COMMIT -> batches.computeIfPresent(e.batch(), (k, b) -> withStatus(b, Batch.Status.COMMITTED));
                case Event.ABORTED -> batches.computeIfPresent(e.batch(), (k, b) -> withStatus(b, Batch.Status.ABORTED));
                case Event.APPROVED -> approvals.put(e.phase(), e);
                case Event.ROLLBACK_STARTED -> {
                    if (rbStarted == null) rbStarted = e.at();
                }
                case Event.ROLLBACK_FINISHED -> rbDone = e.at();
                default -> { }
            }
        }
        return new JournalState(List.copyOf(events), Map.copyOf(phases), List.copyOf(batches.values()),
                Map.copyOf(approvals), rbStarted, rbDone);
    }

    private static Batch withStatus(Batch b, Batch.Status s) {
        return new Batch(b.id(), b.phase(), b.zone(), b.changes(), s, b.undoes(), b.intent());
    }

    public List<Event> events() {
        return events;
    }

    public Optional<PhaseRecord> phase(String id) {
        return Optional.ofNullable(phases.get(id));
    }

    public boolean isDone(String phaseId) {
        PhaseRecord p = phases.get(phaseId);
        return p != null && p.done();
    }

    public List<Batch> batches() {
        return batches;
    }

    /** Intents with neither commit nor abort: a run died between writing the intent and hearing back. */
    public List<Batch> pending() {
        return batches.stream().filter(b -> b.status() == Batch.Status.PENDING).toList();
    }

    public List<Batch> committed(String phase) {
        return batches.stream().filter(b -> b.status() == Batch.Status.COMMITTED && b.phase().equals(phase)).toList();
    }

    /** Forward batches (not rollback ones) that are committed and not yet undone, oldest first. */
    public List<Batch> undoable() {
        List<String> undone = batches.stream().filter(b -> b.isRollback() && b.status() == Batch.Status.COMMITTED
                && b.undoes() != null).map(Batch::undoes).toList();
        return batches.stream().filter(b -> !b.isRollback() && b.status() == Batch.Status.COMMITTED
                && !undone.contains(b.id())).toList();
    }

    public List<RRsetChange> committedChanges(String phase) {
        List<RRsetChange> out = new ArrayList<>();
        for (Batch b : committed(phase)) out.addAll(b.changes());
        return out;
    }

    public Optional<Event> approval(String phase) {
        return Optional.ofNullable(approvals.get(phase));
    }

    public boolean rollbackStarted() {
        return rollbackStartedAt != null;
    }

    public Optional<Instant> rolledBackAt() {
        return Optional.ofNullable(rolledBackAt);
    }

    public int batchCount() {
        return batches.size();
    }
}
