package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the journal says, folded into one view. There is no other source of truth: status, the
 * safety gate and rollback all read this. A locked run folds each line it appends into its view as it goes
 * ({@link #record}), so nothing re-reads the journal per batch: the work per line is constant and the
 * view holds each batch once.
 */
public final class JournalState {

    /** What the journal says about one phase. */
    public record PhaseRecord(String id, Instant startedAt, Instant finishedAt, Instant failedAt, String failure,
            Entry.PhaseFinished finish) {
        public boolean done() {
            return finishedAt != null;
        }
    }

    private final Map<String, PhaseRecord> phases = new HashMap<>();
    private final Map<String, Batch> batches = new LinkedHashMap<>();
    /** Per forward batch touched by a rollback: the RRsets still in place (all others of it are undone). */
    private final Map<String, Set<dev.migrate.dns.RRsetKey>> outstanding = new HashMap<>();
    /** Forward batches a rollback undid, wholly or in part. */
    private final Set<String> touchedByRollback = new HashSet<>();
    private final Map<String, Entry.Approved> approvals = new HashMap<>();
    private final Map<String, Instant> approvedAt = new HashMap<>();
    /** Phases approved since the rollback under way began: those approvals outlive the restart that follows it. */
    private final Set<String> approvedSinceRollback = new HashSet<>();
    private final Map<String, Batch> pending = new LinkedHashMap<>();
    private final Map<String, String> lastNotified = new HashMap<>();
    private final Set<String> notified = new HashSet<>();
    private final Map<String, DsHistory> ds = new HashMap<>();
    private final Map<String, Entry.DelegationSeen> delegations = new HashMap<>();
    private int events;
    private Instant rollbackStartedAt;
    private Instant rolledBackAt;
    private Instant restoreScheduledAt;
    private Instant latest;

    private JournalState() {}

    public static JournalState empty() {
        return new JournalState();
    }

    public static JournalState of(List<Event> events) {
        JournalState s = new JournalState();
        for (Event e : events) s.record(e);
        return s;
    }

    /** Folds one more line in; constant work. */
    public void record(Event e) {
        events++;
        if (latest == null || e.at().isAfter(latest)) latest = e.at();
        Entry entry = Entry.from(e);
        if (entry == null) return;
        // Java 17 has no pattern switch: one instanceof per kind, in the order they are most common.
        if (entry instanceof Entry.Intent i) {
            Batch b = new Batch(i.batch(), i.phase(), i.zone(), i.changes(), Batch.Status.PENDING, i.undoes(), e,
                    i.writtenTo());
            batches.put(i.batch(), b);
            pending.put(i.batch(), b);
        } else if (entry instanceof Entry.Commit c) {
            if (!c.landed().isEmpty()) {
                // Part of the batch landed: from now on the batch is those RRsets only (the rest never happened).
                Batch b = batches.get(c.batch());
                if (b != null) batches.put(b.id(), b.withChanges(c.landed()));
            }
            settle(c.batch(), Batch.Status.COMMITTED);
        } else if (entry instanceof Entry.Aborted a) {
            settle(a.batch(), Batch.Status.ABORTED);
        } else if (entry instanceof Entry.PhaseStarted st) {
            phases.put(st.phase(), new PhaseRecord(st.phase(), e.at(), null, null, null, null));
        } else if (entry instanceof Entry.PhaseFinished f) {
            PhaseRecord p = phases.get(f.phase());
            phases.put(f.phase(), new PhaseRecord(f.phase(), p == null ? e.at() : p.startedAt(), e.at(), null, null, f));
        } else if (entry instanceof Entry.PhaseFailed f) {
            PhaseRecord p = phases.get(f.phase());
            phases.put(f.phase(), new PhaseRecord(f.phase(), p == null ? e.at() : p.startedAt(), null, e.at(),
                    f.reason(), null));
        } else if (entry instanceof Entry.Approved a) {
            approvals.put(a.phase(), a);
            approvedAt.put(a.phase(), e.at());
            if (rollbackStartedAt != null) approvedSinceRollback.add(a.phase());
        } else if (entry instanceof Entry.DsSeen d) {
            DsHistory before = ds.getOrDefault(d.zone(), DsHistory.NEVER_SEEN);
            ds.put(d.zone(), d.present() ? new DsHistory(d.ttl(), null)
                    : new DsHistory(before.lastTtl(), before.lastTtl() < 0 || before.goneSince() != null ? before.goneSince() : e.at()));
        } else if (entry instanceof Entry.DelegationSeen d) {
            delegations.put(d.phase(), d);
        } else if (entry instanceof Entry.RollbackStarted) {
            if (rollbackStartedAt == null) rollbackStartedAt = e.at();
        } else if (entry instanceof Entry.RollbackFinished) {
            rolledBackAt = e.at();
        } else if (entry instanceof Entry.RestoreScheduled r) {
            restoreScheduledAt = r.at();
        } else if (entry instanceof Entry.Restarted r) {
            for (String id : r.reopened()) {
                phases.remove(id);
                // An approval was given for the run that went wrong: a retry after its rollback is approved
                // anew (an approval given after the rollback began is that new approval).
                if (!approvedSinceRollback.contains(id)) {
                    approvals.remove(id);
                    approvedAt.remove(id);
                }
            }
            approvedSinceRollback.clear();
            rollbackStartedAt = null;
            rolledBackAt = null;
            restoreScheduledAt = null;
        } else if (entry instanceof Entry.Notified n) {
            lastNotified.put(n.phase(), n.event());
            notified.add(n.event() + " " + n.phase());
        }
    }

    private void settle(String id, Batch.Status status) {
        Batch b = batches.get(id);
        if (b == null) return;
        Batch settled = b.with(status);
        batches.put(id, settled);
        pending.remove(id);
        if (status == Batch.Status.COMMITTED && settled.isRollback() && settled.undoes() != null) {
            Batch target = batches.get(settled.undoes());
            if (target == null) return;
            Entry.Intent intent = (Entry.Intent) Entry.from(settled.intent());
            Set<dev.migrate.dns.RRsetKey> still = new HashSet<>(intent.kept());
            // A rollback batch that landed only in part (recovery) leaves the rest of what it undoes in place.
            Set<dev.migrate.dns.RRsetKey> landed = new HashSet<>();
            for (RRsetChange c : settled.changes()) landed.add(c.key());
            for (RRsetChange c : intent.changes()) if (!landed.contains(c.key())) still.add(c.key());
            // What an earlier partial rollback left stays left only if this one kept it too.
            Set<dev.migrate.dns.RRsetKey> before = outstanding.get(target.id());
            if (before != null) still.retainAll(before);
            outstanding.put(target.id(), still);
            touchedByRollback.add(target.id());
        }
    }

    /** How many lines were folded in. */
    public int eventCount() {
        return events;
    }

    /** The latest instant any line carries (a clock far ahead once may have left it in the future), or null. */
    public Optional<Instant> latestInstant() {
        return Optional.ofNullable(latest);
    }

    public Optional<PhaseRecord> phase(String id) {
        return Optional.ofNullable(phases.get(id));
    }

    public boolean isDone(String phaseId) {
        PhaseRecord p = phases.get(phaseId);
        return p != null && p.done();
    }

    public Collection<Batch> batches() {
        return Collections.unmodifiableCollection(batches.values());
    }

    /** Intents with neither commit nor abort: a run died between writing the intent and hearing back. */
    public List<Batch> pending() {
        return List.copyOf(pending.values());
    }

    public List<Batch> committed(String phase) {
        return batches.values().stream().filter(b -> b.status() == Batch.Status.COMMITTED && b.phase().equals(phase)).toList();
    }

    /**
     * Forward batches (not rollback ones) that are committed and not yet wholly undone, oldest first; a batch
     * a rollback undid in part shows only the RRsets it left in place.
     */
    public List<Batch> undoable() {
        List<Batch> out = new ArrayList<>();
        for (Batch b : batches.values()) {
            if (b.isRollback() || b.status() != Batch.Status.COMMITTED) continue;
            Set<dev.migrate.dns.RRsetKey> still = outstanding.get(b.id());
            if (still == null) {
                out.add(b);
            } else if (!still.isEmpty()) {
                out.add(b.withChanges(b.changes().stream().filter(c -> still.contains(c.key())).toList()));
            }
        }
        return out;
    }

    /** True when a rollback undid some or all of this forward batch. */
    public boolean undoneByRollback(String batchId) {
        return touchedByRollback.contains(batchId);
    }

    /** When a rollback put the TTLs' return (restore-ttl after rollback), if one is pending. */
    public Optional<Instant> restoreScheduledAt() {
        return Optional.ofNullable(restoreScheduledAt);
    }

    /** {@link #undoable()}, only the batches written to {@code to}. */
    public List<Batch> undoable(WrittenTo to) {
        return undoable().stream().filter(b -> b.writtenTo() == to).toList();
    }

    /**
     * The changes of a phase's batches that are in place at the plan's provider: committed and not taken back
     * by a rollback. (While a provider move's two providers both serve, each change also went to the new one,
     * as a batch of its own: {@link #inPlace(String, WrittenTo)}.)
     */
    public List<RRsetChange> inPlace(String phase) {
        return inPlace(phase, WrittenTo.PROVIDER);
    }

    /** The changes of a phase's batches that are in place at {@code to}. */
    public List<RRsetChange> inPlace(String phase, WrittenTo to) {
        List<RRsetChange> out = new ArrayList<>();
        for (Batch b : undoable()) if (b.phase().equals(phase) && b.writtenTo() == to) out.addAll(b.changes());
        return out;
    }

    public List<RRsetChange> committedChanges(String phase) {
        List<RRsetChange> out = new ArrayList<>();
        for (Batch b : committed(phase)) out.addAll(b.changes());
        return out;
    }

    public Optional<Entry.Approved> approval(String phase) {
        return Optional.ofNullable(approvals.get(phase));
    }

    public Optional<Instant> approvedAt(String phase) {
        return Optional.ofNullable(approvedAt.get(phase));
    }

    public boolean rollbackStarted() {
        return rollbackStartedAt != null;
    }

    /** When the rollback under way (or finished) first started, if one did since the last restart. */
    public Optional<Instant> rollbackStartedAt() {
        return Optional.ofNullable(rollbackStartedAt);
    }

    public Optional<Instant> rolledBackAt() {
        return Optional.ofNullable(rolledBackAt);
    }

    /**
     * What the journal saw of a zone's DS at the parent.
     *
     * @param lastTtl   its TTL when last seen present, or -1 when never seen
     * @param goneSince when it was first seen gone after that, or null
     */
    public record DsHistory(long lastTtl, Instant goneSince) {
        public static final DsHistory NEVER_SEEN = new DsHistory(-1, null);

        /** True when the journal last saw it present. */
        public boolean present() {
            return lastTtl >= 0 && goneSince == null;
        }
    }

    public DsHistory dsHistory(String zone) {
        return ds.getOrDefault(zone, DsHistory.NEVER_SEEN);
    }

    /** await-delegation's facts for that phase, once it saw the new delegation everywhere. */
    public Optional<Entry.DelegationSeen> delegationSeen(String phase) {
        return Optional.ofNullable(delegations.get(phase));
    }

    public int batchCount() {
        return batches.size();
    }

    /** The kind of the last notification about {@code phase} (sent or not: it was tried), if any. */
    public Optional<String> lastNotified(String phase) {
        return Optional.ofNullable(lastNotified.get(phase));
    }

    /** True when a notification about {@code event} for {@code phase} was tried before. */
    public boolean notified(String event, String phase) {
        return notified.contains(event + " " + phase);
    }
}
