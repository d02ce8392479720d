package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one journal line says, typed. Each kind is written and read by its own record ({@code wire()} and
 * {@code from(Event)}), so no caller parses {@code info} strings back into numbers or instants. The line
 * format is the one {@link Journal} has always written: a journal of an older release reads the same.
 */
public sealed interface Entry {

    /** The phase the line belongs to ({@value Event#ROLLBACK_PHASE} for rollback lines), or null. */
    String phase();

    /** The fields of the line as the stores write them. */
    Wire wire();

    /** An entry's line before the store gives it a sequence number and an instant. */
    record Wire(String type, String phase, String batch, String zone, List<RRsetChange> changes,
            Map<String, String> info) {
        static Wire of(String type, String phase, Map<String, String> info) {
            return new Wire(type, phase, null, null, List.of(), info);
        }
    }

    /** Reads a line back into its kind; null for a type this release does not know (ignored, as before). */
    static Entry from(Event e) {
        return switch (e.type()) {
            case Event.PHASE_STARTED -> PhaseStarted.from(e);
            case Event.PHASE_FINISHED -> PhaseFinished.from(e);
            case Event.PHASE_FAILED -> PhaseFailed.from(e);
            case Event.INTENT -> Intent.from(e);
            case Event.COMMIT -> Commit.from(e);
            case Event.ABORTED -> Aborted.from(e);
            case Event.RETRIED -> Retried.from(e);
            case Event.APPROVED -> Approved.from(e);
            case Event.FORCED -> Forced.from(e);
            case Event.DS_SEEN -> DsSeen.from(e);
            case Event.DELEGATION_SEEN -> DelegationSeen.from(e);
            case Event.ROLLBACK_STARTED -> RollbackStarted.from(e);
            case Event.ROLLBACK_FINISHED -> RollbackFinished.from(e);
            case Event.ROLLBACK_FAILED -> RollbackFailed.from(e);
            default -> null;
        };
    }

    // ---------------------------------------------------------------- phases

