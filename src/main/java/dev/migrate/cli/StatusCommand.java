package dev.migrate.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.migrate.engine.Engine;
import dev.migrate.engine.PhaseStatus;
import dev.migrate.engine.Status;
import dev.migrate.provider.Providers;
import dev.migrate.support.Durations;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show each phase's state, what comes next and when, and the earliest safe swap (from the journal).")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    PlanFileOption plan;

    @Mixin
    CommonOptions common;

    @Mixin
    OutputOptions output;

    @Mixin
    StateOptions state;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Clock clock = common.clock();
        // Status reads the journal only; the provider is not contacted.
        Engine engine = EngineFactory.journalOnly(plan.load(Providers.discover()), state, clock);
        Status s = ApplyCommand.run(engine::status);
        if (output.json()) out.println(Json.write(json(s)));
        else text(out, s, Colour.of(spec));
        return ExitCode.OK;
    }

    /**
     * Exactly the shape issue 3 documents for scripts: plan, now, phases (id, action, at, state, startedAt,
     * finishedAt), next (id, at) and earliestSafeSwap. Details and notes are in the text form.
     */
    static ObjectNode json(Status s) {
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("plan", s.plan());
        root.put("now", s.now().toString());
        ArrayNode phases = root.putArray("phases");
        for (PhaseStatus p : s.phases()) {
            ObjectNode o = phases.addObject();
            o.put("id", p.id());
            o.put("action", p.action().word());
            o.put("at", p.at().toString());
            o.put("state", p.state().word());
            put(o, "startedAt", p.startedAt());
            put(o, "finishedAt", p.finishedAt());
        }
        if (s.nextPhase() == null) root.putNull("next");
        else {
            ObjectNode n = root.putObject("next");
            n.put("id", s.nextPhase());
            n.put("at", s.nextAt().toString());
        }
        put(root, "earliestSafeSwap", s.earliestSafeSwap());
        return root;
    }

    private static void put(ObjectNode o, String k, Instant v) {
        if (v == null) o.putNull(k);
        else o.put(k, v.toString());
    }

    static void text(PrintWriter out, Status s) {
        text(out, s, Colour.NONE);
    }

    /** The same, states coloured on a terminal; the state is padded before it is coloured, so columns stay. */
    static void text(PrintWriter out, Status s, Colour colour) {
        out.println("Plan " + s.plan() + "; now " + s.now());
        for (PhaseStatus p : s.phases()) {
            String when = p.finishedAt() != null ? "finished " + p.finishedAt()
                    : p.startedAt() != null ? "started " + p.startedAt() : "at " + p.at() + " (" + Durations.relative(p.at(), s.now()) + ")";
            out.printf("  %-14s %-12s %s %s%s%n", p.id(), p.action().word(), colour.state(p.state().word(), 12), when,
                    p.detail() == null ? "" : "  " + p.detail());
        }
        if (s.nextPhase() != null) out.println("next: " + s.nextPhase() + " at " + s.nextAt() + " (" + Durations.relative(s.nextAt(), s.now()) + ")");
        out.println("earliest safe swap: " + (s.earliestSafeSwap() == null ? "known once lower-ttl is confirmed" : s.earliestSafeSwap()));
        s.notes().forEach(out::println);
    }
}
