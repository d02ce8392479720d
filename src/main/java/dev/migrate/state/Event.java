package dev.migrate.state;

import dev.migrate.dns.RRsetChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One journal line. {@code type} is one of the constants below; {@code batch}, {@code zone} and
 * {@code changes} are set on intents; {@code info} carries small facts (who approved, why it failed,
 * when lower-ttl was confirmed), strings only.
 */
public record Event(long seq, Instant at, String type, String phase, String batch, String zone,
        List<RRsetChange> changes, Map<String, String> info) {

    public static final String PHASE_STARTED = "phase-started";
    public static final String PHASE_FINISHED = "phase-finished";
    public static final String PHASE_FAILED = "phase-failed";
    /** Written, and fsync'd, before the provider is touched: the full before- and after-images. */
    public static final String INTENT = "intent";
    /** The provider answered and the change is in place. */
    public static final String COMMIT = "commit";
    /** The change did not happen (conflict, or crash recovery found the before-image live). */
    public static final String ABORTED = "aborted";
    /** A transient provider failure; the batch is tried again. */
    public static final String RETRIED = "retried";
    public static final String APPROVED = "approved";
    /** An operator overrode a safety gate with --force. */
    public static final String FORCED = "forced";
    /** A provider move saw the zone's DS at the parent appear or go (present or not, and its TTL). */
    public static final String DS_SEEN = "ds-seen";
    /** A provider move saw every parent address delegate to the new NS set (await-delegation's facts). */
    public static final String DELEGATION_SEEN = "delegation-seen";
    public static final String ROLLBACK_STARTED = "rollback-started";
    public static final String ROLLBACK_FINISHED = "rollback-finished";
    public static final String ROLLBACK_FAILED = "rollback-failed";
    /** A rollback kept the lowered TTLs; restore-ttl runs at the instant given. */
    public static final String RESTORE_SCHEDULED = "restore-scheduled";
    /** {@code apply --restart} reopened phases after a rollback, keeping the lowering. */
    public static final String RESTARTED = "restarted";
    /** An {@code action: run} phase's command ended (or did not start): exit status and captured output. */
    public static final String COMMAND = "command";
    /** One service check's result and latency. */
    public static final String CHECK = "check";
    /** The SOA serial each authoritative address served. */
    public static final String SERIALS = "serials";
    /** A notification was sent to one webhook, or could not be. */
    public static final String NOTIFIED = "notified";

    /** Phase name rollback intents carry. */
    public static final String ROLLBACK_PHASE = "rollback";

    public Event {
        changes = changes == null ? List.of() : List.copyOf(changes);
        info = info == null ? Map.of() : Map.copyOf(info);
    }

    public String info(String key) {
        return info.get(key);
    }
}
