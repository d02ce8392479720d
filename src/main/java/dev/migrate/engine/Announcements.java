package dev.migrate.engine;

import dev.migrate.engine.Scheduler.Progress;
import dev.migrate.plan.Action;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.plan.Timeline;
import dev.migrate.state.Entry;
import dev.migrate.state.Event;
import dev.migrate.state.JournalState;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The notifications of one locked run. It listens to the run's {@link EngineEvent}s, turns those worth
 * telling into {@link Notice}s, hands them to the {@link Notifier} on a thread of its own (a slow webhook
 * never delays a phase) and, when the run ends (it closes before the ledger does), decides whether the
 * swap is due within the hour, waits for the deliveries and journals each one. A state already told is
 * not told again: the journal's last notice for the phase says so, so cron does not repeat "blocked" every
 * five minutes, and "swap in 1 h" goes out once.
 */
final class Announcements implements AutoCloseable {
    /** Longest wait for one notice's deliveries at the end of a run; each delivery is bounded well below this. */
    private static final Duration DELIVERY_BOUND = Duration.ofMinutes(2);

    private record Pending(Notice notice, Future<List<Notifier.Delivery>> deliveries) {}

    private final Notifier notifier;
    private final Plan plan;
    private final Timeline timeline;
    private final Ledger ledger;
    private final Clock clock;
    private final EngineListener out;
    private final List<Pending> pending = new ArrayList<>();
    private final Set<String> toldThisRun = new HashSet<>();
    private ExecutorService sender;

    Announcements(Notifier notifier, Plan plan, Timeline timeline, Ledger ledger, Clock clock, EngineListener out) {
        this.notifier = notifier;
        this.plan = plan;
        this.timeline = timeline;
        this.ledger = ledger;
        this.clock = clock;
        this.out = out;
    }

    /** The run's listener: {@code out}, and a notice for each event worth telling. */
    EngineListener listener() {
        if (notifier == Notifier.NONE) return out;
        return new EngineListener() {
            @Override
            public void event(EngineEvent e) {
                out.event(e);
                notice(e).ifPresent(Announcements.this::send);
            }

            @Override
            public dev.migrate.probe.PropagationCheck.Listener progress() {
                return out.progress();
            }
        };
    }

    /** What an event tells people, if anything. Pure. */
    Optional<Notice> notice(EngineEvent e) {
        Instant now = clock.instant();
        if (e instanceof EngineEvent.PhaseEnded p) {
            PhaseResult r = p.result();
            PhaseOutcome o = r.outcome();
            Notice.Kind kind = o instanceof PhaseOutcome.Done ? Notice.Kind.PHASE_DONE
                    : o instanceof PhaseOutcome.Failed || o instanceof PhaseOutcome.RolledBack ? Notice.Kind.PHASE_FAILED
                    : o instanceof PhaseOutcome.Blocked || o instanceof PhaseOutcome.HeldUntil ? Notice.Kind.PHASE_BLOCKED
                    : null;
            if (kind == null) return Optional.empty();
            String message = o.word() + ": " + o.message();
            return Optional.of(new Notice(kind, plan.name(), r.phase(), r.action(), message, now, null));
        }
        if (e instanceof EngineEvent.Forced f) {
            return Optional.of(new Notice(Notice.Kind.FORCED, plan.name(), f.phase(), action(f.phase()),
                    "forced past the safety gate: " + String.join("; ", f.reasons()), now, null));
        }
        if (e instanceof EngineEvent.RollingBack r) {
            return Optional.of(new Notice(Notice.Kind.ROLLBACK_STARTED, plan.name(), Event.ROLLBACK_PHASE, null,
                    "rolling back after " + r.phase() + ": " + r.why(), now, null));
        }
        if (e instanceof EngineEvent.RollbackStarted s) {
            return Optional.of(new Notice(Notice.Kind.ROLLBACK_STARTED, plan.name(), Event.ROLLBACK_PHASE, null,
                    "rolling back every change the journal records" + (s.forced() ? " (--force)" : ""), now, null));
        }
        if (e instanceof EngineEvent.RollbackFinished f) {
            return Optional.of(new Notice(Notice.Kind.ROLLBACK_FINISHED, plan.name(), Event.ROLLBACK_PHASE, null,
                    "rolled back: " + f.undone() + " RRset change(s) undone; apply does nothing until 'migrate apply"
                            + " --restart'", now, null));
        }
        return Optional.empty();
    }

