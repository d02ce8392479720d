package dev.migrate.engine;

import dev.migrate.dns.RRset;
import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
import dev.migrate.dns.ZoneSnapshot;
import dev.migrate.provider.ProviderException;
import dev.migrate.state.Batch;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.WrittenTo;
import dev.migrate.support.CrashPoints;
import dev.migrate.support.Sleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one path by which anything reaches a provider: intent (durable) -> provider -> commit, per batch,
 * for forward phases and rollback alike. A conflict aborts the batch; a failure that may or may not have
 * landed is settled by reading back; crash recovery settles what a dead run left. The only layer that
 * retries a write.
 */
public final class JournaledWriter {
    static final int WRITE_TRIES = 3;
    /** Longest a retry waits, whatever a provider asks: a cron run must not hang on a bad hint. */
    static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(60);

    private final LiveZones live;
    private final WrittenTo to;
    private final Ledger ledger;
    private final EngineListener listener;
    private final Sleeper sleeper;

    /** The plan's provider's writer. */
    public JournaledWriter(LiveZones live, Ledger ledger, EngineListener listener, Sleeper sleeper) {
        this(live, WrittenTo.PROVIDER, ledger, listener, sleeper);
    }

    /** @param to which provider {@code live} reads and writes: every intent names it, and recovery settles only its own */
    public JournaledWriter(LiveZones live, WrittenTo to, Ledger ledger, EngineListener listener, Sleeper sleeper) {
        this.live = live;
        this.to = to;
        this.ledger = ledger;
        this.listener = listener;
        this.sleeper = sleeper;
    }

    /** The provider this writer writes to. */
    public WrittenTo writesTo() {
        return to;
    }

    /** Writes a phase's changes zone by zone, in the batches the provider applies one request each. */
    public void write(String phase, List<RRsetChange> changes) throws IOException, EngineException {
        Map<String, List<RRsetChange>> perZone = new LinkedHashMap<>();
        for (RRsetChange c : changes) perZone.computeIfAbsent(c.zone(), z -> new ArrayList<>()).add(c);
        for (Map.Entry<String, List<RRsetChange>> e : perZone.entrySet()) {
            for (List<RRsetChange> batch : live.provider().batches(e.getKey(), e.getValue())) {
                writeBatch(phase, ledger.nextBatchId(phase), e.getKey(), batch, null);
                listener.event(new EngineEvent.BatchWritten(phase, e.getKey(), batch.size()));
            }
        }
    }

    /**
     * Rollback's write: puts back {@code undone}'s before-images, except the {@code kept} RRsets (someone else
     * changed them), which stay to be undone later. An empty inverse only records the batch undone.
     */
    public void undo(Batch undone, List<RRsetChange> inverse, List<RRsetKey> kept) throws IOException, EngineException {
        writeBatch(Event.ROLLBACK_PHASE, ledger.nextBatchId(Event.ROLLBACK_PHASE), undone.zone(), inverse, undone.id(), kept);
    }

    private void writeBatch(String phase, String id, String zone, List<RRsetChange> batch, String undoes)
            throws IOException, EngineException {
        writeBatch(phase, id, zone, batch, undoes, List.of());
    }

    private void writeBatch(String phase, String id, String zone, List<RRsetChange> batch, String undoes,
            List<RRsetKey> kept) throws IOException, EngineException {
        CrashPoints.reach("before-intent");
        ledger.append(new Entry.Intent(phase, id, zone, batch, undoes, kept, to));
        CrashPoints.reach("after-intent");
        if (!batch.isEmpty()) {
            ProviderException failure = applyWithRetries(phase, id, zone, batch);
            if (failure != null) {
                if (failure.kind() == ProviderException.Kind.CONFLICT) throw conflict(phase, id, zone, batch, failure);
                settleUncertain(phase, id, zone, batch, failure);
            }
        }
        CrashPoints.reach("after-write");
        ledger.append(new Entry.Commit(phase, id, zone, false));
    }

