package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.dns.RRsetChange;
import dev.migrate.engine.Planner;
import dev.migrate.state.JournalState;
import dev.migrate.engine.Preview;
import dev.migrate.engine.SafetyReport;
import dev.migrate.engine.Workspace;
import dev.migrate.plan.Offset;
import dev.migrate.plan.Plan;
import dev.migrate.plan.ScheduledPhase;
import dev.migrate.state.PhaseState;
import dev.migrate.provider.Providers;
import dev.migrate.support.Durations;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Show what the plan will do and when, against the live records, and whether it is safe.",
                "Exit 0 when safe, 4 when unsafe, 2 when the plan is invalid, 1 when the provider cannot be read."})
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    CommonOptions common;

    @Mixin
    OutputOptions output;

    @Mixin
    StateOptions state;

    @Option(names = "--limit", defaultValue = "50", description = "Most RRsets listed per phase in text output (default 50).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Providers providers = Providers.discover();
        Instant now = common.instant();
        Preview p;
        // A preview reads the zones where they are now: a provider move's new provider (and its credentials) is
        // apply's business.
        try (Workspace ws = plan.openCurrent(providers, common.clock())) {
            // What already ran counts: the journal keeps the original TTLs and the RRsets a rewrite moved.
            JournalState journal;
            try {
                journal = JournalState.of(EngineFactory.store(ws.plan(), state, common.clock()).read());
            } catch (java.io.IOException e) {
                throw new CliException(ExitCode.FAILURE, e.getMessage());
            }
            p = Planner.preview(ws.plan(), ws.readLive(), ws.provider().capabilities(), now, journal);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output.json()) out.println(Json.write(json(p)));
        else text(out, p);
        return p.safety().errors().isEmpty() ? ExitCode.OK : ExitCode.BLOCKED;
    }

    static ObjectNode json(Preview p) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("plan", p.plan().name());
        root.put("now", p.now().toString());
        root.put("cutover", p.plan().cutover().toString());
        ArrayNode tl = root.putArray("timeline");
        for (ScheduledPhase s : p.timeline().phases()) {
            ObjectNode o = tl.addObject();
            o.put("id", s.id());
            o.put("action", s.action().word());
            o.put("at", s.at().toString());
            o.put("offset", s.spec().at().text());
            o.put("estimated", p.timeline().estimated(s));
            // What the journal says: done (when), or when it is due now that the phases before it really ran.
            Preview.Mark m = p.mark(s.id());
            o.put("state", m.state().word());
            if (m.finishedAt() != null) o.put("finishedAt", m.finishedAt().toString());
            o.put("expectedAt", m.expectedAt().toString()); // anchored: from what really finished
            if (m.dueAt() == null) o.putNull("dueAt");
            else o.put("dueAt", m.dueAt().toString());
        }
        ObjectNode ch = root.putObject("changes");
        p.changesByPhase().forEach((id, list) -> {
            ArrayNode a = ch.putArray(id);
            for (RRsetChange c : list) a.add(Json.change(c));
        });
        SafetyReport s = p.safety();
        ObjectNode so = root.putObject("safety");
        so.put("maxOriginalTtl", s.maxOriginalTtl());
        so.put("margin", s.margin().toSeconds());
        if (s.earliestSafeSwap() == null) so.putNull("earliestSafeSwap");
        else so.put("earliestSafeSwap", s.earliestSafeSwap().toString());
        if (s.swap() == null) so.putNull("swap");
        else so.put("swap", s.swap().toString());
        ArrayNode e = so.putArray("errors");
        s.errors().forEach(e::add);
        ArrayNode w = so.putArray("warnings");
        s.warnings().forEach(w::add);
        return root;
    }

    void text(PrintWriter out, Preview p) {
        Plan plan = p.plan();
        out.println("Plan " + plan.name() + ": zones " + String.join(" ", plan.zones()) + ", provider " + plan.provider().type());
        out.println("Cutover T = " + plan.cutover() + " (" + Durations.relative(plan.cutover(), p.now()) + "); now " + p.now());
        out.println();
        out.println("Timeline");
        int idWidth = 14;
        int offsetWidth = 8;
        for (ScheduledPhase s : p.timeline().phases()) {
            idWidth = Math.max(idWidth, s.id().length());
            offsetWidth = Math.max(offsetWidth, s.spec().at().text().length());
        }
        String row = "  %-" + idWidth + "s %-12s %-" + offsetWidth + "s %s%s%s%n";
        boolean estimates = false;
        for (ScheduledPhase s : p.timeline().phases()) {
            Preview.Mark m = p.mark(s.id());
            boolean estimated = m.finishedAt() == null && p.timeline().estimated(s);
            estimates |= estimated;
            String when;
            if (m.finishedAt() != null) {
                when = m.state().word() + " " + m.finishedAt(); // done, or rolled-back: what the journal says
            } else {
                // Due at its anchor's actual finish plus its offset once that phase ran; else expected from it.
                Instant at = m.expectedAt();
                when = at + "  " + Durations.relative(at, p.now())
                        + (m.state() == PhaseState.PENDING || m.state() == PhaseState.DUE ? "" : "  " + m.state().word());
            }
            out.printf(row, s.id(), s.action().word(), s.spec().at().text(), when, estimated ? "  (estimate*)" : "",
                    s.spec().approvalRequired() ? "  (approval required)" : "");
        }
        if (estimates) {
            out.println("  * planned with a soak (" + Offset.SOAK + ") of " + Durations.human(p.timeline().plannedSoak())
                    + ": the usual parent NS TTL of " + Offset.USUAL_PARENT_NS_TTL.toSeconds() + " s ("
                    + Durations.human(Offset.USUAL_PARENT_NS_TTL) + ") + the zones' NS TTL before the lowering + margin;"
                    + " await-delegation counts it with the parent's real NS TTL, and 'migrate status' shows the real"
                    + " instant then");
        }
        for (ScheduledPhase s : p.timeline().phases()) {
            List<RRsetChange> changes = p.changesByPhase().get(s.id());
            if (changes == null) continue;
            out.println();
            out.println(s.id() + " (" + s.action().word() + ", " + s.at() + "): " + changes.size() + " RRset"
                    + (changes.size() == 1 ? "" : "s"));
            if (changes.isEmpty()) out.println("  nothing to change");
            Render.changes(out, changes, "  ", limit);
        }
        SafetyReport s = p.safety();
        out.println();
        out.println("Safety");
        out.println("  largest original TTL  " + s.maxOriginalTtl() + " s (" + Durations.human(java.time.Duration.ofSeconds(s.maxOriginalTtl())) + ")");
        out.println("  margin                " + Durations.human(s.margin()));
        // No earliest instant means either nothing needs lowering, or nothing lowers what needs it.
        boolean neverLowered = s.earliestSafeSwap() == null && s.maxOriginalTtl() > plan.ttl().lowered();
        if (s.earliestSafeSwap() != null) {
            out.println("  earliest safe swap    " + s.earliestSafeSwap() + " (lower-ttl + largest original TTL + margin)");
        } else if (neverLowered) {
            out.println("  earliest safe swap    none: no lower-ttl phase lowers TTLs of up to " + s.maxOriginalTtl() + " s first");
        } else {
            out.println("  earliest safe swap    any time (no TTL needs lowering)");
        }
        Colour colour = Colour.of(spec);
        if (s.swap() != null) {
            boolean safe = !neverLowered && (s.earliestSafeSwap() == null || !s.swap().isBefore(s.earliestSafeSwap()));
            // Time to spare from now: once the earliest safe swap has passed, how long until the swap is due.
            Instant from = s.earliestSafeSwap() == null || s.earliestSafeSwap().isBefore(p.now()) ? p.now() : s.earliestSafeSwap();
            String spare = s.earliestSafeSwap() == null ? ""
                    : s.swap().isAfter(from) ? ", " + Durations.human(java.time.Duration.between(from, s.swap())) + " to spare"
                    : ", due now";
            String verdict = safe ? colour.good("safe") + spare : colour.failed("UNSAFE");
            out.println("  swap                  " + s.swap() + " (" + verdict + ")");
        }
        if (!s.warnings().isEmpty()) {
            out.println();
            out.println(colour.held("Warnings"));
            s.warnings().forEach(w -> out.println("  - " + w));
        }
        if (!s.errors().isEmpty()) {
            out.println();
            out.println(colour.failed("Errors"));
            s.errors().forEach(e -> out.println("  - " + e));
        }
    }
}