    /** A phase began (its first journaled step). */
    record PhaseStarted(String phase, String action, Instant scheduledAt, boolean forced) implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            if (forced) i.put("forced", "true");
            i.put("action", action);
            i.put("scheduledAt", scheduledAt.toString());
            return Wire.of(Event.PHASE_STARTED, phase, i);
        }

        static PhaseStarted from(Event e) {
            String at = e.info("scheduledAt");
            return new PhaseStarted(e.phase(), e.info("action"), at == null ? null : Instant.parse(at),
                    "true".equals(e.info("forced")));
        }
    }

    /**
     * When lower-ttl saw the lowered TTL on every authoritative address, and what that makes the earliest
     * safe swap: confirmed + the largest original TTL + margin (RFC 1034 §3.6).
     */
    record SafeSwap(Instant confirmedAt, long maxOriginalTtl, Duration margin, Instant earliestSafeSwap) {}

    /**
     * A phase finished.
     *
     * @param confirmedAt when its change was seen on every authoritative address (lower-ttl, confirm), or null
     * @param safeSwap    lower-ttl's safety facts, or null
     */
    record PhaseFinished(String phase, Instant confirmedAt, SafeSwap safeSwap, boolean forced) implements Entry {
        public static PhaseFinished plain(String phase) {
            return new PhaseFinished(phase, null, null, false);
        }

        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            if (safeSwap != null) {
                i.put("confirmedAt", safeSwap.confirmedAt().toString());
                i.put("maxOriginalTtl", Long.toString(safeSwap.maxOriginalTtl()));
                i.put("margin", Long.toString(safeSwap.margin().toSeconds()));
                i.put("earliestSafeSwap", safeSwap.earliestSafeSwap().toString());
            } else if (confirmedAt != null) {
                i.put("confirmedAt", confirmedAt.toString());
            }
            if (forced) i.put("forced", "true");
            return Wire.of(Event.PHASE_FINISHED, phase, i);
        }

        static PhaseFinished from(Event e) {
            Instant confirmed = e.info("confirmedAt") == null ? null : Instant.parse(e.info("confirmedAt"));
            SafeSwap safe = null;
            if (e.info("earliestSafeSwap") != null) {
                safe = new SafeSwap(confirmed, Long.parseLong(e.info("maxOriginalTtl")),
                        Duration.ofSeconds(Long.parseLong(e.info("margin"))), Instant.parse(e.info("earliestSafeSwap")));
            }
            return new PhaseFinished(e.phase(), confirmed, safe, "true".equals(e.info("forced")));
        }
    }

    /** A phase stopped without finishing; {@code verdict} names the kind of stop (as the engine's verdicts). */
    record PhaseFailed(String phase, String reason, String verdict) implements Entry {
        @Override
        public Wire wire() {
            return Wire.of(Event.PHASE_FAILED, phase, Map.of("reason", reason, "verdict", verdict));
        }

        static PhaseFailed from(Event e) {
            return new PhaseFailed(e.phase(), e.info("reason"), e.info("verdict"));
        }
    }

    // ---------------------------------------------------------------- writes

    /**
     * Written, and durable, before the provider is touched: the full before- and after-images of one batch.
     *
     * @param undoes for a rollback batch, the id of the batch it undoes; null otherwise
     */
    record Intent(String phase, String batch, String zone, List<RRsetChange> changes, String undoes) implements Entry {
        public Intent {
            changes = List.copyOf(changes);
        }

        @Override
        public Wire wire() {
            return new Wire(Event.INTENT, phase, batch, zone, changes, undoes == null ? Map.of() : Map.of("undoes", undoes));
        }

        static Intent from(Event e) {
            return new Intent(e.phase(), e.batch(), e.zone(), e.changes(), e.info("undoes"));
        }
    }

    /** The batch is in place (the provider said so, or recovery read it back). */
    record Commit(String phase, String batch, String zone, boolean recovered) implements Entry {
        @Override
        public Wire wire() {
            return new Wire(Event.COMMIT, phase, batch, zone, List.of(), recovered ? Map.of("recovered", "true") : Map.of());
        }

        static Commit from(Event e) {
            return new Commit(e.phase(), e.batch(), e.zone(), "true".equals(e.info("recovered")));
        }
    }

    /** The batch did not happen: a conflict, or recovery found the before-image live. */
    record Aborted(String phase, String batch, String zone, String reason, boolean recovered) implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            if (recovered) i.put("recovered", "true");
            i.put("reason", reason);
            return new Wire(Event.ABORTED, phase, batch, zone, List.of(), i);
        }

        static Aborted from(Event e) {
            return new Aborted(e.phase(), e.batch(), e.zone(), e.info("reason"), "true".equals(e.info("recovered")));
        }
    }

    /** The provider failed in a way worth trying again; the batch is tried again after this line. */
    record Retried(String phase, String batch, String zone, int attempt, String reason) implements Entry {
        @Override
        public Wire wire() {
            return new Wire(Event.RETRIED, phase, batch, zone, List.of(),
                    Map.of("attempt", Integer.toString(attempt), "reason", reason));
        }

        static Retried from(Event e) {
            return new Retried(e.phase(), e.batch(), e.zone(), Integer.parseInt(e.info("attempt")), e.info("reason"));
        }
    }

    // ---------------------------------------------------------------- decisions

    /** Someone approved a phase, for the plan file whose SHA-256 is {@code planSha256} (null if unknown). */
    record Approved(String phase, String by, String planSha256, boolean required) implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("by", by);
            if (planSha256 != null) i.put("planSha256", planSha256);
            i.put("required", Boolean.toString(required));
            return Wire.of(Event.APPROVED, phase, i);
        }

        static Approved from(Event e) {
            return new Approved(e.phase(), e.info("by"), e.info("planSha256"), !"false".equals(e.info("required")));
        }
    }

    /** An operator overrode a safety gate with --force. */
    record Forced(String phase, String reason) implements Entry {
        @Override
        public Wire wire() {
            return Wire.of(Event.FORCED, phase, Map.of("reason", reason));
        }

        static Forced from(Event e) {
            return new Forced(e.phase(), e.info("reason"));
        }
    }

    // ---------------------------------------------------------------- provider move

    /**
     * The zone's DS at the parent, as every parent address served it, whenever that changed from what the
     * journal last said (appeared, or went).
     *
     * @param ttl its TTL when present, else -1
     */
    record DsSeen(String phase, String zone, boolean present, long ttl) implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("zone", zone);
            i.put("present", Boolean.toString(present));
            if (present) i.put("ttl", Long.toString(ttl));
            return Wire.of(Event.DS_SEEN, phase, i);
        }

        static DsSeen from(Event e) {
            String ttl = e.info("ttl");
            return new DsSeen(e.phase(), e.info("zone"), "true".equals(e.info("present")), ttl == null ? -1 : Long.parseLong(ttl));
        }
    }

    /**
     * Every parent address delegated to the new NS set from {@code seenAt} on, and the TTLs caches may hold
     * the old delegation for: what release-old's wait is measured from.
     *
     * @param parentNsTtl   the largest NS TTL the parent served for the delegation
     * @param oldChildNsTtl the largest TTL the old zone's apex NS had
     */
    record DelegationSeen(String phase, Instant seenAt, long parentNsTtl, long oldChildNsTtl, Duration margin)
            implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("seenAt", seenAt.toString());
            i.put("parentNsTtl", Long.toString(parentNsTtl));
            i.put("oldChildNsTtl", Long.toString(oldChildNsTtl));
            i.put("margin", Long.toString(margin.toSeconds()));
            return Wire.of(Event.DELEGATION_SEEN, phase, i);
        }

        static DelegationSeen from(Event e) {
            return new DelegationSeen(e.phase(), Instant.parse(e.info("seenAt")), Long.parseLong(e.info("parentNsTtl")),
                    Long.parseLong(e.info("oldChildNsTtl")), Duration.ofSeconds(Long.parseLong(e.info("margin"))));
        }
    }

    // ---------------------------------------------------------------- rollback

    record RollbackStarted(boolean forced) implements Entry {
        @Override
        public String phase() {
            return Event.ROLLBACK_PHASE;
        }

        @Override
        public Wire wire() {
            return Wire.of(Event.ROLLBACK_STARTED, Event.ROLLBACK_PHASE, forced ? Map.of("forced", "true") : Map.of());
        }

        static RollbackStarted from(Event e) {
            return new RollbackStarted("true".equals(e.info("forced")));
        }
    }

    record RollbackFinished(int changes) implements Entry {
        @Override
        public String phase() {
            return Event.ROLLBACK_PHASE;
        }

        @Override
        public Wire wire() {
            return Wire.of(Event.ROLLBACK_FINISHED, Event.ROLLBACK_PHASE, Map.of("changes", Integer.toString(changes)));
        }

        static RollbackFinished from(Event e) {
            String n = e.info("changes");
            return new RollbackFinished(n == null ? 0 : Integer.parseInt(n));
        }
    }

    record RollbackFailed(String reason) implements Entry {
        @Override
        public String phase() {
            return Event.ROLLBACK_PHASE;
        }

        @Override
        public Wire wire() {
            return Wire.of(Event.ROLLBACK_FAILED, Event.ROLLBACK_PHASE, Map.of("reason", reason));
        }

        static RollbackFailed from(Event e) {
            return new RollbackFailed(e.info("reason"));
        }
    }
}