    /** Tries the batch, again on transient failures (each retry journaled); the last failure, or null. */
    private ProviderException applyWithRetries(String phase, String id, String zone, List<RRsetChange> batch)
            throws IOException, EngineException {
        ProviderException failure = null;
        for (int attempt = 1; attempt <= WRITE_TRIES; attempt++) {
            try {
                ledger.stillHeld();
                live.provider().apply(zone, batch);
                return null;
            } catch (ProviderException ex) {
                failure = ex;
                // A try that timed out may have landed after all: the next one then finds its own after-image.
                if (ex.kind() == ProviderException.Kind.CONFLICT && attempt > 1 && landed(zone, batch)) return null;
                // A server that gave no answer within its timeout is read back at once, not written again: it
                // seldom answers a second later, the write may have landed, and the next cron run tries again.
                if (!ex.kind().isTransient() || ex.kind() == ProviderException.Kind.TIMEOUT || attempt == WRITE_TRIES) return ex;
                ledger.append(new Entry.Retried(phase, id, zone, attempt + 1, ex.getMessage()));
                listener.event(new EngineEvent.Retrying(ex.getMessage(), attempt + 1, WRITE_TRIES));
                // The provider's own hint (Retry-After, Route 53's backoff) when it gives one, bounded.
                Duration wait = ex.retryAfter().filter(d -> !d.isNegative()).orElse(Duration.ofSeconds(attempt));
                sleep(wait.compareTo(MAX_RETRY_WAIT) > 0 ? MAX_RETRY_WAIT : wait);
            }
        }
        return failure;
    }

    private EngineException conflict(String phase, String id, String zone, List<RRsetChange> batch,
            ProviderException failure) throws IOException {
        // A provider that applied part of the batch before the conflict (several requests, no transaction)
        // must not be journaled as "nothing written": read back, and commit what landed.
        Settled s = null;
        try {
            s = settle(zone, batch);
        } catch (ProviderException e) {
            // cannot read back: trust the provider's word that a conflict wrote nothing
        }
        if (s != null && !s.landed().isEmpty() && s.landed().size() < batch.size()) {
            ledger.append(new Entry.Commit(phase, id, zone, false, s.landed()));
            String why = failure.getMessage() + " (" + s.landed().size() + " of " + batch.size()
                    + " RRsets of this batch had landed before it; the journal records them)";
            if (Event.ROLLBACK_PHASE.equals(phase)) {
                ledger.append(new Entry.RollbackFailed(why));
                return new EngineException(Verdict.BLOCKED, "rollback stopped: " + why);
            }
            return new EngineException(Verdict.BLOCKED, "conflict in " + zone + ": " + why
                    + ". Nothing else was overwritten; look at these records, then fix the plan or the records");
        }
        ledger.append(new Entry.Aborted(phase, id, zone, failure.getMessage(), false));
        if (Event.ROLLBACK_PHASE.equals(phase)) {
            ledger.append(new Entry.RollbackFailed(failure.getMessage()));
            return new EngineException(Verdict.BLOCKED, "rollback stopped: " + failure.getMessage());
        }
        return new EngineException(Verdict.BLOCKED, "conflict in " + zone + ": " + failure.getMessage()
                + ". Nothing was overwritten; look at these records, then fix the plan or the records");
    }

    /**
     * After a failed write, read back, RRset by RRset: all landed (the caller commits), none (abort), part of
     * it (commit what landed: the journal never says "nothing written" when something was), or unknown
     * (the intent stays pending and the next run settles it).
     */
    private void settleUncertain(String phase, String id, String zone, List<RRsetChange> batch, ProviderException failure)
            throws IOException, EngineException {
        Settled s;
        try {
            s = settle(zone, batch);
        } catch (ProviderException readFailure) {
            throw new EngineException(Verdict.FAILURE, failure.getMessage() + " (whether the change landed is unknown; the"
                    + " next apply or rollback reads the records back and settles it)");
        }
        if (!s.neither().isEmpty()) {
            throw new EngineException(Verdict.FAILURE, failure.getMessage() + " (whether the change landed is unknown; the"
                    + " next apply or rollback reads the records back and settles it)");
        }
        if (s.notLanded().isEmpty()) return; // landed; the caller commits
        if (s.landed().isEmpty()) {
            ledger.append(new Entry.Aborted(phase, id, zone, failure.getMessage(), false));
            throw new EngineException(Verdict.FAILURE, failure.getMessage() + " (nothing was changed; the journal"
                    + " records the attempt)");
        }
        ledger.append(new Entry.Commit(phase, id, zone, false, s.landed()));
        throw new EngineException(Verdict.FAILURE, failure.getMessage() + " (" + s.landed().size() + " of " + batch.size()
                + " RRsets had landed; the journal records them, and the next apply writes the rest)");
    }

    private boolean landed(String zone, List<RRsetChange> batch) {
        try {
            return matches(zone, batch, true);
        } catch (ProviderException e) {
            return false;
        }
    }

