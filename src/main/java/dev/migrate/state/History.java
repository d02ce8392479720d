package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal told as a story, for {@code migrate log}: each run of a phase with what it changed, the
 * checks, serials and command it journaled; approvals; rollbacks; notifications; in the order they
 * happened. A phase that ran twice (it failed, then ran again) is two items. Pure: built from the lines
 * alone; a line of a kind this release does not know is left out, as everywhere.
 */
public record History(List<Item> items, int lines) {
    public History {
        items = List.copyOf(items);
    }

    /** How one run of a phase (or of a rollback) ended; {@code RUNNING}: it started and the journal says no more. */
    public enum Result {
        DONE("done"), FAILED("failed"), RUNNING("running");

        private final String word;

        Result(String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }
    }

    public sealed interface Item {
        Instant at();
    }

    /** One journaled write and what became of it. {@code reason}: why it was aborted, or null. */
    public record Write(String id, String zone, Batch.Status status, boolean recovered, String reason,
            List<RRsetChange> changes) {}

    public record Retry(Instant at, String batch, int attempt, String reason) {}

    public record Check(Instant at, Entry.CheckRan check) {}

    public record Serials(Instant at, List<Entry.Serial> serials) {}

    /**
     * One run of one phase.
     *
     * @param finish    what it journaled when it finished (lower-ttl's safety facts), or null
     * @param command   an {@code action: run} phase's command, or null
     */
    public record PhaseAttempt(String phase, String action, Instant scheduledAt, Instant at, Instant endedAt, Result result,
            String failure, String verdict, List<String> forced, Entry.PhaseFinished finish, List<Write> writes,
            List<Retry> retries, List<Check> checks, List<Serials> serials, Entry.CommandRan command) implements Item {

        /** RRsets changed by the writes that landed. */
        public int rrsetsChanged() {
            return writes.stream().filter(w -> w.status() == Batch.Status.COMMITTED).mapToInt(w -> w.changes().size()).sum();
        }
    }

    public record Approval(Instant at, Entry.Approved approved) implements Item {}

    /** One run of {@code rollback} (by itself, or after a failed confirm or command). */
    public record RollbackAttempt(Instant at, Instant endedAt, Result result, boolean forcedRun, String failure, int undone,
            List<String> forced, List<Write> writes, List<Retry> retries) implements Item {}

    public record Notification(Instant at, Entry.Notified notified) implements Item {}

    public static History of(List<Event> events) {
        Builder b = new Builder();
        for (Event e : events) b.add(e);
        return new History(b.items.stream().map(Builder.Open::close).toList(), events.size());
    }

    /** Folds lines in; each item stays open (mutable) until the end. */
    private static final class Builder {
        interface Open {
            Item close();
        }

        final List<Open> items = new ArrayList<>();
        final Map<String, OpenRun> current = new HashMap<>();
        final Map<String, OpenWrite> writes = new HashMap<>();
        final Map<String, List<String>> forcedBeforeStart = new HashMap<>();
        OpenRollback rollback;

        static final class OpenWrite {
            final Entry.Intent intent;
            Batch.Status status = Batch.Status.PENDING;
            boolean recovered;
            String reason;

            OpenWrite(Entry.Intent intent) {
                this.intent = intent;
            }

            Write close() {
                return new Write(intent.batch(), intent.zone(), status, recovered, reason, intent.changes());
            }
        }

        static final class OpenRun implements Open {
            final String phase;
            String action;
            Instant scheduledAt;
            Instant at;
            Instant endedAt;
            Result result = Result.RUNNING;
            String failure;
            String verdict;
            Entry.PhaseFinished finish;
            Entry.CommandRan command;
            final List<String> forced = new ArrayList<>();
            final List<OpenWrite> writes = new ArrayList<>();
            final List<Retry> retries = new ArrayList<>();
            final List<Check> checks = new ArrayList<>();
            final List<Serials> serials = new ArrayList<>();

            OpenRun(String phase, Instant at) {
                this.phase = phase;
                this.at = at;
            }

            public Item close() {
                return new PhaseAttempt(phase, action, scheduledAt, at, endedAt, result, failure, verdict, List.copyOf(forced),
                        finish, writes.stream().map(OpenWrite::close).toList(), List.copyOf(retries), List.copyOf(checks),
                        List.copyOf(serials), command);
            }
        }

        static final class OpenRollback implements Open {
            final Instant at;
            final boolean forcedRun;
            Instant endedAt;
            Result result = Result.RUNNING;
            String failure;
            int undone;
            final List<String> forced = new ArrayList<>();
            final List<OpenWrite> writes = new ArrayList<>();
            final List<Retry> retries = new ArrayList<>();

