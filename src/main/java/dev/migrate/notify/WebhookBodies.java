package dev.migrate.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.engine.Notice;
import dev.migrate.plan.NotifySpec;
import dev.migrate.secret.Redactor;

/**
 * The body each webhook format takes. Both pass the redactor: a notice quotes messages that may quote a
 * command's output, and no secret leaves the process by a webhook either.
 */
final class WebhookBodies {
    private WebhookBodies() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    static String of(NotifySpec.Format format, Notice n) {
        ObjectNode body = format == NotifySpec.Format.SLACK ? slack(n) : json(n);
        return Redactor.global().redact(body.toString());
    }

    /**
     * The generic body (README, "Notifications"): {@code source} ("migrate"), {@code plan}, {@code event}
     * (phase-done, phase-failed, phase-blocked, forced, rollback-started, rollback-finished, swap-soon),
     * {@code phase}, {@code action} (null for a rollback), {@code at}, {@code message}, and for swap-soon
     * {@code swapAt}.
     */
    static ObjectNode json(Notice n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("source", "migrate");
        o.put("plan", n.plan());
        o.put("event", n.kind().word());
        o.put("phase", n.phase());
        if (n.action() == null) o.putNull("action");
        else o.put("action", n.action().word());
        o.put("at", n.at().toString());
        o.put("message", n.message());
        if (n.swapAt() != null) o.put("swapAt", n.swapAt().toString());
        return o;
    }

    /** {@code {"text": ...}}, what Slack's incoming webhooks (and Mattermost's, Rocket.Chat's) take. */
    static ObjectNode slack(Notice n) {
        ObjectNode o = JSON.createObjectNode();
        o.put("text", mark(n.kind()) + " *migrate " + escape(n.plan()) + "* " + escape(n.phase()) + ": "
                + escape(headline(n)) + "\n" + escape(n.message()) + "\n_" + n.at() + "_");
        return o;
    }

    private static String headline(Notice n) {
        return switch (n.kind()) {
            case PHASE_DONE -> "done";
            case PHASE_FAILED -> "FAILED";
            case PHASE_BLOCKED -> "blocked";
            case FORCED -> "FORCED past the safety gate";
            case ROLLBACK_STARTED -> "rollback started";
            case ROLLBACK_FINISHED -> "rolled back";
            case SWAP_SOON -> "swap at " + n.swapAt();
        };
    }

    private static String mark(Notice.Kind k) {
        return switch (k) {
            case PHASE_DONE -> ":white_check_mark:";
            case PHASE_FAILED -> ":x:";
            case PHASE_BLOCKED -> ":warning:";
            case FORCED -> ":rotating_light:";
            case ROLLBACK_STARTED, ROLLBACK_FINISHED -> ":leftwards_arrow_with_hook:";
            case SWAP_SOON -> ":alarm_clock:";
        };
    }

    /** Slack's message text treats &, < and > as control characters; only those three are escaped. */
    static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
