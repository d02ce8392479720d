package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRsetChange;
import dev.migrate.engine.PhaseOutcome;
import dev.migrate.engine.PhaseResult;
import dev.migrate.engine.RunReport;
import dev.migrate.support.Durations;
import java.io.PrintWriter;
import java.time.Instant;

/** Prints apply and rollback reports: results to stdout, blocked and failed phases to stderr. */
final class RunOutput {
    private RunOutput() {}

    static void text(PrintWriter out, PrintWriter err, RunReport r, Instant now, boolean quiet, int limit) {
        text(out, err, r, now, quiet, limit, Colour.NONE);
    }

    /** The same, states coloured on a terminal (green done, yellow held, red failed). */
    static void text(PrintWriter out, PrintWriter err, RunReport r, Instant now, boolean quiet, int limit, Colour colour) {
        for (String n : r.notes()) out.println(n);
        for (PhaseResult p : r.phases()) {
            boolean bad = !(p.outcome() instanceof PhaseOutcome.Done || p.outcome() instanceof PhaseOutcome.WouldRun);
            PrintWriter w = bad ? err : out;
            w.println(p.phase() + ": " + colour.state(p.outcome().word()) + ": " + p.message());
            if (!p.changes().isEmpty()) Render.changes(w, p.changes(), "  ", limit);
        }
        if (quiet && r.quiet()) return;
        if (r.idle() != null) out.println(r.idle());
        if (r.nextPhase() != null && r.verdict().exitCode() == 0) {
            out.println("next: " + r.nextPhase() + " at " + r.nextAt() + " (" + Durations.relative(r.nextAt(), now) + ")");
        } else if (r.nextPhase() == null && r.idle() == null && r.verdict().exitCode() == 0 && !r.phases().isEmpty()
                && r.phases().stream().noneMatch(p -> p.outcome() instanceof PhaseOutcome.WouldRun || p.action() == null)) {
            out.println("the timeline is complete");
        }
    }

    static ObjectNode json(String plan, RunReport r, Instant now) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("plan", plan);
        root.put("now", now.toString());
        ArrayNode ran = root.putArray("phases");
        for (PhaseResult p : r.phases()) {
            ObjectNode o = ran.addObject();
            o.put("id", p.phase());
            if (p.action() != null) o.put("action", p.action().word());
            o.put("result", p.outcome().word());
            o.put("message", p.message());
            ArrayNode ch = o.putArray("changes");
            for (RRsetChange c : p.changes()) ch.add(Json.change(c));
        }
        ArrayNode notes = root.putArray("notes");
        r.notes().forEach(notes::add);
        if (r.idle() != null) root.put("idle", r.idle());
        if (r.nextPhase() == null) root.putNull("next");
        else {
            ObjectNode n = root.putObject("next");
            n.put("id", r.nextPhase());
            n.put("at", r.nextAt().toString());
        }
        root.put("exitCode", r.verdict().exitCode());
        return root;
    }
}