            OpenRollback(Instant at, boolean forcedRun) {
                this.at = at;
                this.forcedRun = forcedRun;
            }

            public Item close() {
                return new RollbackAttempt(at, endedAt, result, forcedRun, failure, undone, List.copyOf(forced),
                        writes.stream().map(OpenWrite::close).toList(), List.copyOf(retries));
            }
        }

        void add(Event e) {
            Entry entry = Entry.from(e);
            if (entry == null) return;
            Instant at = e.at();
            if (entry instanceof Entry.PhaseStarted s) {
                OpenRun r = new OpenRun(s.phase(), at);
                r.action = s.action();
                r.scheduledAt = s.scheduledAt();
                List<String> forced = forcedBeforeStart.remove(s.phase());
                if (forced != null) r.forced.addAll(forced);
                current.put(s.phase(), r);
                items.add(r);
            } else if (entry instanceof Entry.PhaseFinished f) {
                OpenRun r = run(f.phase(), at);
                r.endedAt = at;
                r.result = Result.DONE;
                r.finish = f;
            } else if (entry instanceof Entry.PhaseFailed f) {
                OpenRun r = run(f.phase(), at);
                r.endedAt = at;
                r.result = Result.FAILED;
                r.failure = f.reason();
                r.verdict = f.verdict();
            } else if (entry instanceof Entry.Intent i) {
                OpenWrite w = new OpenWrite(i);
                writes.put(i.batch(), w);
                if (Event.ROLLBACK_PHASE.equals(i.phase())) rollback(at).writes.add(w);
                else run(i.phase(), at).writes.add(w);
            } else if (entry instanceof Entry.Commit c) {
                OpenWrite w = writes.get(c.batch());
                if (w != null) {
                    w.status = Batch.Status.COMMITTED;
                    w.recovered = c.recovered();
                }
            } else if (entry instanceof Entry.Aborted a) {
                OpenWrite w = writes.get(a.batch());
                if (w != null) {
                    w.status = Batch.Status.ABORTED;
                    w.recovered = a.recovered();
                    w.reason = a.reason();
                }
            } else if (entry instanceof Entry.Retried r) {
                Retry retry = new Retry(at, r.batch(), r.attempt(), r.reason());
                if (Event.ROLLBACK_PHASE.equals(r.phase())) rollback(at).retries.add(retry);
                else run(r.phase(), at).retries.add(retry);
            } else if (entry instanceof Entry.Forced f) {
                if (Event.ROLLBACK_PHASE.equals(f.phase())) rollback(at).forced.add(f.reason());
                // The swap journals why it is forced just before it starts: it belongs to the run that follows.
                else forcedBeforeStart.computeIfAbsent(f.phase(), k -> new ArrayList<>()).add(f.reason());
            } else if (entry instanceof Entry.Approved a) {
                items.add(() -> new Approval(at, a));
            } else if (entry instanceof Entry.RollbackStarted s) {
                rollback = new OpenRollback(at, s.forced());
                items.add(rollback);
            } else if (entry instanceof Entry.RollbackFinished f) {
                OpenRollback r = rollback(at);
                r.endedAt = at;
                r.result = Result.DONE;
                r.undone = f.changes();
            } else if (entry instanceof Entry.RollbackFailed f) {
                OpenRollback r = rollback(at);
                r.endedAt = at;
                r.result = Result.FAILED;
                r.failure = f.reason();
            } else if (entry instanceof Entry.CheckRan c) {
                run(c.phase(), at).checks.add(new Check(at, c));
            } else if (entry instanceof Entry.SerialsSeen s) {
                run(s.phase(), at).serials.add(new Serials(at, s.serials()));
            } else if (entry instanceof Entry.CommandRan c) {
                run(c.phase(), at).command = c;
            } else if (entry instanceof Entry.Notified n) {
                items.add(() -> new Notification(at, n));
            }
        }

        /** The phase's current run; a line for a phase with none (an older journal) opens one. */
        OpenRun run(String phase, Instant at) {
            OpenRun r = current.get(phase);
            if (r == null) {
                r = new OpenRun(phase, at);
                current.put(phase, r);
                items.add(r);
            }
            return r;
        }

        OpenRollback rollback(Instant at) {
            if (rollback == null) {
                rollback = new OpenRollback(at, false);
                items.add(rollback);
            }
            return rollback;
        }
    }
}
