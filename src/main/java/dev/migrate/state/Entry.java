package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import dev.migrate.dns.RRsetKey;
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
            case Event.RESTORE_SCHEDULED -> RestoreScheduled.from(e);
            case Event.RESTARTED -> Restarted.from(e);
            case Event.COMMAND -> CommandRan.from(e);
            case Event.CHECK -> CheckRan.from(e);
            case Event.SERIALS -> SerialsSeen.from(e);
            case Event.NOTIFIED -> Notified.from(e);
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
     * @param kept   for a rollback batch, the RRsets of {@code undoes} it leaves in place (someone else changed
     *               them since the tool wrote them): they stay to be undone later. Empty: all of it is undone.
     */
    record Intent(String phase, String batch, String zone, List<RRsetChange> changes, String undoes,
            List<RRsetKey> kept) implements Entry {
        public Intent {
            changes = List.copyOf(changes);
            kept = List.copyOf(kept);
        }

        public Intent(String phase, String batch, String zone, List<RRsetChange> changes, String undoes) {
            this(phase, batch, zone, changes, undoes, List.of());
        }

        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            if (undoes != null) i.put("undoes", undoes);
            if (!kept.isEmpty()) i.put("kept", keys(kept));
            return new Wire(Event.INTENT, phase, batch, zone, changes, i);
        }

        static Intent from(Event e) {
            return new Intent(e.phase(), e.batch(), e.zone(), e.changes(), e.info("undoes"), keys(e.info("kept")));
        }
    }

    /**
     * RRset keys in one info value: "name TYPE" per line. A name in presentation form never holds a raw space
     * or newline (dnsjava escapes them as \032 and \010), so the split is exact.
     */
    private static String keys(List<RRsetKey> keys) {
        StringBuilder b = new StringBuilder();
        for (RRsetKey k : keys) {
            if (b.length() > 0) b.append('\n');
            b.append(k.name()).append(' ').append(k.type());
        }
        return b.toString();
    }

    private static List<RRsetKey> keys(String text) {
        if (text == null || text.isEmpty()) return List.of();
        List<RRsetKey> out = new java.util.ArrayList<>();
        for (String line : text.split("\n")) {
            int sp = line.lastIndexOf(' ');
            out.add(new RRsetKey(line.substring(0, sp), line.substring(sp + 1)));
        }
        return out;
    }

    /**
     * The batch is in place (the provider said so, or recovery read it back).
     *
     * @param landed when only part of the batch landed (recovery found some RRsets in their after-image and
     *               the rest in their before-image): those that did; empty means all of it
     */
    record Commit(String phase, String batch, String zone, boolean recovered, List<RRsetChange> landed) implements Entry {
        public Commit {
            landed = List.copyOf(landed);
        }

        public Commit(String phase, String batch, String zone, boolean recovered) {
            this(phase, batch, zone, recovered, List.of());
        }

        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            if (recovered) i.put("recovered", "true");
            if (!landed.isEmpty()) i.put("partial", "true");
            return new Wire(Event.COMMIT, phase, batch, zone, landed, i);
        }

        static Commit from(Event e) {
            return new Commit(e.phase(), e.batch(), e.zone(), "true".equals(e.info("recovered")),
                    "true".equals(e.info("partial")) ? e.changes() : List.of());
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

    /**
     * Every batch in the rollback's scope is undone.
     *
     * @param live whether every authoritative address was seen serving the reverted data; null when not checked
     */
    record RollbackFinished(int changes, Boolean live) implements Entry {
        public RollbackFinished(int changes) {
            this(changes, null);
        }

        @Override
        public String phase() {
            return Event.ROLLBACK_PHASE;
        }

        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("changes", Integer.toString(changes));
            if (live != null) i.put("live", live.toString());
            return Wire.of(Event.ROLLBACK_FINISHED, Event.ROLLBACK_PHASE, i);
        }

        static RollbackFinished from(Event e) {
            String n = e.info("changes");
            String live = e.info("live");
            return new RollbackFinished(n == null ? 0 : Integer.parseInt(n), live == null ? null : Boolean.valueOf(live));
        }
    }

    /**
     * A rollback kept the lowered TTLs (so a retry is fast) and put their return at {@code at}: apply runs
     * that restore-ttl when it falls due.
     */
    record RestoreScheduled(Instant at) implements Entry {
        @Override
        public String phase() {
            return Event.ROLLBACK_PHASE;
        }

        @Override
        public Wire wire() {
            return Wire.of(Event.RESTORE_SCHEDULED, Event.ROLLBACK_PHASE, Map.of("at", at.toString()));
        }

        static RestoreScheduled from(Event e) {
            return new RestoreScheduled(Instant.parse(e.info("at")));
        }
    }

    /**
     * {@code apply --restart} while the lowered TTLs are still in force: the timeline goes on from the first
     * undone swap, without a new lowering. {@code reopened} are the phases that run again.
     */
    record Restarted(List<String> reopened) implements Entry {
        public Restarted {
            reopened = List.copyOf(reopened);
        }

        @Override
        public String phase() {
            return Event.ROLLBACK_PHASE;
        }

        @Override
        public Wire wire() {
            return Wire.of(Event.RESTARTED, Event.ROLLBACK_PHASE, Map.of("reopened", String.join(",", reopened)));
        }

        static Restarted from(Event e) {
            String r = e.info("reopened");
            return new Restarted(r == null || r.isEmpty() ? List.of() : List.of(r.split(",")));
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

    // ---------------------------------------------------------------- what was seen and done along the way

    /** Part of a command's output as journaled (bounded, secrets blanked out), and how many bytes it wrote in all. */
    record Output(String text, long bytes) {}

    /**
     * An {@code action: run} phase's command ended.
     *
     * @param exitCode   its exit status; null when it never started
     * @param startError why it did not start, or null
     */
    record CommandRan(String phase, String command, Integer exitCode, boolean timedOut, String startError, Duration took,
            Output stdout, Output stderr) implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("command", command);
            if (exitCode != null) i.put("exitCode", Integer.toString(exitCode));
            if (timedOut) i.put("timedOut", "true");
            if (startError != null) i.put("startError", startError);
            i.put("millis", Long.toString(took.toMillis()));
            i.put("stdout", stdout.text());
            i.put("stdoutBytes", Long.toString(stdout.bytes()));
            i.put("stderr", stderr.text());
            i.put("stderrBytes", Long.toString(stderr.bytes()));
            return Wire.of(Event.COMMAND, phase, i);
        }

        static CommandRan from(Event e) {
            String code = e.info("exitCode");
            return new CommandRan(e.phase(), e.info("command"), code == null ? null : Integer.parseInt(code),
                    "true".equals(e.info("timedOut")), e.info("startError"), Duration.ofMillis(number(e, "millis")),
                    new Output(text(e, "stdout"), number(e, "stdoutBytes")),
                    new Output(text(e, "stderr"), number(e, "stderrBytes")));
        }
    }

    /** One service check ran. {@code during} says where: the phase id, or "swap preflight". */
    record CheckRan(String phase, String during, String check, boolean passed, String detail, Duration latency)
            implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("during", during);
            i.put("check", check);
            i.put("passed", Boolean.toString(passed));
            if (detail != null) i.put("detail", detail);
            i.put("latencyMs", Long.toString(latency.toMillis()));
            return Wire.of(Event.CHECK, phase, i);
        }

        static CheckRan from(Event e) {
            return new CheckRan(e.phase(), e.info("during"), e.info("check"), "true".equals(e.info("passed")),
                    e.info("detail"), Duration.ofMillis(number(e, "latencyMs")));
        }
    }

    /**
     * The SOA serial one authoritative address served.
     *
     * @param server the NS name it belongs to (the address itself when the plan lists addresses)
     * @param serial null when it gave none (unreachable, refused, lame)
     * @param state  what the address was found to be: match, not-yet, stale, lame, refused, error, unreachable
     */
    record Serial(String zone, String server, String address, Long serial, String state) {}

    /** The SOA serial every authoritative address served, as one phase saw them. */
    record SerialsSeen(String phase, List<Serial> serials) implements Entry {
        public SerialsSeen {
            serials = List.copyOf(serials);
        }

        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("count", Integer.toString(serials.size()));
            for (int n = 0; n < serials.size(); n++) {
                Serial s = serials.get(n);
                i.put("zone." + n, s.zone());
                i.put("server." + n, s.server());
                i.put("address." + n, s.address());
                if (s.serial() != null) i.put("serial." + n, Long.toString(s.serial()));
                i.put("state." + n, s.state());
            }
            return Wire.of(Event.SERIALS, phase, i);
        }

        static SerialsSeen from(Event e) {
            int count = (int) number(e, "count");
            List<Serial> out = new java.util.ArrayList<>(count);
            for (int n = 0; n < count; n++) {
                String serial = e.info("serial." + n);
                out.add(new Serial(e.info("zone." + n), e.info("server." + n), e.info("address." + n),
                        serial == null ? null : Long.parseLong(serial), e.info("state." + n)));
            }
            return new SerialsSeen(e.phase(), out);
        }
    }

    /**
     * A notification about {@code event} (phase-done, phase-failed, ...) went to one webhook, or could not.
     *
     * @param target where, safe to print: {@code webhookEnv SLACK_URL}, never the URL
     * @param error  why it was not delivered, or null
     */
    record Notified(String phase, String event, String target, boolean delivered, int attempts, String error)
            implements Entry {
        @Override
        public Wire wire() {
            Map<String, String> i = new LinkedHashMap<>();
            i.put("event", event);
            i.put("target", target);
            i.put("delivered", Boolean.toString(delivered));
            i.put("attempts", Integer.toString(attempts));
            if (error != null) i.put("error", error);
            return Wire.of(Event.NOTIFIED, phase, i);
        }

        static Notified from(Event e) {
            return new Notified(e.phase(), e.info("event"), e.info("target"), "true".equals(e.info("delivered")),
                    (int) number(e, "attempts"), e.info("error"));
        }
    }

    private static long number(Event e, String key) {
        String v = e.info(key);
        return v == null ? 0 : Long.parseLong(v);
    }

    private static String text(Event e, String key) {
        String v = e.info(key);
        return v == null ? "" : v;
    }
}