    private boolean matches(String zone, List<RRsetChange> batch, boolean afterImage) throws ProviderException {
        ZoneSnapshot z = live.read(zone, batch.stream().map(RRsetChange::key).toList());
        for (RRsetChange c : batch) {
            if (!Objects.equals(z.get(c.key()), afterImage ? c.after() : c.before())) return false;
        }
        return true;
    }

    /**
     * Crash recovery: settles every intent a dead run left without commit or abort at this writer's provider
     * (the intent names it). Notes go to {@code notes}.
     */
    public void recover(List<String> notes) throws IOException, EngineException {
        for (Batch b : ledger.state().pending()) {
            if (b.writtenTo() != to) continue;
            Settled s;
            try {
                s = settle(b.zone(), b.changes());
            } catch (ProviderException e) {
                throw new EngineException(Verdict.FAILURE, "an earlier run stopped during batch " + b.id()
                        + " and the provider cannot be read to settle it: " + e.getMessage());
            }
            if (!s.neither().isEmpty()) throw neitherImage(b);
            if (s.landed().size() == b.changes().size()) {
                ledger.append(new Entry.Commit(b.phase(), b.id(), b.zone(), true));
                notes.add("recovered: batch " + b.id() + where() + " (" + b.changes().size() + " RRsets) had landed before an"
                        + " earlier run stopped; recorded as committed");
            } else if (s.landed().isEmpty()) {
                ledger.append(new Entry.Aborted(b.phase(), b.id(), b.zone(), "not applied when the earlier run stopped", true));
                notes.add("recovered: batch " + b.id() + where() + " had not been applied when an earlier run stopped; recorded as"
                        + " aborted");
            } else {
                ledger.append(new Entry.Commit(b.phase(), b.id(), b.zone(), true, s.landed()));
                notes.add("recovered: batch " + b.id() + where() + ": " + s.landed().size() + " of " + b.changes().size()
                        + " RRsets had landed when an earlier run stopped (the provider applied it in parts); recorded"
                        + " those as committed and the rest as not applied");
            }
        }
    }

    /** Which RRsets of a batch hold their after-image, which their before-image, and which neither. */
    private record Settled(List<RRsetChange> landed, List<RRsetChange> notLanded, List<RRsetChange> neither) {}

    private Settled settle(String zone, List<RRsetChange> batch) throws ProviderException {
        ZoneSnapshot z = live.read(zone, batch.stream().map(RRsetChange::key).toList());
        List<RRsetChange> landed = new ArrayList<>();
        List<RRsetChange> notLanded = new ArrayList<>();
        List<RRsetChange> neither = new ArrayList<>();
        for (RRsetChange c : batch) {
            RRset now = z.get(c.key());
            // An RRset whose images are equal (nothing to write) counts as landed.
            if (Objects.equals(now, c.after())) landed.add(c);
            else if (Objects.equals(now, c.before())) notLanded.add(c);
            else neither.add(c);
        }
        return new Settled(landed, notLanded, neither);
    }

    private EngineException neitherImage(Batch b) {
        List<String> drifted = new ArrayList<>();
        ZoneSnapshot z;
        try {
            z = live.read(b.zone(), b.changes().stream().map(RRsetChange::key).toList());
        } catch (ProviderException e) {
            return new EngineException(Verdict.FAILURE, e.getMessage());
        }
        for (RRsetChange c : b.changes()) {
            RRset now = z.get(c.key());
            if (!Objects.equals(now, c.before()) && !Objects.equals(now, c.after())) {
                drifted.add(c.key() + " is " + (now == null ? "absent" : now.ttl() + " " + now.rdata())
                        + ", neither the before-image " + image(c.before()) + " nor the after-image " + image(c.after()));
            }
        }
        if (drifted.isEmpty()) drifted.add("some RRsets hold the before-image and others the after-image");
        return new EngineException(Verdict.FAILURE, "an earlier run stopped during batch " + b.id() + where() + " in "
                + b.zone() + ", and the records now match neither image: " + String.join("; ", drifted)
                + ". Set each of them by hand to its before-image (to undo) or after-image (to complete), then run"
                + " the command again; the journal at " + ledger.location() + " holds both images");
    }

    /** Words naming the provider in a note, where a plan has two. */
    private String where() {
        return to == WrittenTo.MOVE_TO ? " (at the new provider, move.to)" : "";
    }

    static String image(RRset s) {
        return s == null ? "(absent)" : s.ttl() + " " + s.rdata();
    }

    private void sleep(Duration d) throws EngineException {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(Verdict.FAILURE, "interrupted");
        }
    }
}