    private Action action(String phase) {
        return timeline.phase(phase).map(ScheduledPhase::action).orElse(null);
    }

    /**
     * The swap's reminder, when the next phase is a swap due (at its planned instant or, later, its earliest
     * safe one) within {@link Notice#SWAP_WARNING} and no reminder for it was sent before. Pure.
     */
    static Optional<EngineEvent.SwapSoon> swapSoon(Timeline timeline, JournalState st, Instant now) {
        Optional<Scheduler.Next> next = Scheduler.next(timeline, Progress.of(timeline, st));
        if (next.isEmpty() || timeline.phase(next.get().id()).map(p -> p.action() != Action.SWAP).orElse(true)) {
            return Optional.empty();
        }
        Scheduler.Next swap = next.get();
        if (st.notified(Notice.Kind.SWAP_SOON.word(), swap.id())) return Optional.empty();
        Instant at = swap.at();
        Instant safe = JournalFacts.earliestSafeSwap(timeline, st);
        if (safe != null && safe.isAfter(at)) at = safe;
        Duration left = Duration.between(now, at);
        if (left.isNegative() || left.isZero() || left.compareTo(Notice.SWAP_WARNING) > 0) return Optional.empty();
        return Optional.of(new EngineEvent.SwapSoon(swap.id(), at));
    }

    private void send(Notice n) {
        String key = n.kind().word() + " " + n.phase();
        // Two rollback-started notices in one run (confirm's, then the rollback's own): the first says why.
        if (!toldThisRun.add(key)) return;
        boolean repeat = (n.kind() == Notice.Kind.PHASE_BLOCKED || n.kind() == Notice.Kind.PHASE_FAILED)
                && ledger.state().lastNotified(n.phase()).filter(n.kind().word()::equals).isPresent();
        if (repeat) return;
        if (sender == null) {
            sender = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "migrate-notify");
                t.setDaemon(true);
                return t;
            });
        }
        pending.add(new Pending(n, sender.submit(() -> notifier.deliver(n))));
    }

    /** Sends the swap's reminder if it is due, waits for every delivery and journals each. Never fails the run. */
    @Override
    public void close() {
        if (notifier == Notifier.NONE) return;
        Instant now = clock.instant();
        swapSoon(timeline, ledger.state(), now).ifPresent(s -> {
            out.event(s);
            send(new Notice(Notice.Kind.SWAP_SOON, plan.name(), s.phase(), Action.SWAP, "the swap is due at " + s.at()
                    + " (in " + dev.migrate.support.Durations.human(Duration.between(now, s.at())) + ")", now, s.at()));
        });
        try {
            for (Pending p : pending) {
                for (Notifier.Delivery d : outcome(p)) {
                    Notice n = p.notice();
                    ledger.append(new Entry.Notified(n.phase(), n.kind().word(), d.target(), d.delivered(), d.attempts(),
                            d.error()));
                    if (!d.delivered()) {
                        out.event(new EngineEvent.NotificationFailed(n.kind().word(), n.phase(), d.target(), d.error()));
                    }
                }
            }
        } catch (IOException e) {
            out.event(new EngineEvent.NotificationFailed("journal", null, "journal", "could not journal the"
                    + " notifications: " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (sender != null) sender.shutdownNow();
        }
    }

    private static List<Notifier.Delivery> outcome(Pending p) throws InterruptedException {
        try {
            return p.deliveries().get(DELIVERY_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.deliveries().cancel(true);
            return List.of(new Notifier.Delivery("every webhook", false, 0, "not delivered within "
                    + dev.migrate.support.Durations.human(DELIVERY_BOUND)));
        } catch (java.util.concurrent.ExecutionException e) {
            return List.of(new Notifier.Delivery("every webhook", false, 0, "the notifier failed: " + e.getCause()));
        }
    }
}
